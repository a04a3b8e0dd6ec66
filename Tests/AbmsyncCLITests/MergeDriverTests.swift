import ABMTestSupport
import Foundation
import Testing

/// `git merge` with abmsync's merge driver installed (by `abmsync init`) against plain git on the same edits.
@Suite struct MergeDriverTests {
    static let accounts = """
        # The shared account list.
        accounts:
          acme-corp:
            name: Acme Corp
            tier: 1
            ae: jane
            marketer: sam
            sponsor: vp
            acv: 450000
            stage: evaluation
          globex:
            name: Globex
            tier: 3
            program: mid-market-na
        """

    static let plan = """
        ---
        account: acme-corp
        stakeholders:
          - name: Dana Ruiz
            role: economic-buyer
        ---
        # Acme Corp — strategic account plan

        ## Summary
        Platform renewal.

        ## Plays
        - [ ] Executive briefing (sam)
        - [ ] Custom ROI model (sam)

        ## Competitors and Risks
        | Competitor or risk | Impact | Mitigation |
        | --- | --- | --- |
        | Initrode | high | ROI model |

        ## Review Log
        - 2026-09-30 quarterly review: stays tier 1
        """

    /// Builds a repository with a base commit and two branches `ae` and `marketer` with the given edits.
    func repository(driver: Bool, ae: @escaping (inout String, inout String) -> Void, marketer: @escaping (inout String, inout String) -> Void)
        -> (TemporaryDirectory, String)
    {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        if driver {
            let initialised = CLITests.abmsync(["init", "plans"], in: temp.path)
            precondition(initialised.status == 0, initialised.combined)
        } else {
            GitCLI.run(["init", "-q", "-b", "main", root], in: temp.path)
        }
        temp.write("plans/accounts.yaml", Self.accounts)
        temp.write("plans/accounts/acme-corp.md", Self.plan)
        GitCLI.run(["add", "-A"], in: root)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "base"], in: root)
        for (branch, edit) in [("ae", ae), ("marketer", marketer)] {
            GitCLI.run(["checkout", "-q", "-b", branch, "main"], in: root)
            var accounts = Self.accounts
            var plan = Self.plan
            edit(&accounts, &plan)
            temp.write("plans/accounts.yaml", accounts)
            temp.write("plans/accounts/acme-corp.md", plan)
            GitCLI.run(["commit", "-q", "--no-verify", "-am", branch], in: root)
        }
        GitCLI.run(["checkout", "-q", "ae"], in: root)
        return (temp, root)
    }

    static func aeEdits(_ accounts: inout String, _ plan: inout String) {
        accounts = accounts.replacingOccurrences(of: "stage: evaluation", with: "stage: negotiation")
        accounts += "\n  initech:\n    name: Initech\n    tier: 3\n    program: mid-market-na\n"
        plan = plan.replacingOccurrences(of: "- [ ] Executive briefing (sam)", with: "- [x] Executive briefing (sam)")
        plan = plan.replacingOccurrences(
            of: "    role: economic-buyer\n", with: "    role: economic-buyer\n  - name: Omar Haddad\n    role: champion\n")
        plan = plan.replacingOccurrences(of: "| Initrode | high | ROI model |", with: "| Initrode | high | ROI model |\n| Budget freeze | medium | phase the deal |")
    }

    static func marketerEdits(_ accounts: inout String, _ plan: inout String) {
        accounts = accounts.replacingOccurrences(of: "marketer: sam", with: "marketer: kim")
        accounts += "\n  umbrella:\n    name: Umbrella\n    tier: 3\n    program: mid-market-na\n"
        plan = plan.replacingOccurrences(of: "- [ ] Custom ROI model (sam)", with: "- [x] Custom ROI model (sam)")
        plan = plan.replacingOccurrences(
            of: "    role: economic-buyer\n", with: "    role: economic-buyer\n  - name: Lee Chan\n    role: influencer\n")
        plan = plan.replacingOccurrences(of: "| Initrode | high | ROI model |", with: "| Initrode | high | ROI model |\n| Hooli | low | reference call |")
        plan = plan.replacingOccurrences(of: "Platform renewal.", with: "Platform renewal, expanding to EMEA.")
    }

    @Test func plainGitConflictsWhereAbmsyncMergesCleanly() throws {
        let (plainTemp, plain) = repository(driver: false, ae: Self.aeEdits, marketer: Self.marketerEdits)
        let plainMerge = GitCLI.run(["merge", "--no-edit", "marketer"], in: plain)
        #expect(plainMerge.status != 0, "plain git was expected to conflict")
        #expect(plainMerge.stdout.contains("CONFLICT"))
        _ = plainTemp

        let (temp, root) = repository(driver: true, ae: Self.aeEdits, marketer: Self.marketerEdits)
        let merge = GitCLI.run(["merge", "--no-edit", "--no-verify", "marketer"], in: root)
        #expect(merge.status == 0, "\(merge.combined)")
        let accounts = try #require(temp.read("plans/accounts.yaml"))
        #expect(accounts.contains("    marketer: kim\n    sponsor: vp\n    acv: 450000\n    stage: negotiation\n"))
        #expect(accounts.contains("  initech:\n") && accounts.contains("  umbrella:\n"))
        #expect(accounts.hasPrefix("# The shared account list.\n"))
        let plan = try #require(temp.read("plans/accounts/acme-corp.md"))
        #expect(plan.contains("- [x] Executive briefing (sam)\n- [x] Custom ROI model (sam)\n"))
        #expect(plan.contains("  - name: Omar Haddad\n") && plan.contains("  - name: Lee Chan\n"))
        #expect(plan.contains("| Budget freeze | medium | phase the deal |") && plan.contains("| Hooli | low | reference call |"))
        #expect(plan.contains("Platform renewal, expanding to EMEA."))
        #expect(!plan.contains("<<<<<<<") && !accounts.contains("<<<<<<<"))
        // The merged files read back cleanly (policy findings about the made-up team are not the point here).
        let validate = CLITests.abmsync(["validate", "--format", "json"], in: root)
        for rule in ["conflict-marker", "yaml-syntax", "yaml-duplicate-key", "front-matter"] {
            #expect(!validate.stdout.contains("\"\(rule)\""), "\(validate.stdout)")
        }
    }

    @Test func aSameFieldEditIsOneReportedConflictAndNothingElseIsLost() throws {
        let (temp, root) = repository(
            driver: true,
            ae: { accounts, _ in
                accounts = accounts.replacingOccurrences(of: "stage: evaluation", with: "stage: negotiation")
                accounts = accounts.replacingOccurrences(of: "acv: 450000", with: "acv: 500000")
            },
            marketer: { accounts, plan in
                accounts = accounts.replacingOccurrences(of: "stage: evaluation", with: "stage: lost")
                plan = plan.replacingOccurrences(of: "- [ ] Custom ROI model (sam)", with: "- [x] Custom ROI model (sam)")
            })
        let merge = GitCLI.run(["merge", "--no-edit", "--no-verify", "marketer"], in: root)
        #expect(merge.status != 0)
        #expect(merge.stderr.contains("Acme Corp · stage: ours \"negotiation\", theirs \"lost\" (base \"evaluation\")"), "\(merge.combined)")
        let accounts = try #require(temp.read("plans/accounts.yaml"))
        #expect(accounts.components(separatedBy: "<<<<<<<").count == 2)
        #expect(accounts.contains("acv: 500000"))
        #expect(accounts.contains("<<<<<<< ours — Acme Corp · stage (both changed)\n    stage: negotiation\n=======\n    stage: lost\n>>>>>>> theirs"))
        let plan = try #require(temp.read("plans/accounts/acme-corp.md"))
        #expect(plan.contains("- [x] Custom ROI model (sam)"))
        // The validator refuses to commit the marked file.
        GitCLI.run(["add", "accounts.yaml"], in: root)
        let validate = CLITests.abmsync(["validate", "--staged"], in: root)
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("error[conflict-marker]"))
    }

    @Test func theDriverLeavesOursUntouchedWhenItCannotRun() {
        let temp = TemporaryDirectory()
        temp.write("ours", "accounts:\n  a:\n    tier: 1\n")
        let result = CLITests.abmsync(["merge-driver", temp.file("missing"), temp.file("ours"), temp.file("theirs"), "accounts.yaml"], in: temp.path)
        #expect(result.status == 2)
        #expect(temp.read("ours") == "accounts:\n  a:\n    tier: 1\n")
    }
}
