import ABMTestSupport
import Foundation
import Testing

/// `abmsync verify REV..REV` on a repository whose history the real git CLI writes, each commit by
/// its own author (GIT_AUTHOR_EMAIL), under the default `permissions:`.
@Suite struct VerifyTests {
    static let team = """
        people:
          jane: {name: Jane Doe, email: jane@example.com, roles: [ae]}
          sam: {name: Sam Lee, email: sam@example.com, roles: [marketing]}
          ops: {name: Ops Team, email: ops@example.com, roles: [marketing-ops]}
          vp: {name: Val Park, email: val@example.com, roles: [exec, admin]}

        """

    // Stark: tier on line 5, stage on line 10, reviewed on line 12.
    static let accounts = """
        accounts:
          stark:
            name: Stark Industries
            domain: stark.com
            tier: 1
            ae: jane
            marketer: sam
            sponsor: vp
            acv: 450000
            stage: evaluation
            tier_since: 2026-03-01
            reviewed: 2026-09-30

        """

    struct History {
        let temp = TemporaryDirectory()
        var root: String { temp.path }

        init() {
            git(["init", "-q", "-b", "main"])
            temp.write("abmsync.yaml", "version: 1\n")
            temp.write("team.yaml", VerifyTests.team)
            temp.write("accounts.yaml", VerifyTests.accounts)
            commit("Start the account list", by: "val@example.com")
        }

        @discardableResult
        func git(_ arguments: [String], by email: String = "val@example.com") -> ProcessOutput {
            let environment = GitCLI.environment(home: root).merging(["GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_NAME": String(email.prefix { $0 != "@" })]) { $1 }
            let output = runProcess(GitCLI.executable, arguments, in: root, environment: environment)
            #expect(output.status == 0, "git \(arguments): \(output.combined)")
            return output
        }

        func edit(_ old: String, _ new: String) {
            let text = temp.read("accounts.yaml") ?? ""
            #expect(text.components(separatedBy: old).count == 2, "'\(old)' once in accounts.yaml")
            temp.write("accounts.yaml", text.replacingOccurrences(of: old, with: new))
        }

        func commit(_ message: String, by email: String) {
            git(["add", "-A"], by: email)
            git(["commit", "-q", "-m", message], by: email)
        }

