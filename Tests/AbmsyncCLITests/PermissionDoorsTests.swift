import ABMTestSupport
import Foundation
import Testing

/// Issue 13's doors: the same unauthorised change (Sam, a marketer, moves a tier 1 account to tier 3)
/// is refused by the pre-commit hook under a plain `git commit -a`, by `abmsync push`, by `abmsync
/// sync` (a bare remote over file://) and by `abmsync verify`; the same authorised change (Jane, the
/// account's AE, moves its stage) goes through all of them.
@Suite struct PermissionDoorsTests {
    struct Team {
        let temp = TemporaryDirectory()
        var root: String { temp.file("plans") }
        var remote: String { temp.file("remote.git") }

        init() {
            precondition(CLITests.abmsync(["init", "plans"], in: temp.path).status == 0)
            let programme = CLITests.abmsync(["new", "programme", "mid-market", "--name", "Mid-market", "--owner", "ops"], in: root)
            precondition(programme.status == 0, programme.combined)
            let added = CLITests.abmsync(
                ["new", "account", "stark", "--name", "Stark Industries", "--tier", "1", "--ae", "jane", "--marketer", "sam",
                 "--sponsor", "vp", "--acv", "450000"], in: root)
            precondition(added.status == 0, added.combined)
            git(["add", "-A"], as: "val@example.com")
            git(["commit", "-q", "-m", "Start"], as: "val@example.com")
            precondition(runProcess(GitCLI.executable, ["init", "-q", "--bare", "-b", "main", remote]).status == 0)
            git(["remote", "add", "origin", "file://" + remote], as: "val@example.com")
            git(["push", "-q", "-u", "origin", "main"], as: "val@example.com")
        }

        /// The environment of a person at this computer: git's identity from `user.email` (no
        /// GIT_AUTHOR_* overrides), today pinned for validation.
        func environment(_ email: String) -> [String: String] {
            var environment = GitCLI.environment(home: root).filter { !$0.key.hasPrefix("GIT_AUTHOR_") }
            environment["ABMSYNC_TODAY"] = "2026-11-22"
            environment["GIT_AUTHOR_DATE"] = "2026-11-22T12:00:00Z"
            _ = email
            return environment
        }

