import ABMTestSupport
import Foundation
import Testing

/// Runs the built `abmsync` binary the way a person does, and checks what it prints and its exit code.
@Suite struct CLITests {
    static let binary: String = {
        let besideRunner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("abmsync").path
        if FileManager.default.isExecutableFile(atPath: besideRunner) { return besideRunner }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/abmsync").path
    }()

    /// Runs the abmsync binary in `directory`, with HOME there unless `home` names another folder
    /// (one holding `.ssh/` keys, for an ssh remote).
    static func abmsync(_ arguments: [String], in directory: String, home: String? = nil) -> ProcessOutput {
        runProcess(
            binary, arguments, in: directory,
            environment: GitCLI.environment(home: home ?? directory).merging(["ABMSYNC_TODAY": "2026-11-22"]) { $1 })
    }

    @Test func initThenNewThenValidate() throws {
        let temp = TemporaryDirectory()
        let first = Self.abmsync(["init", "plans"], in: temp.path)
        #expect(first.status == 0, "\(first.combined)")
        #expect(first.stdout.contains("Created plan repository"))
        #expect(first.stdout.contains("installed the pre-commit hook"))
        let again = Self.abmsync(["init", "plans"], in: temp.path)
        #expect(again.status == 0)
        #expect(again.stdout.hasSuffix("is already an abmsync plan repository; nothing changed.\n"))

        let plans = temp.file("plans")
        let added = Self.abmsync(
            ["new", "account", "acme-corp", "--name", "Acme Corp", "--tier", "1", "--ae", "jane", "--marketer", "sam",
             "--sponsor", "vp", "--acv", "450000"], in: plans)
        #expect(added.status == 0, "\(added.combined)")
        #expect(added.stdout.hasPrefix("Acme Corp: added as tier 1 (Strategic (1:1))\n  wrote accounts.yaml\n  wrote accounts/acme-corp.md\n"))
        let cluster = Self.abmsync(["new", "cluster", "fintech-emea", "--name", "Fintech EMEA", "--owner", "sam"], in: plans)
        #expect(cluster.status == 0, "\(cluster.combined)")
        let programme = Self.abmsync(["new", "program", "mid-market-na", "--owner", "ops"], in: plans)
        #expect(programme.status == 0, "\(programme.combined)")
        let wrongOwner = Self.abmsync(["new", "programme", "emea", "--owner", "sam"], in: plans)
        #expect(wrongOwner.status == 2)
        #expect(wrongOwner.stderr.contains("cannot be owner: team.yaml does not give them the 'marketing-ops' role"))

        let valid = Self.abmsync(["validate", "--quiet-ok", "--staged"], in: plans)
        #expect(valid.status == 0, "\(valid.combined)")
    }