        func head() -> String { git(["rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

        func verify(_ arguments: [String]) -> ProcessOutput { CLITests.abmsync(["verify"] + arguments, in: root) }
    }

    @Test func refusesAMarketersTierMoveAndAcceptsTheAEsStageChange() {
        let history = History()
        let start = history.head()
        history.edit("    tier: 1\n", "    tier: 3\n    program: mid-market\n")
        history.commit("Stark to tier 3", by: "sam@example.com")
        let moved = history.head()
        history.edit("stage: evaluation", "stage: negotiation")
        history.commit("Stark to negotiation", by: "JANE@example.com")

        let all = history.verify(["\(start)..HEAD"])
        #expect(all.status == 1, "\(all.combined)")
        let lines = all.stdout.components(separatedBy: "\n")
        #expect(lines[0] == "\(moved.prefix(7)) sam <sam@example.com>: Stark to tier 3 — refused")
        #expect(lines[1] == "  accounts.yaml:5:11: error[permission-tier-move]: Stark Industries: tier 1 → 3 (by Sam Lee, who may not move accounts between tiers, clusters or programmes) — only admins and executives may ('permissions:' in abmsync.yaml) — ask Val Park (admin) to move Stark Industries to tier 3, or open a pull request for them to approve")
        #expect(lines[2].hasSuffix("Stark to negotiation — allowed"))
        #expect(lines[3] == "2 commits verified: 1 allowed, 1 refused")

        let afterMove = history.verify(["\(moved)..HEAD"])
        #expect(afterMove.status == 0, "\(afterMove.combined)")
        #expect(afterMove.stdout.hasSuffix("1 commit verified: 1 allowed, 0 refused\n"))

        let json = history.verify(["\(start)..HEAD", "--format", "json"])
        #expect(json.status == 1)
        let parsed = try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let commits = parsed?["commits"] as? [[String: Any]]
        #expect(commits?.map { $0["allowed"] as? Bool } == [false, true])
        #expect(((commits?.first?["findings"] as? [[String: Any]])?.first?["rule"] as? String) == "permission-tier-move")

        let github = history.verify(["\(start)..HEAD", "--format", "github"])
        #expect(github.status == 1)
        #expect(github.stdout.hasPrefix("::error file=accounts.yaml,line=5,col=11,title=abmsync permission-tier-move (stark)::commit \(moved.prefix(7)): Stark Industries: tier 1 → 3"))
        #expect(github.stdout.hasSuffix("abmsync verify: 2 commits verified: 1 allowed, 1 refused\n"))
    }

    @Test func anUnknownAuthorIsRefused() {
        let history = History()
        let start = history.head()
        history.edit("stage: evaluation", "stage: won")
        history.commit("Won", by: "mallory@example.com")
        let result = history.verify(["\(start)..HEAD"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("error[permission-unknown-author]"))
    }

    @Test func aMergeThatOnlyCombinesItsParentsIsJudgedByThem() {
        let history = History()
        let start = history.head()
        history.git(["checkout", "-q", "-b", "side"])
        history.edit("reviewed: 2026-09-30", "reviewed: 2026-10-30")
        history.commit("Reviewed", by: "sam@example.com")
        history.git(["checkout", "-q", "main"])
        history.edit("stage: evaluation", "stage: negotiation")
        history.commit("Negotiation", by: "jane@example.com")
        // Merged by someone team.yaml does not know: the merge adds nothing of its own.
        history.git(["merge", "-q", "--no-edit", "side"], by: "ci-bot@example.com")
        let clean = history.verify(["\(start)..HEAD"])
        #expect(clean.status == 0, "\(clean.combined)")
        #expect(clean.stdout.contains("(a merge that only combines its parents: judged by their commits)"))

        // A merge that slips a tier move in is judged on what it adds, under its author.
        history.git(["reset", "-q", "--hard", "HEAD~1"])
        history.git(["merge", "-q", "--no-commit", "side"], by: "jane@example.com")
        history.edit("    tier: 1\n", "    tier: 2\n    cluster: fintech\n")
        history.git(["add", "-A"], by: "jane@example.com")
        history.git(["commit", "-q", "--no-edit"], by: "jane@example.com")
        let evil = history.verify(["\(start)..HEAD"])
        #expect(evil.status == 1, "\(evil.combined)")
        #expect(evil.stdout.contains("error[permission-tier-move]: Stark Industries: tier 1 → 2"))
        #expect(evil.stdout.contains("— refused (a merge: judged on what it adds beyond combining its parents)"))
    }

    @Test func aBadRangeIsAUsageErrorAndAnUnknownRevisionCannotRun() {
        let history = History()
        #expect(history.verify(["HEAD"]).status == 64)
        let unknown = history.verify(["nope..HEAD"])
        #expect(unknown.status == 2, "\(unknown.combined)")
        #expect(unknown.stderr.contains("git log --oneline"))
    }

    @Test func ownersSaysWhoMayChangeAnAccountAndAFile() {
        let history = History()
        let account = CLITests.abmsync(["owners", "stark"], in: history.root)
        #expect(account.status == 0, "\(account.combined)")
        let lines = account.stdout.components(separatedBy: "\n")
        #expect(lines[0] == "Stark Industries (stark), tier 1")
        #expect(lines[1] == "  its stage, ACV, review date and other fields: Jane Doe (Stark Industries' AE), Sam Lee (Stark Industries' marketer), Val Park (admin)")
        #expect(lines[2] == "  its tier (and the cluster or programme that comes with it): Val Park (admin)")
        // A reserved section takes the plan's permission and the section's role.
        #expect(account.stdout.contains("\n    its Plays section: Sam Lee (marketer), Val Park (admin)\n"))
        #expect(account.stdout.contains("\n    its Buying Group section: Jane Doe (account executive), Val Park (admin)\n"))

        let team = CLITests.abmsync(["owners", "team.yaml"], in: history.root)
        #expect(team.stdout == "team.yaml\n  any change: Val Park (admin)\n")
        let other = CLITests.abmsync(["owners", "README.md"], in: history.root)
        #expect(other.stdout.contains("abmsync does not read this file"))
    }
}
