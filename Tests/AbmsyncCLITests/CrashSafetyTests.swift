import ABMTestSupport
import Foundation
import Testing

/// A laptop that crashes or fills its disk while abmsync writes: every file is the old or the new
/// version, never a piece; an interrupted checkout is finished by the next command; abmsync's own
/// half-done work is never recorded as the person's edit; temporary files and locks of killed runs do
/// not get in the way.
@Suite(.serialized) struct CrashSafetyTests {
    /// Two teammates on one shared bare repository; the account list can be made large.
    struct Team {
        let temp = TemporaryDirectory("abmsync-crash-safety")
        var remote: String { temp.file("shared.git") }
        var jane: String { temp.file("jane") }
        var sam: String { temp.file("sam") }

        /// `accounts` nil: a small repository made by `abmsync init`; otherwise one generated with
        /// scripts/bench/generate.py (every account with a plan).
        init(accounts: Int? = nil) {
            if let accounts {
                let seed = temp.file("seed")
                let generated = runProcess("/usr/bin/python3", [Self.script("scripts/bench/generate.py"), "\(accounts)", seed])
                precondition(generated.status == 0, generated.combined)
                GitCLI.run(["init", "-q", "-b", "main"], in: seed)
                GitCLI.run(["add", "-A"], in: seed)
                GitCLI.run(["commit", "-qm", "seed"], in: seed)
                GitCLI.run(["clone", "-q", "--bare", seed, remote], in: temp.path)
                for (who, number) in [("jane", 0), ("sam", 1)] {
                    let cloned = CLITests.abmsync(["clone", remote, who], in: temp.path)
                    precondition(cloned.status == 0, cloned.combined)
                    // The generated team's admin: these trials edit accounts nobody in particular owns.
                    Self.identify(temp.file(who), "AE \(number)", "val@example.com")
                }
            } else {
                GitCLI.run(["init", "-q", "--bare", "-b", "main", remote], in: temp.path)
                temp.write("jane/team.yaml", PermissiveTeam.yaml)  // not about permissions
                precondition(CLITests.abmsync(["init", "jane", "--remote", remote], in: temp.path).status == 0)
                Self.identify(jane, "Jane Doe", "jane@example.com")
                let added = CLITests.abmsync(
                    ["new", "account", "acme-corp", "--name", "Acme Corp", "--tier", "1", "--ae", "jane", "--marketer", "sam",
                     "--sponsor", "vp", "--acv", "450000"], in: jane)
                precondition(added.status == 0, added.combined)
                let first = CLITests.abmsync(["sync"], in: jane)
                precondition(first.status == 0, first.combined)
                precondition(CLITests.abmsync(["clone", remote, "sam"], in: temp.path).status == 0)
                Self.identify(sam, "Sam Lee", "sam@example.com")
            }
        }

        static func script(_ relative: String) -> String {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(relative).path
        }

        static func identify(_ folder: String, _ name: String, _ email: String) {
            GitCLI.run(["config", "user.name", name], in: folder)
            GitCLI.run(["config", "user.email", email], in: folder)
        }

        func edit(_ who: String, _ file: String, _ from: String, _ to: String) {
            let text = temp.read("\(who)/\(file)") ?? ""
            precondition(text.contains(from), "\(who)/\(file) has no '\(from)'")
            temp.write("\(who)/\(file)", text.replacingOccurrences(of: from, with: to))
        }

        /// Replaces the value of `field` in the entry of `account` (generated lists).
        func set(_ who: String, _ account: String, _ field: String, _ value: String) {
            let text = temp.read("\(who)/accounts.yaml") ?? ""
            guard let start = text.range(of: "\n  \(account):\n"),
                let line = text.range(of: "\n    \(field): ", range: start.upperBound..<text.endIndex),
                let end = text.range(of: "\n", range: line.upperBound..<text.endIndex)
            else { preconditionFailure("\(account) has no \(field)") }
            temp.write("\(who)/accounts.yaml", text.replacingCharacters(in: line.upperBound..<end.lowerBound, with: value))
        }

        var sharedAccounts: String {
            GitCLI.run(["--git-dir", remote, "show", "main:accounts.yaml"], in: temp.path).stdout
        }

        /// Every subject in `who`'s history that says accounts were removed.
        func removals(_ who: String) -> [String] {
            GitCLI.run(["log", "--all", "--format=%s%n%b"], in: temp.file(who)).stdout.split(separator: "\n").map(String.init)
                .filter { $0.contains("removed") || $0.contains("deleted") }
        }

        /// abmsync's temporary files anywhere in `who`'s clone (the working tree and .git).
        func leftovers(_ who: String) -> [String] {
            let folder = temp.file(who)
            let found = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
            return found.filter { $0.hasSuffix(".tmp") || $0.contains("tmp_object_git2_") }
        }
    }

