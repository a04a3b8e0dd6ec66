import ABMTestSupport
import Foundation
import Testing

/// Many teammates syncing at once, and two abmsync processes in one clone.
@Suite(.serialized) struct ConcurrencyTests {
    static func setUpShared(_ temp: TemporaryDirectory) -> String {
        let remote = temp.file("shared.git")
        GitCLI.run(["init", "-q", "--bare", "-b", "main", remote], in: temp.path)
        temp.write("seed/team.yaml", PermissiveTeam.yaml)  // not about permissions: anyone may add accounts
        _ = CLITests.abmsync(["init", "seed", "--remote", remote], in: temp.path)
        let seed = temp.file("seed")
        GitCLI.run(["config", "user.name", "Ops Team"], in: seed)
        GitCLI.run(["config", "user.email", "ops@example.com"], in: seed)
        _ = CLITests.abmsync(["new", "programme", "mid", "--owner", "ops"], in: seed)
        let first = CLITests.abmsync(["sync"], in: seed)
        precondition(first.status == 0, first.combined)
        return remote
    }

    static func clone(_ remote: String, as name: String, home: String? = nil, in temp: TemporaryDirectory) -> String {
        let result = CLITests.abmsync(["clone", remote, name], in: temp.path, home: home)
        precondition(result.status == 0, result.combined)
        let folder = temp.file(name)
        GitCLI.run(["config", "user.name", "Ops Team"], in: folder)
        GitCLI.run(["config", "user.email", "ops@example.com"], in: folder)
        return folder
    }

    @Test func twentyClonesSyncingAtOnceLoseNothing() throws {
        let temp = TemporaryDirectory("abmsync-twenty")
        let remote = Self.setUpShared(temp)
        let clones = (0..<20).map { Self.clone(remote, as: "clone-\($0)", in: temp) }
        for (number, folder) in clones.enumerated() {
            let added = CLITests.abmsync(
                ["new", "account", "account-\(number)", "--name", "Account \(number)", "--tier", "3", "--program", "mid"], in: folder)
            #expect(added.status == 0, "\(added.combined)")
        }
        // Every clone syncs at the same time, retrying until it gets through (bounded).
        let attempts = Attempts()
        DispatchQueue.concurrentPerform(iterations: clones.count) { number in
            for attempt in 1...15 {
                let result = CLITests.abmsync(["sync", "--quiet"], in: clones[number])
                attempts.record(number, attempt, result.status)
                if result.status == 0 { return }
                usleep(UInt32.random(in: 50_000...300_000))
            }
        }
        #expect(attempts.failedClones.isEmpty, "clones that never got through: \(attempts.failedClones)")
        let accounts = GitCLI.run(["--git-dir", remote, "show", "main:accounts.yaml"], in: temp.path).stdout
        for number in 0..<20 { #expect(accounts.contains("  account-\(number):\n"), "account-\(number) is missing") }
        #expect(GitCLI.run(["--git-dir", remote, "fsck", "--strict"], in: temp.path).status == 0)
        print("20 concurrent clones: \(attempts.summary)")
    }

    @Test func twoProcessesInOneCloneTakeTurns() throws {
        let temp = TemporaryDirectory("abmsync-lock")
        let remote = Self.setUpShared(temp)
        let folder = Self.clone(remote, as: "jane", in: temp)
        _ = CLITests.abmsync(["new", "account", "initech", "--name", "Initech", "--tier", "3", "--program", "mid"], in: folder)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { number in
            results.set(number, CLITests.abmsync(["sync", "--quiet"], in: folder))
        }
        // Each either did the work or waited its turn and found nothing left to do; never both failing.
        #expect(results.all.allSatisfy { $0.status == 0 }, "\(results.all.map(\.combined))")
        #expect(GitCLI.run(["fsck", "--strict"], in: folder).status == 0)
        #expect(GitCLI.run(["status", "--porcelain"], in: folder).stdout == "")
        #expect(!FileManager.default.fileExists(atPath: folder + "/.git/abmsync.lock"))
        #expect(GitCLI.run(["--git-dir", remote, "show", "main:accounts.yaml"], in: temp.path).stdout.contains("  initech:"))
    }

    @Test func aLockLeftByAKilledProcessIsTakenOver() throws {
        let temp = TemporaryDirectory("abmsync-stale")
        let remote = Self.setUpShared(temp)
        let folder = Self.clone(remote, as: "jane", in: temp)
        // A lock whose owner no longer exists (pid 2^22 - 1 is beyond the default pid range).
        temp.write("jane/.git/abmsync.lock", "4194303\n")
        let result = CLITests.abmsync(["sync", "--quiet"], in: folder)
        #expect(result.status == 0, "\(result.combined)")
    }
}

final class Attempts: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Int: [Int32]] = [:]

    func record(_ clone: Int, _ attempt: Int, _ status: Int32) { lock.withLock { log[clone, default: []].append(status) } }

    var failedClones: [Int] { lock.withLock { log.filter { $0.value.last != 0 }.map(\.key).sorted() } }

    var summary: String {
        lock.withLock {
            let tries = log.values.map(\.count)
            return "attempts per clone: min \(tries.min() ?? 0), max \(tries.max() ?? 0), total \(tries.reduce(0, +))"
        }
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: ProcessOutput] = [:]

    func set(_ number: Int, _ output: ProcessOutput) { lock.withLock { values[number] = output } }

    var all: [ProcessOutput] { lock.withLock { values.keys.sorted().compactMap { values[$0] } } }
}