    @Test func exitCodesFollowOneConvention() throws {
        let temp = TemporaryDirectory()
        // 64: the command line is wrong.
        let usage = Self.abmsync(["new", "account", "x", "--tier", "9"], in: temp.path)
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--tier must be 1 (strategic), 2 (cluster) or 3 (programmatic)"))
        // 2: abmsync could not work here.
        let notRepo = Self.abmsync(["validate"], in: temp.path)
        #expect(notRepo.status == 2)
        #expect(notRepo.stderr.hasPrefix("error: '"))
        #expect(notRepo.stderr.contains("hint: run 'abmsync init'"))
        // 1: the plans need attention.
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = Self.abmsync(["init", "p"], in: temp.path)
        temp.write("p/accounts.yaml", "accounts:\n  acme:\n    tier: 1\n    tier: 2\n")
        let broken = Self.abmsync(["validate"], in: temp.file("p"))
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("accounts.yaml:4:5: error[yaml-duplicate-key]: duplicate key 'tier' (lines 3 and 4)"))
        // 0 with --help.
        #expect(Self.abmsync(["--help"], in: temp.path).status == 0)
    }

    @Test func helpExplainsEveryCommandInPlanTerms() {
        let temp = TemporaryDirectory()
        let help = Self.abmsync(["--help"], in: temp.path).stdout
        for command in ["init", "new", "validate", "hooks"] { #expect(help.contains("  \(command) "), "\(command)") }
        #expect(help.contains("64  the command line was wrong"))
        let newHelp = Self.abmsync(["new", "account", "--help"], in: temp.path).stdout
        #expect(newHelp.contains("1 strategic (1:1), 2 cluster (1:few), 3 programmatic"))
        let completion = Self.abmsync(["--generate-completion-script", "bash"], in: temp.path)
        #expect(completion.status == 0 && completion.stdout.contains("_abmsync"))
    }

    @Test func theInstalledHookRefusesABrokenCommitAndAcceptsAGoodOne() throws {
        let temp = TemporaryDirectory()
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = Self.abmsync(["init", "p"], in: temp.path)
        let plans = temp.file("p")
        temp.write("p/accounts.yaml", "accounts:\n  acme:\n    tier: [1\n")
        GitCLI.run(["add", "accounts.yaml"], in: plans)
        let refused = GitCLI.run(["commit", "-m", "broken"], in: plans)
        #expect(refused.status != 0)
        #expect(refused.combined.contains("accounts.yaml:"))
        #expect(refused.combined.contains("Nothing was committed: fix the errors above"))
        temp.write("p/accounts.yaml", "accounts: {}\n")
        #expect(Self.abmsync(["new", "programme", "mid-market", "--owner", "ops"], in: plans).status == 0)
        #expect(Self.abmsync(["new", "account", "acme", "--name", "Acme", "--tier", "3", "--program", "mid-market"], in: plans).status == 0)
        GitCLI.run(["add", "-A"], in: plans)
        let accepted = GitCLI.run(["commit", "-q", "-m", "good"], in: plans)
        #expect(accepted.status == 0, "\(accepted.combined)")
    }
}

extension CLITests {
    @Test func theDemoMergesWhatGitWouldNotAndReportsTheOneRealConflict() throws {
        let temp = TemporaryDirectory()
        let demo = Self.abmsync(["demo", "--folder", temp.file("demo")], in: temp.path)
        #expect(demo.status == 0, "\(demo.combined)")
        #expect(demo.stdout.contains("Merged them with yours; nothing conflicted."))
        #expect(demo.stdout.contains("accounts.yaml:12: Acme Corp · acv: yours \"380000\", Jane Doe's \"500000\" (before \"450000\")"))
        // Both teammates end with the same files, and the shared history holds every edit.
        let shared = temp.file("demo/shared.git")
        let accounts = GitCLI.run(["--git-dir", shared, "show", "main:accounts.yaml"], in: temp.path).stdout
        for expected in ["stage: negotiation", "intent: 72", "  globex:", "  umbrella:", "acv: 500000"] {
            #expect(accounts.contains(expected), "\(expected)")
        }
        let plan = GitCLI.run(["--git-dir", shared, "show", "main:accounts/acme-corp.md"], in: temp.path).stdout
        #expect(plan.contains("- [x] Executive briefing (sam)") && plan.contains("- [x] Discovery call with the economic buyer (jane)"))
        #expect(GitCLI.run(["--git-dir", shared, "fsck", "--strict"], in: temp.path).status == 0)
        // Sam (a marketer and exec, not an admin) may not change the team's policy: his sync sends
        // nothing and names who may, and the shared policy keeps 5.
        #expect(demo.stdout.contains("error: a commit waiting to be sent makes a change its author may not make; nothing was sent"))
        #expect(demo.stdout.contains("ask Jane Doe (admin) or Val Park (admin) to make this change to abmsync.yaml"))
        let policy = GitCLI.run(["--git-dir", shared, "show", "main:abmsync.yaml"], in: temp.path).stdout
        #expect(policy.contains("max_per_ae: 5") && !policy.contains("max_per_ae: 50"))
    }

    @Test func statusSpeaksInPlanTerms() throws {
        let temp = TemporaryDirectory()
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = Self.abmsync(["init", "p"], in: temp.path)
        let plans = temp.file("p")
        let clean = Self.abmsync(["status"], in: plans)
        #expect(clean.stdout.contains("Not shared yet"))
        #expect(clean.stdout.contains("No unrecorded edits."))
        _ = Self.abmsync(["new", "programme", "mid", "--owner", "ops"], in: plans)
        _ = Self.abmsync(["new", "account", "initech", "--name", "Initech", "--tier", "3", "--program", "mid"], in: plans)
        let edited = Self.abmsync(["status"], in: plans)
        #expect(edited.stdout.contains("Edits not recorded yet (sync records and sends them):\n  Initech: added as tier 3\n  mid programme plan: created\n"), "\(edited.stdout)")
        #expect(edited.status == 0)
    }