    static func environment(_ home: String, crashAt point: String? = nil) -> [String: String] {
        var environment = GitCLI.environment(home: home)
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        if let point { environment["ABMSYNC_TEST_CRASH_AT"] = point }
        return environment
    }

    // MARK: - Kill -9 during the accounts.yaml rewrite

    /// Runs `abmsync pull` in `folder` and kills it (SIGKILL) the moment it starts rewriting
    /// accounts.yaml: a temporary file for it appears, or the file itself changes (a rewrite in place).
    /// Returns the exit status (-9 when killed, 0 when the pull finished before the kill).
    static func pullKilledDuringAccountListRewrite(_ folder: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["pull", "--quiet"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(environment(folder)) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var before = stat()
        _ = lstat(folder + "/accounts.yaml", &before)
        guard (try? process.run()) != nil else { return -1 }
        var now = stat()
        while process.isRunning {
            let changed = lstat(folder + "/accounts.yaml", &now) == 0
                && (now.st_size != before.st_size || now.st_ino != before.st_ino || now.st_mtim.tv_nsec != before.st_mtim.tv_nsec)
            let writing = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.contains {
                $0.hasPrefix(".accounts.yaml.") && $0.hasSuffix(".tmp")
            } ?? false
            if changed || writing {
                kill(process.processIdentifier, SIGKILL)
                break
            }
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    /// At 10,000 accounts (each with a plan), a pull killed inside the accounts.yaml rewrite (three
    /// ways: half the new file written, the new file in place but nothing else, a real SIGKILL at the
    /// moment the rewrite starts), each followed by a plain `abmsync sync`: it succeeds, every edit of
    /// both sides reaches the team, and nothing is reported removed. The full trial (20+ kills at
    /// random moments) is scripts/trials/kill-during-pull.sh.
    @Test func aPullKilledWhileRewritingTheAccountListLosesNothingAt10000Accounts() throws {
        let team = Team(accounts: 10_000)
        for (trial, point) in ["mid-write:accounts.yaml", "after-write:accounts.yaml", "kill"].enumerated() {
            // Sam moves a deal on and shares it; Jane edits another account and adds one.
            let samAccount = String(format: "account-%06d", 3000 + trial)
            let janeAccount = String(format: "account-%06d", 5000 + trial)
            team.set("sam", samAccount, "stage", "engaged")
            let sent = CLITests.abmsync(["sync", "--quiet"], in: team.sam)
            #expect(sent.status == 0, "\(sent.combined)")
            team.set("jane", janeAccount, "acv", "77777")
            let accounts = team.temp.read("jane/accounts.yaml") ?? ""
            team.temp.write(
                "jane/accounts.yaml",
                accounts + "  jane-new-\(trial):\n    name: Jane New \(trial)\n    tier: 3\n    program: program-000\n    acv: 15000\n"
                    + "    stage: target\n    tier_since: 2026-06-01\n    reviewed: 2026-10-01\n")

            let status: Int32
            if point == "kill" {
                status = Self.pullKilledDuringAccountListRewrite(team.jane)
            } else {
                status = runProcess(CLITests.binary, ["pull", "--quiet"], in: team.jane, environment: Self.environment(team.jane, crashAt: point)).status
            }
            #expect(status == 137 || status == -9, "trial \(trial) (\(point)): the pull was not killed (exit \(status))")

            let again = CLITests.abmsync(["sync"], in: team.jane)
            #expect(again.status == 0, "trial \(trial) (\(point)): \(again.combined)")
            #expect(!again.combined.contains("removed") && !again.combined.contains("deleted"), "\(again.combined)")
            let shared = team.sharedAccounts
            #expect(shared.contains("\n  \(samAccount):\n    name: Account \(3000 + trial)\n"), "trial \(trial): Sam's account")
            #expect(shared.contains("  jane-new-\(trial):\n"), "trial \(trial): Jane's new account is missing")
            #expect(shared.components(separatedBy: "\n    stage: engaged\n").count > 900, "trial \(trial): accounts lost")
            #expect(shared.components(separatedBy: "\n    tier: ").count == 10_001 + trial + 1, "trial \(trial): accounts lost")
            #expect(shared.contains("    acv: 77777\n"), "trial \(trial): Jane's edit is missing")
            #expect(team.removals("jane").isEmpty, "trial \(trial): \(team.removals("jane"))")
            #expect(GitCLI.run(["status", "--porcelain"], in: team.jane).stdout == "", "trial \(trial)")
            #expect(team.leftovers("jane").isEmpty, "trial \(trial): \(team.leftovers("jane"))")
        }
        #expect(GitCLI.run(["fsck", "--strict"], in: team.jane).status == 0)
    }

    /// A pull killed after the files were written but before the branch moved (a crash point that
    /// exists on main): the next sync finishes the step, so no commit of Jane's carries Sam's change
    /// as if it were her edit.
    @Test func aPullKilledAfterWritingTheFilesIsFinishedNotRecordedAsTheUsersEdit() throws {
        let team = Team()
        team.edit("sam", "accounts.yaml", "stage: target", "stage: engaged")
        #expect(CLITests.abmsync(["sync", "--quiet"], in: team.sam).status == 0)
        team.edit("jane", "accounts.yaml", "acv: 450000", "acv: 480000")
        let crashed = runProcess(
            CLITests.binary, ["pull", "--quiet"], in: team.jane, environment: Self.environment(team.jane, crashAt: "after-checkout"))
        #expect(crashed.status == 137, "\(crashed.combined)")

        let again = CLITests.abmsync(["sync"], in: team.jane)
        #expect(again.status == 0, "\(again.combined)")
        let janes = GitCLI.run(["log", "--author=Jane", "--no-merges", "--format=%s%n%b"], in: team.jane).stdout
        #expect(!janes.contains("stage target → engaged"), "Sam's change recorded as Jane's edit:\n\(janes)")
        #expect(team.sharedAccounts.contains("stage: engaged") && team.sharedAccounts.contains("acv: 480000"))
        #expect(GitCLI.run(["status", "--porcelain"], in: team.jane).stdout == "")
        #expect(!FileManager.default.fileExists(atPath: team.jane + "/.git/abmsync/checkout-journal"))
    }

    // MARK: - Temporary files and locks of killed runs

    /// Temporary files a killed run left in .git/abmsync, .git/objects and the working tree are
    /// removed by the next sync (which holds the repository lock), and never recorded.
    @Test func temporaryFilesOfKilledRunsAreRemovedByTheNextRun() throws {
        let team = Team()
        team.temp.write("jane/.git/abmsync/.cache-v1.abmsync-4194303-12345.tmp", "half a cache")
        team.temp.write("jane/.git/objects/tmp_object_git2_AbCdEf", "half an object")
        team.temp.write("jane/.accounts.yaml.abmsync-4194303-777.tmp", "accounts:\n  half")
        // libgit2's are removed once they are a few minutes old (a git program may be writing one now);
        // abmsync's once their process is gone. A fresh libgit2 one stays.
        team.temp.write("jane/.git/objects/tmp_object_git2_Fresh1", "being written")
        let past = Date().addingTimeInterval(-600)
        for file in [".git/abmsync/.cache-v1.abmsync-4194303-12345.tmp", ".git/objects/tmp_object_git2_AbCdEf", ".accounts.yaml.abmsync-4194303-777.tmp"] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: team.jane + "/" + file)
        }
        let synced = CLITests.abmsync(["sync"], in: team.jane)
        #expect(synced.status == 0, "\(synced.combined)")
        #expect(team.leftovers("jane") == [".git/objects/tmp_object_git2_Fresh1"], "\(team.leftovers("jane"))")
        #expect(!GitCLI.run(["log", "--all", "--stat"], in: team.jane).stdout.contains(".tmp"))
    }

    /// An empty lock file (a crash while creating it), or one naming a process that is gone or whose
    /// pid now belongs to another process, is taken over at once: no 15 s wait.
    @Test(arguments: ["", "4194303 1\n", "SELF 1\n"])
    func aLockWithoutALiveHolderIsTakenOverAtOnce(content: String) throws {
        let team = Team()
        // "SELF": this test runner's pid, alive, but not the process that wrote the lock (another start time).
        team.temp.write("jane/.git/abmsync.lock", content.replacingOccurrences(of: "SELF", with: "\(getpid())"))
        let started = Date()
        let synced = CLITests.abmsync(["sync", "--quiet"], in: team.jane)
        #expect(synced.status == 0, "\(synced.combined)")
        #expect(Date().timeIntervalSince(started) < 8, "waited \(Date().timeIntervalSince(started)) s for a dead lock")
        #expect(!FileManager.default.fileExists(atPath: team.jane + "/.git/abmsync.lock"))
    }

    // MARK: - A full disk

    /// Runs `script` in a private mount namespace where `folder` is a small tmpfs; nil when this
    /// machine does not allow it (the test is then skipped with a message).
    static func inSmallDisk(_ script: String) -> ProcessOutput? {
        let probe = runProcess("/usr/bin/unshare", ["-rm", "/bin/sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt && echo ok"])
        guard probe.status == 0, probe.stdout.contains("ok") else {
            print("skipped: mounting a small tmpfs is not allowed here (\(probe.combined.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return nil
        }
        return runProcess("/usr/bin/unshare", ["-rm", "/bin/sh", "-c", script])
    }

    /// The disk fills while a pull rewrites accounts.yaml: a clear error naming the file, exit 2, the
    /// old accounts.yaml intact, no temporary file left; once there is space again, a plain sync
    /// finishes with nothing reported removed.
    @Test func aFullDiskDuringAPullLosesNothing() throws {
        let team = Team()
        // Sam adds a long note to the account list (the pull must write 400 KB).
        let note = (0..<8000).map { "# note \($0): lots of context about our territory planning\n" }.joined()
        team.edit("sam", "accounts.yaml", "accounts:\n", note + "accounts:\n")
        team.edit("sam", "accounts.yaml", "stage: target", "stage: engaged")
        #expect(CLITests.abmsync(["sync", "--quiet"], in: team.sam).status == 0)
        let before = try #require(team.temp.read("jane/accounts.yaml"))
        let disk = team.temp.file("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let env = Self.environment(team.jane).map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let script = """
            set -e
            mount -t tmpfs -o size=8m tmpfs '\(disk)'
            cp -a '\(team.jane)' '\(disk)/jane'
            free=$(df --output=avail -B1 '\(disk)' | tail -1)
            fallocate -l $((free - 150000)) '\(disk)/fill' 2>/dev/null || dd if=/dev/zero of='\(disk)/fill' bs=1000 count=$(( (free - 150000) / 1000 )) 2>/dev/null
            set +e
            cd '\(disk)/jane'
            env \(env) '\(CLITests.binary)' pull
            echo "exit=$?"
            cp accounts.yaml '\(team.temp.file("after-full.yaml"))'
            find . -name '*.tmp' -o -name 'tmp_object_git2_*' > '\(team.temp.file("leftovers.txt"))'
            rm -f '\(disk)/fill'
            env \(env) '\(CLITests.binary)' sync
            echo "exit=$?"
            cp accounts.yaml '\(team.temp.file("after-sync.yaml"))'
            git -C '\(disk)/jane' log --format=%s%n%b > '\(team.temp.file("log.txt"))'
            """
        guard let result = Self.inSmallDisk(script) else { return }
        let runs = result.stdout.components(separatedBy: "exit=")
        #expect(runs.count == 3, "\(result.combined)")
        #expect(result.stdout.contains("exit=2"), "\(result.combined)")
        #expect(result.combined.contains("accounts.yaml") && result.combined.contains("disk is full"), "\(result.combined)")
        #expect(team.temp.read("after-full.yaml") == before, "accounts.yaml changed on a full disk")
        #expect((team.temp.read("leftovers.txt") ?? "x").isEmpty, "left behind: \(team.temp.read("leftovers.txt") ?? "")")
        #expect(result.stdout.hasSuffix("exit=0\n"), "\(result.combined)")
        let after = team.temp.read("after-sync.yaml") ?? ""
        #expect(after.contains("stage: engaged") && after.contains("# note 7999"))
        let log = team.temp.read("log.txt") ?? ""
        #expect(!log.contains("removed") && !log.contains("Checkpoint"), "\(log)")
    }

    // MARK: - resolve

    /// `abmsync resolve` of an account that is in no conflict (and exists nowhere) is a usage error
    /// (README: 64, the command line was wrong) naming it and listing what is open, not "no open
    /// conflicts" with exit 0.
    @Test func resolvingAnAccountThatIsNotInConflictIsAnError() throws {
        let team = Team()
        let result = CLITests.abmsync(["resolve", "no-such-account"], in: team.jane)
        #expect(result.status == 64, "\(result.combined)")
        #expect(result.stderr.contains("'no-such-account'"), "\(result.combined)")
        #expect(!result.combined.contains("no open conflicts"), "\(result.combined)")
        #expect(result.stderr.contains("nothing is in conflict"), "\(result.combined)")

        // With a conflict open elsewhere, the error lists it.
        team.edit("sam", "accounts.yaml", "acv: 450000", "acv: 500000")
        #expect(CLITests.abmsync(["sync", "--quiet"], in: team.sam).status == 0)
        team.edit("jane", "accounts.yaml", "acv: 450000", "acv: 470000")
        #expect(CLITests.abmsync(["sync", "--quiet"], in: team.jane).status == 1)
        let listed = CLITests.abmsync(["resolve", "no-such-account"], in: team.jane)
        #expect(listed.status == 64, "\(listed.combined)")
        #expect(listed.stderr.contains("acme-corp"), "\(listed.combined)")
    }
}
