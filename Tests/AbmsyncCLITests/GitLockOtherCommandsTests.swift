import ABMTestSupport
import Foundation
import Testing

/// git's lock files a killed abmsync left are taken away by every command that writes, not only by
/// pull, push and sync; a lock abmsync did not leave is named with what to check and how to remove it.
@Suite(.serialized) struct GitLockOtherCommandsTests {
    /// Jane's copy after a sync of hers was killed (kill -9) while it held the repository, leaving
    /// `lockFile` behind as libgit2 would.
    static func janeAfterACrash(_ temp: TemporaryDirectory, leaving lockFile: String) -> String {
        let (jane, _) = GitLockFileTests.janeWithAnEdit(temp)
        var environment = GitCLI.environment(home: jane)
        environment["ABMSYNC_TEST_CRASH_AT"] = "after-checkpoint"
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let crashed = runProcess(CLITests.binary, ["sync", "--quiet"], in: jane, environment: environment)
        precondition(crashed.status == 137, crashed.combined)
        GitLockFileTests.leaveLock(jane + "/" + lockFile)
        return jane
    }

    /// A merge with one open conflict in programs/mid.md (its name changed on both sides since the shared tip).
    static func conflict(in jane: String) {
        let plan = jane + "/programs/mid.md"
        func rename(_ name: String) {
            let text = (try? String(contentsOfFile: plan, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("name: ") ? "name: \(name)" : String($0) }
            try? lines.joined(separator: "\n").write(toFile: plan, atomically: true, encoding: .utf8)
        }
        GitCLI.run(["commit", "-q", "--no-verify", "-am", "initech"], in: jane)  // Jane's new account, recorded
        GitCLI.run(["checkout", "-q", "-b", "other", "HEAD~1"], in: jane)
        rename("Mid Market West")
        GitCLI.run(["commit", "-q", "--no-verify", "-am", "west"], in: jane)
        GitCLI.run(["checkout", "-q", "main"], in: jane)
        rename("Mid Market East")
        GitCLI.run(["commit", "-q", "--no-verify", "-am", "east"], in: jane)
        let merge = GitCLI.run(["merge", "--no-edit", "other"], in: jane)
        precondition(merge.status != 0, merge.combined)
    }

    @Test func resolveTakesAwayAnIndexLockAKilledRunLeft() throws {
        let temp = TemporaryDirectory("abmsync-gitlock-other")
        let (jane, _) = GitLockFileTests.janeWithAnEdit(temp)
        Self.conflict(in: jane)
        var environment = GitCLI.environment(home: jane)
        environment["ABMSYNC_TEST_CRASH_AT"] = "mid-write:mid.md"
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        // resolve killed while it writes the settled plan, with git's index lock taken (as libgit2 would).
        let crashed = runProcess(CLITests.binary, ["resolve", "programs/mid.md", "--ours"], in: jane, environment: environment)
        #expect(crashed.status == 137, "\(crashed.combined)")
        GitLockFileTests.leaveLock(jane + "/.git/index.lock")

        let again = CLITests.abmsync(["resolve", "programs/mid.md", "--ours"], in: jane)
        #expect(again.status == 0, "\(again.combined)")
        #expect(again.stdout.contains("marked programs/mid.md as resolved"), "\(again.stdout)")
        #expect(!FileManager.default.fileExists(atPath: jane + "/.git/index.lock"))
        #expect(GitCLI.run(["diff", "--name-only", "--diff-filter=U"], in: jane).stdout.isEmpty)
    }

    @Test func resolveNamesAnIndexLockAbmsyncDidNotLeave() throws {
        let temp = TemporaryDirectory("abmsync-gitlock-other")
        let (jane, _) = GitLockFileTests.janeWithAnEdit(temp)
        Self.conflict(in: jane)
        GitLockFileTests.leaveLock(jane + "/.git/index.lock")

        let result = CLITests.abmsync(["resolve", "programs/mid.md", "--ours"], in: jane)
        #expect(result.status == 2, "\(result.combined)")
        #expect(result.stderr.contains("'.git/index.lock'"), "\(result.stderr)")
        #expect(result.stderr.contains("rm '\(jane)/.git/index.lock'"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: jane + "/.git/index.lock"), "a lock that may be in use was removed")
        // Nothing was written: the conflict is still open in the file.
        let plan = try String(contentsOfFile: jane + "/programs/mid.md", encoding: .utf8)
        #expect(plan.contains("<<<<<<<"), "\(plan)")
    }

    /// hooks install and init (run again) write .git/config (the merge driver): config.lock in the way.
    @Test(arguments: [["hooks", "install"], ["init"]])
    func setupCommandsTakeAwayAConfigLockAKilledRunLeft(command: [String]) throws {
        let temp = TemporaryDirectory("abmsync-gitlock-other")
        let jane = Self.janeAfterACrash(temp, leaving: ".git/config.lock")
        // As in a copy made with plain git clone: the merge driver is not set up yet.
        unlink(jane + "/.git/config.lock")
        GitCLI.run(["config", "--remove-section", "merge.abmsync"], in: jane)
        GitLockFileTests.leaveLock(jane + "/.git/config.lock")

        let result = CLITests.abmsync(command, in: jane)
        #expect(result.status == 0, "\(result.combined)")
        #expect(!FileManager.default.fileExists(atPath: jane + "/.git/config.lock"))
        #expect(GitCLI.run(["config", "merge.abmsync.driver"], in: jane).stdout.contains("merge-driver"))
    }

    @Test(arguments: [["hooks", "install"], ["init"], ["new", "account", "hooli", "--name", "Hooli", "--tier", "3", "--program", "mid"]])
    func writingCommandsNameALockAbmsyncDidNotLeave(command: [String]) throws {
        let temp = TemporaryDirectory("abmsync-gitlock-other")
        let (jane, _) = GitLockFileTests.janeWithAnEdit(temp)
        GitCLI.run(["config", "--remove-section", "merge.abmsync"], in: jane)
        GitLockFileTests.leaveLock(jane + "/.git/config.lock")

        let result = CLITests.abmsync(command, in: jane)
        #expect(result.status == 2, "\(result.combined)")
        #expect(result.stderr.contains("'.git/config.lock'"), "\(result.stderr)")
        #expect(result.stderr.contains("git, an editor or an IDE"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: jane + "/.git/config.lock"))
    }
}