extension ConcurrencyTests {
    @Test func watchSendsEditsAsTheyAreSaved() throws {
        let temp = TemporaryDirectory("abmsync-watch")
        let remote = Self.setUpShared(temp)
        let jane = Self.clone(remote, as: "jane", in: temp)
        let output = Results()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            output.set(0, CLITests.abmsync(["sync", "--watch", "--watch-cycles", "2", "--watch-debounce", "0.3", "--interval", "30"], in: jane))
            done.signal()
        }
        usleep(1_500_000)  // the first sync runs at start
        let added = CLITests.abmsync(["new", "account", "initech", "--name", "Initech", "--tier", "3", "--program", "mid"], in: jane)
        #expect(added.status == 0)
        #expect(done.wait(timeout: .now() + 60) == .success, "the watch did not stop after two syncs")
        let log = try #require(output.all.first)
        #expect(log.status == 0, "\(log.combined)")
        #expect(log.stdout.contains("Keeping \(jane) in sync"))
        #expect(log.stdout.contains("Initech: added as tier 3"))
        #expect(GitCLI.run(["--git-dir", remote, "show", "main:accounts.yaml"], in: temp.path).stdout.contains("  initech:"))
    }
}

/// A sync killed at several points: the next run recovers and no edit is lost (checked with the git CLI).
@Suite(.serialized) struct CrashRecoveryTests {
    @Test(arguments: ["after-checkpoint", "after-fetch", "after-merge-commit", "after-checkout"])
    func aSyncKilledMidwayLosesNothing(point: String) throws {
        let temp = TemporaryDirectory("abmsync-crash")
        let remote = ConcurrencyTests.setUpShared(temp)
        let jane = ConcurrencyTests.clone(remote, as: "jane", in: temp)
        let sam = ConcurrencyTests.clone(remote, as: "sam", in: temp)
        _ = CLITests.abmsync(["new", "account", "initech", "--name", "Initech", "--tier", "3", "--program", "mid"], in: jane)
        #expect(CLITests.abmsync(["sync", "--quiet"], in: jane).status == 0)
        _ = CLITests.abmsync(["new", "account", "umbrella", "--name", "Umbrella", "--tier", "3", "--program", "mid"], in: sam)

        var environment = GitCLI.environment(home: sam)
        environment["ABMSYNC_TEST_CRASH_AT"] = point
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let crashed = runProcess(CLITests.binary, ["sync", "--quiet"], in: sam, environment: environment)
        #expect(crashed.status == 137, "\(crashed.combined)")

        // Nothing lost right after the crash: Sam's edit is in the files or in a commit.
        let files = (try? String(contentsOfFile: sam + "/accounts.yaml", encoding: .utf8)) ?? ""
        let committed = GitCLI.run(["log", "-p", "--all"], in: sam).stdout
        #expect(files.contains("  umbrella:") || committed.contains("+  umbrella:"))
        #expect(GitCLI.run(["fsck", "--strict"], in: sam).status == 0)

        // The next run finishes the job.
        let status = CLITests.abmsync(["status"], in: sam)
        #expect(status.status == 0 || status.status == 1, "\(status.combined)")
        let again = CLITests.abmsync(["sync", "--quiet"], in: sam)
        #expect(again.status == 0, "\(again.combined)")
        let shared = GitCLI.run(["--git-dir", remote, "show", "main:accounts.yaml"], in: temp.path).stdout
        #expect(shared.contains("  initech:") && shared.contains("  umbrella:"), "\(shared)")
        #expect(GitCLI.run(["status", "--porcelain"], in: sam).stdout == "")
        #expect(GitCLI.run(["--git-dir", remote, "fsck", "--strict"], in: temp.path).status == 0)
    }
}
