import ABMTestSupport
import Foundation
import Testing

/// git's lock files (`.git/index.lock`, a branch's `.lock`) left behind: taken away when they
/// provably belong to an abmsync run that died, otherwise named with what to check and how to
/// remove them, never a bare "exit 2".
@Suite(.serialized) struct GitLockFileTests {
    static let lockFiles = [".git/index.lock", ".git/refs/heads/main.lock", ".git/refs/remotes/origin/main.lock"]

    /// A shared folder remote and Jane's copy with one new account not yet synced.
    static func janeWithAnEdit(_ temp: TemporaryDirectory) -> (jane: String, remote: String) {
        let remote = ConcurrencyTests.setUpShared(temp)
        let jane = ConcurrencyTests.clone(remote, as: "jane", in: temp)
        let added = CLITests.abmsync(["new", "account", "initech", "--name", "Initech", "--tier", "3", "--program", "mid"], in: jane)
        precondition(added.status == 0, added.combined)
        return (jane, remote)
    }

    /// What libgit2 leaves when the process holding the lock dies: the lock file, with part of the
    /// new content in it.
    static func leaveLock(_ path: String) {
        FileManager.default.createFile(atPath: path, contents: Data("0123456789abcdef\n".utf8))
    }

    @Test(arguments: lockFiles)
    func aLockLeftByACrashedSyncIsRecovered(lockFile: String) throws {
        let temp = TemporaryDirectory("abmsync-gitlock")
        let (jane, remote) = Self.janeWithAnEdit(temp)
        // A sync that dies mid-way (kill -9) while it holds a git lock.
        var environment = GitCLI.environment(home: jane)
        environment["ABMSYNC_TEST_CRASH_AT"] = "after-checkpoint"
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let crashed = runProcess(CLITests.binary, ["sync", "--quiet"], in: jane, environment: environment)
        #expect(crashed.status == 137, "\(crashed.combined)")
        Self.leaveLock(jane + "/" + lockFile)

        let again = CLITests.abmsync(["sync", "--quiet"], in: jane)
        #expect(again.status == 0, "\(again.combined)")
        #expect(!FileManager.default.fileExists(atPath: jane + "/" + lockFile), "\(lockFile) is still there")
        #expect(GitCLI.run(["--git-dir", remote, "show", "main:accounts.yaml"], in: temp.path).stdout.contains("  initech:"))
        #expect(GitCLI.run(["fsck", "--strict"], in: jane).status == 0)
        #expect(GitCLI.run(["status", "--porcelain"], in: jane).stdout == "")
    }

    @Test(arguments: lockFiles)
    func aLockAbmsyncDidNotLeaveIsNamedWithWhatToDo(lockFile: String) throws {
        let temp = TemporaryDirectory("abmsync-gitlock")
        let (jane, _) = Self.janeWithAnEdit(temp)
        // Another git program's lock (running, or crashed outside abmsync).
        Self.leaveLock(jane + "/" + lockFile)

        let result = CLITests.abmsync(["sync", "--quiet"], in: jane)
        #expect(result.status == 2, "\(result.combined)")
        #expect(result.stderr.contains("'\(lockFile)'"), "\(result.stderr)")
        #expect(result.stderr.contains("git, an editor or an IDE"), "\(result.stderr)")
        #expect(result.stderr.contains("rm '\(jane)/\(lockFile)'"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: jane + "/" + lockFile), "a lock that may be in use was removed")
        // Once removed as the message says, sync works.
        unlink(jane + "/" + lockFile)
        let again = CLITests.abmsync(["sync", "--quiet"], in: jane)
        #expect(again.status == 0, "\(again.combined)")
    }

    /// A lock already there before the abmsync run that died started is not that run's: kept.
    @Test func aLockOlderThanTheCrashedRunIsKept() throws {
        let temp = TemporaryDirectory("abmsync-gitlock")
        let (jane, _) = Self.janeWithAnEdit(temp)
        let lock = jane + "/.git/refs/heads/main.lock"
        var environment = GitCLI.environment(home: jane)
        environment["ABMSYNC_TEST_CRASH_AT"] = "after-checkpoint"
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let crashed = runProcess(CLITests.binary, ["sync", "--quiet"], in: jane, environment: environment)
        #expect(crashed.status == 137, "\(crashed.combined)")
        Self.leaveLock(lock)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: lock)

        let result = CLITests.abmsync(["sync", "--quiet"], in: jane)
        #expect(result.status == 2, "\(result.combined)")
        #expect(result.stderr.contains("'.git/refs/heads/main.lock'"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: lock))
    }
}