        /// Sets who is at this computer (`user.email`, as a person would), then runs git.
        @discardableResult
        func git(_ arguments: [String], as email: String, expect status: Int32? = 0) -> ProcessOutput {
            let env = environment(email)
            let name = String(email.prefix { $0 != "@" })
            runProcess(GitCLI.executable, ["config", "user.email", email], in: root, environment: env)
            runProcess(GitCLI.executable, ["config", "user.name", name], in: root, environment: env)
            let output = runProcess(GitCLI.executable, arguments, in: root, environment: env)
            if let status { #expect(output.status == status, "git \(arguments): \(output.combined)") }
            return output
        }

        func abmsync(_ arguments: [String], as email: String) -> ProcessOutput {
            git(["config", "user.email", email], as: email)
            return runProcess(CLITests.binary, arguments, in: root, environment: environment(email))
        }

        func edit(_ old: String, _ new: String) {
            let text = temp.read("plans/accounts.yaml") ?? ""
            #expect(text.components(separatedBy: old).count == 2, "'\(old)' once in accounts.yaml")
            temp.write("plans/accounts.yaml", text.replacingOccurrences(of: old, with: new))
        }

        func moveStarkToTier3() { edit("    tier: 1\n", "    tier: 3\n    program: mid-market\n") }

        func rev(_ name: String, in folder: String? = nil) -> String {
            runProcess(GitCLI.executable, ["rev-parse", name], in: folder ?? root, environment: environment("val@example.com"))
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var remoteMain: String { rev("main", in: remote) }
        var committedAccounts: String { git(["show", "HEAD:accounts.yaml"], as: "val@example.com").stdout }
    }

    static func expectRefusal(_ output: ProcessOutput, _ context: String) {
        #expect(output.status == 1, "\(context): \(output.combined)")
        #expect(output.combined.contains("permission-tier-move"), "\(context): \(output.combined)")
        #expect(output.combined.contains("Stark Industries: tier 1 → 3"), "\(context): \(output.combined)")
        #expect(output.combined.contains("ask Val Park (admin) to move Stark Industries to tier 3"), "\(context): \(output.combined)")
    }

    @Test func thePreCommitHookJudgesThePersonCommitting() {
        let team = Team()
        let before = team.rev("HEAD")
        team.moveStarkToTier3()
        let refused = team.git(["commit", "-a", "-m", "Stark to tier 3"], as: "sam@example.com", expect: nil)
        #expect(refused.status != 0, "\(refused.combined)")
        #expect(refused.combined.contains("permission-tier-move"), "\(refused.combined)")
        #expect(refused.combined.contains("ask Val Park (admin) to move Stark Industries to tier 3"), "\(refused.combined)")
        #expect(refused.combined.contains("Nothing was committed"), "\(refused.combined)")
        #expect(team.rev("HEAD") == before)
        #expect(team.committedAccounts.contains("tier: 1"))

        // The admin may make the same change.
        let admin = team.git(["commit", "-a", "-m", "Stark to tier 3"], as: "val@example.com", expect: nil)
        #expect(admin.status == 0, "\(admin.combined)")
        #expect(team.committedAccounts.contains("tier: 3"))
    }

    @Test func thePreCommitHookLetsTheAEMoveTheStage() {
        let team = Team()
        team.edit("stage: target", "stage: engaged")
        let accepted = team.git(["commit", "-a", "-m", "Stark to negotiation"], as: "jane@example.com", expect: nil)
        #expect(accepted.status == 0, "\(accepted.combined)")
        #expect(team.committedAccounts.contains("stage: engaged"))
        // GIT_AUTHOR_EMAIL, when set, is the author git records: it is who is judged.
        team.edit("stage: engaged", "stage: opportunity")
        var env = team.environment("jane@example.com")
        env["GIT_AUTHOR_EMAIL"] = "mallory@example.com"
        let unknown = runProcess(GitCLI.executable, ["commit", "-a", "-m", "won"], in: team.root, environment: env)
        #expect(unknown.status != 0, "\(unknown.combined)")
        #expect(unknown.combined.contains("permission-unknown-author"), "\(unknown.combined)")
    }

    @Test(arguments: ["push", "sync"]) func pushAndSyncSendNothingUnauthorised(_ command: String) {
        let team = Team()
        let sent = team.remoteMain
        // Sam's edit: left in the working files, recorded by the command, or committed past the hook.
        team.moveStarkToTier3()
        let refused = team.abmsync([command], as: "sam@example.com")
        Self.expectRefusal(refused, command)
        #expect(refused.combined.contains("nothing was sent"), "\(refused.combined)")
        #expect(team.remoteMain == sent, "nothing reached the remote")
        #expect(team.committedAccounts.contains("tier: 3"), "the edit is kept, committed here")
        // Again: still refused, still kept.
        Self.expectRefusal(team.abmsync([command], as: "sam@example.com"), command + " again")
        #expect(team.remoteMain == sent)

        // verify says the same of the commit waiting to be sent.
        Self.expectRefusal(team.abmsync(["verify", "origin/main..HEAD"], as: "sam@example.com"), "verify")

        // Undone, the AE's stage change goes out.
        team.git(["reset", "-q", "--hard", "origin/main"], as: "val@example.com")
        team.edit("stage: target", "stage: engaged")
        team.git(["commit", "-q", "--no-verify", "-a", "-m", "Stark to negotiation"], as: "jane@example.com")
        #expect(team.abmsync(["verify", "origin/main..HEAD"], as: "jane@example.com").status == 0)
        let accepted = team.abmsync([command], as: "jane@example.com")
        #expect(accepted.status == 0, "\(accepted.combined)")
        #expect(team.remoteMain == team.rev("HEAD"))
    }

    @Test func aCommitMadePastTheHookIsStillRefusedByPush() {
        let team = Team()
        let sent = team.remoteMain
        team.moveStarkToTier3()
        team.git(["commit", "-q", "--no-verify", "-a", "-m", "Stark to tier 3"], as: "sam@example.com")
        // Jane sends her own change on top: Sam's commit is among those to send, so nothing goes.
        team.edit("stage: target", "stage: engaged")
        let refused = team.abmsync(["push"], as: "jane@example.com")
        Self.expectRefusal(refused, "push")
        #expect(refused.combined.contains("by Sam"), "\(refused.combined)")
        #expect(team.remoteMain == sent)
        #expect(team.committedAccounts.contains("stage: engaged"), "Jane's edit is kept, committed here")
    }
}