    @Test func syncWithoutAReachableRemoteSaysSoCalmlyWithItsOwnExitCode() throws {
        let temp = TemporaryDirectory()
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = Self.abmsync(["init", "p", "--remote", "http://127.0.0.1:9/abm.git"], in: temp.path)
        let plans = temp.file("p")
        GitCLI.run(["config", "user.email", "jane@example.com"], in: plans)
        GitCLI.run(["config", "user.name", "Jane Doe"], in: plans)
        _ = Self.abmsync(["new", "programme", "mid", "--owner", "ops"], in: plans)
        let offline = Self.abmsync(["sync"], in: plans)
        #expect(offline.status == 75, "\(offline.combined)")
        #expect(offline.stdout.contains("Offline: http://127.0.0.1:9/abm.git cannot be reached right now ("), "\(offline.stdout)")
        #expect(offline.stdout.contains("onnection refused). Your edits are saved here and will be sent next time you sync."), "\(offline.stdout)")
        #expect(offline.stderr.isEmpty)
    }
}

extension CLITests {
    @Test func schemasAreValidJSONAndInitWritesThemWhereTheTemplatesPoint() throws {
        let temp = TemporaryDirectory()
        for name in ["accounts", "team", "policy", "plan"] {
            let printed = Self.abmsync(["schema", "--print", name], in: temp.path)
            #expect(printed.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
            #expect(object?["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
        }
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = Self.abmsync(["init", "p"], in: temp.path)
        let accounts = try #require(temp.read("p/accounts.yaml"))
        let pointer = try #require(accounts.split(separator: "\n").first)
        #expect(pointer == "# yaml-language-server: $schema=.abmsync/schemas/accounts.schema.json")
        #expect(FileManager.default.fileExists(atPath: temp.file("p/.abmsync/schemas/accounts.schema.json")))
    }

    @Test func theInstalledPrePushHookRefusesBrokenCommitsAndTheRemoteKeepsItsState() throws {
        let temp = TemporaryDirectory()
        let remote = temp.file("remote.git")
        GitCLI.run(["init", "-q", "--bare", remote], in: temp.path)
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = Self.abmsync(["init", "p"], in: temp.path)
        let plans = temp.file("p")
        GitCLI.run(["remote", "add", "origin", "file://" + remote], in: plans)
        let first = GitCLI.run(["push", "-q", "origin", "HEAD:refs/heads/main"], in: plans)
        #expect(first.status == 0, "\(first.combined)")
        let pushed = GitCLI.run(["rev-parse", "HEAD"], in: plans).stdout

        // A broken commit made past the pre-commit hook is stopped at the push.
        temp.write("p/accounts.yaml", "accounts:\n  acme:\n    tier: [1\n")
        GitCLI.run(["commit", "-q", "--no-verify", "-am", "broken"], in: plans)
        let refused = GitCLI.run(["push", "origin", "HEAD:refs/heads/main"], in: plans)
        #expect(refused.status != 0)
        #expect(refused.combined.contains("accounts.yaml:4:1: error[yaml-syntax]"), "\(refused.combined)")
        #expect(refused.combined.contains("Nothing was pushed"))
        #expect(GitCLI.run(["rev-parse", "main"], in: remote).stdout == pushed)

        // Fixed in a new commit, the push goes through.
        temp.write("p/accounts.yaml", "accounts: {}\n")
        GitCLI.run(["commit", "-q", "--no-verify", "-am", "fixed"], in: plans)
        let accepted = GitCLI.run(["push", "-q", "origin", "HEAD:refs/heads/main"], in: plans)
        #expect(accepted.status == 0, "\(accepted.combined)")
        #expect(GitCLI.run(["rev-parse", "main"], in: remote).stdout == GitCLI.run(["rev-parse", "HEAD"], in: plans).stdout)
    }
}
