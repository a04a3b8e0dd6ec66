import Foundation
import Testing

@testable import ABMCore

// MARK: - Fixture

/// A small valid plan repository as strings. Every test changes one thing and checks the one
/// finding that change causes. Line numbers in the comments are the ones findings point at.
struct Fixture {
    static let today = PlanDate(year: 2026, month: 10, day: 15)!

    static let policy = """
        version: 1
        stages: [target, engaged, evaluation, won, lost]
        review_every_days: 90
        tiers:
          1:
            name: Strategic
            requires: [ae, marketer, sponsor]
            plan: required
            sections: [Summary, Buying Group]
            max_accounts: 1
            max_per_ae: 1
            min_acv: 100000
            stale_after_days: 365
            min_stakeholders: 1
          2:
            name: Cluster
            requires: [ae, cluster]
            cluster_size: {min: 1, max: 2}
            max_per_ae: 1
            min_acv: 25000
          3:
            name: Programmatic
            requires: [program]
        separation: true
        plans:
          cluster: {sections: [Summary]}
          program: {sections: [Summary]}

        """

    static let team = """
        people:
          jane:
            name: Jane Doe
            email: jane@example.com
            roles: [ae]
          sam:
            name: Sam Lee
            email: sam@example.com
            roles: [marketing]
          ops:
            name: Ops Team
            email: ops@example.com
            roles: [marketing-ops]
          vp:
            name: Val Park
            email: val@example.com
            roles: [exec, admin]

        """

    // acme: lines 2-12 (tier on 5), globex: 13-22 (tier on 16), initech: 23-30 (tier on 25).
    static let accounts = """
        accounts:
          acme:
            name: Acme Corp
            domain: acme.com
            tier: 1
            ae: jane
            marketer: sam
            sponsor: vp
            acv: 450000
            stage: evaluation
            tier_since: 2026-03-01
            reviewed: 2026-09-30
          globex:
            name: Globex
            domain: globex.com
            tier: 2
            cluster: fintech
            ae: jane
            acv: 60000
            stage: engaged
            tier_since: 2026-01-15
            reviewed: 2026-10-01
          initech:
            name: Initech
            tier: 3
            program: mid-market
            acv: 18000
            stage: target
            tier_since: 2025-11-01
            reviewed: 2026-08-01

        """

    /// A second tier 1 account, appended after line 30: key on 31, tier on 33, ae on 34, marketer on 35.
    static let hooli = """
          hooli:
            name: Hooli
            tier: 1
            ae: jane
            marketer: sam
            sponsor: vp
            acv: 300000
            stage: engaged
            tier_since: 2026-05-01
            reviewed: 2026-10-01

        """

    static let acmePlan = """
        ---
        account: acme
        stakeholders:
          - name: Dana Ruiz
            role: economic-buyer
            sentiment: neutral
        kpis:
          pipeline: 450000
        ---
        # Acme Corp — strategic account plan

        ## Summary
        Renewal of the platform deal.

        ## Buying Group
        Dana decides.

        """

    static let clusterPlan = """
        ---
        cluster: fintech
        name: Fintech
        focus: payments
        kpis:
          engaged_accounts: 3
        ---
        # Fintech — cluster plan

        ## Summary
        Payments companies in EMEA.

        """

    static let programPlan = """
        ---
        program: mid-market
        name: Mid-market
        owner: ops
        intent: payments
        ---
        # Mid-market — programme plan

        ## Summary
        Always-on programme.

        """

    var files: [String: String] = [
        "abmsync.yaml": Fixture.policy, "team.yaml": Fixture.team, "accounts.yaml": Fixture.accounts,
        "accounts/acme.md": Fixture.acmePlan, "clusters/fintech.md": Fixture.clusterPlan,
        "programs/mid-market.md": Fixture.programPlan,
    ]

    /// The fixture with `old` (which must occur exactly once) replaced in `file`.
    func replacing(_ old: String, with new: String, in file: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> Fixture
    {
        var copy = self
        let text = files[file] ?? ""
        let parts = text.components(separatedBy: old)
        if parts.count != 2 {
            Issue.record("'\(old)' occurs \(parts.count - 1) times in \(file)", sourceLocation: sourceLocation)
        }
        copy.files[file] = parts.joined(separator: new)
        return copy
    }

    func appending(_ text: String, to file: String) -> Fixture {
        var copy = self
        copy.files[file, default: ""] += text
        return copy
    }

    func setting(_ file: String, to text: String?) -> Fixture {
        var copy = self
        copy.files[file] = text
        return copy
    }

    func load() -> WorkspaceLoad { WorkspaceLoader.load(from: MemorySource(files)) }

    /// Loader findings and rule findings, as `abmsync validate` reports them.
    func findings(today: PlanDate = Fixture.today, lastStageChange: [String: PlanDate] = [:]) -> [Finding] {
        Validator(today: today, lastStageChange: lastStageChange).validate(load())
    }

    func findings(_ rule: String, lastStageChange: [String: PlanDate] = [:]) -> [Finding] {
        findings(lastStageChange: lastStageChange).filter { $0.rule == rule }
    }
}

/// Expects exactly one finding of `rule` and checks where it is; returns it for further checks.
@discardableResult
func expectOne(
    _ fixture: Fixture, _ rule: String, _ severity: Finding.Severity, _ file: String, line: Int, column: Int = 1,
    account: String? = nil, lastStageChange: [String: PlanDate] = [:],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> Finding? {
    let found = fixture.findings(rule, lastStageChange: lastStageChange)
    #expect(found.count == 1, "expected one '\(rule)' finding, got \(found.map(\.formatted))", sourceLocation: sourceLocation)
    guard let finding = found.first else { return nil }
    #expect(finding.severity == severity, sourceLocation: sourceLocation)
    #expect(
        finding.location == ABMCore.SourceLocation(file: file, line: line, column: column),
        "at \(finding.location)", sourceLocation: sourceLocation)
    #expect(finding.account == account, sourceLocation: sourceLocation)
    #expect(finding.why != nil && finding.fix != nil, sourceLocation: sourceLocation)
    return finding
}

// MARK: - Baseline

@Suite struct ValidatorBaselineTests {
    @Test func baselineHasNoFindings() {
        let findings = Fixture().findings()
        #expect(findings.isEmpty, "\(findings.map(\.formatted))")
    }

    @Test func tier3AccountWithHandedOffAEIsFine() {
        let fixture = Fixture().replacing("    program: mid-market\n", with: "    program: mid-market\n    ae: jane\n", in: "accounts.yaml")
        #expect(fixture.findings().isEmpty)
    }

    @Test func everyRuleIDIsUniqueKebabCaseAndDocumented() throws {
        let ids = Validator.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(Identifier.isValid(id), "\(id)") }
        let docsPath = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let docs = try String(contentsOfFile: "/" + docsPath + "/Docs/Rules.md", encoding: .utf8)
        for rule in Validator.rules {
            #expect(docs.contains("### `\(rule.id)`"), "Docs/Rules.md has no section for \(rule.id)")
            #expect(docs.contains("Default: **\(rule.defaultSeverity.rawValue)**"))
        }
    }
}

// MARK: - Structure

@Suite struct StructureRuleTests {
    @Test func duplicateAccountID() throws {
        let load = Fixture().load()
        var workspace = load.workspace
        let duplicate = try #require(workspace.account("globex"))
        workspace = Workspace(
            policy: workspace.policy, team: workspace.team, accounts: workspace.accounts + [duplicate],
            plans: workspace.plans, documents: workspace.documents)
        let found = Validator(today: Fixture.today).validate(workspace).filter { $0.rule == "duplicate-id" }
        #expect(found.count == 1)
        #expect(found.first?.severity == .error)
        #expect(found.first?.location == ABMCore.SourceLocation(file: "accounts.yaml", line: 13, column: 3))
        #expect(found.first?.message.contains("first at accounts.yaml:13:3") == true)
    }

    @Test func duplicatePersonID() throws {
        let workspace = Fixture().load().workspace
        let sam = try #require(workspace.team["sam"])
        let team = Team(people: workspace.team.people + [sam])
        let changed = Workspace(policy: workspace.policy, team: team, accounts: workspace.accounts, plans: workspace.plans)
        let found = Validator(today: Fixture.today).validate(changed).filter { $0.rule == "duplicate-id" }
        #expect(found.map(\.location) == [ABMCore.SourceLocation(file: "team.yaml", line: 6, column: 3)])
        #expect(Validator(today: Fixture.today).validate(workspace).isEmpty)
    }

    @Test func duplicateEmail() {
        let fixture = Fixture().replacing("sam@example.com", with: "Jane@example.com", in: "team.yaml")
        expectOne(fixture, "duplicate-email", .error, "team.yaml", line: 8, column: 12)
    }

    @Test func duplicateDomain() {
        let fixture = Fixture().replacing("domain: globex.com", with: "domain: www.acme.com", in: "accounts.yaml")
        let finding = expectOne(fixture, "duplicate-domain", .warning, "accounts.yaml", line: 15, column: 13, account: "globex")
        #expect(finding?.message == "'Globex' has the same domain 'www.acme.com' as 'Acme Corp'")
    }

    @Test func missingTier() {
        let fixture = Fixture().replacing("    tier: 3\n", with: "", in: "accounts.yaml")
        expectOne(fixture, "missing-tier", .error, "accounts.yaml", line: 23, column: 3, account: "initech")
    }

    @Test func invalidTierIsReportedOnceByTheLoader() {
        let fixture = Fixture().replacing("    tier: 3\n", with: "    tier: 4\n", in: "accounts.yaml")
        #expect(fixture.findings("missing-tier").isEmpty)
        #expect(fixture.findings("field-type").count == 1)
        let list = Fixture().replacing("    tier: 3\n", with: "    tier: [3]\n", in: "accounts.yaml")
        #expect(list.findings("missing-tier").isEmpty)
        #expect(list.findings("field-type").count == 1)
    }

    @Test func unknownStage() {
        let fixture = Fixture().replacing("stage: evaluation", with: "stage: evalution", in: "accounts.yaml")
        let finding = expectOne(fixture, "unknown-stage", .error, "accounts.yaml", line: 10, column: 12, account: "acme")
        #expect(finding?.fix?.contains("did you mean 'evaluation'?") == true)
    }

    @Test func futureDates() {
        let fixture = Fixture().replacing("reviewed: 2026-09-30", with: "reviewed: 2026-10-16", in: "accounts.yaml")
        expectOne(fixture, "future-date", .error, "accounts.yaml", line: 12, column: 15, account: "acme")
        let tierSince = Fixture().replacing("tier_since: 2026-03-01", with: "tier_since: 2027-01-01", in: "accounts.yaml")
        expectOne(tierSince, "future-date", .error, "accounts.yaml", line: 11, column: 17, account: "acme")
        let today = Fixture().replacing("reviewed: 2026-09-30", with: "reviewed: 2026-10-15", in: "accounts.yaml")
        #expect(today.findings().isEmpty)
    }

    @Test func unknownRole() {
        let fixture = Fixture().replacing("roles: [marketing]", with: "roles: [markting]", in: "team.yaml")
        let finding = expectOne(fixture, "unknown-role", .error, "team.yaml", line: 9, column: 13)
        #expect(finding?.fix?.contains("did you mean 'marketing'?") == true)
    }

    @Test func unknownPerson() {
        let fixture = Fixture().replacing("    ae: jane\n    marketer", with: "    ae: jnae\n    marketer", in: "accounts.yaml")
        let finding = expectOne(fixture, "unknown-person", .error, "accounts.yaml", line: 6, column: 9, account: "acme")
        #expect(finding?.message == "the ae of 'Acme Corp' is 'jnae', who is not in team.yaml")
        #expect(finding?.fix?.contains("did you mean 'jane'?") == true)
    }

    @Test func ownerWithoutTheFieldsRole() {
        let fixture = Fixture().replacing("sponsor: vp", with: "sponsor: sam", in: "accounts.yaml")
        let finding = expectOne(fixture, "owner-role", .error, "accounts.yaml", line: 8, column: 14, account: "acme")
        #expect(finding?.message == "the sponsor of 'Acme Corp' is 'Sam Lee' (sam), who has the role marketing, not exec")
    }

    @Test func unknownCluster() {
        let fixture = Fixture().replacing("cluster: fintech", with: "cluster: retail", in: "accounts.yaml")
        expectOne(fixture, "unknown-cluster", .error, "accounts.yaml", line: 17, column: 14, account: "globex")
    }

    @Test func unknownProgram() {
        let fixture = Fixture().setting("programs/mid-market.md", to: nil)
        expectOne(fixture, "unknown-program", .error, "accounts.yaml", line: 26, column: 14, account: "initech")
    }

    @Test func referenceSyntax() {
        let fixture = Fixture().replacing("cluster: fintech", with: "cluster: ../Fintech", in: "accounts.yaml")
        expectOne(fixture, "reference-syntax", .error, "accounts.yaml", line: 17, column: 14, account: "globex")
        #expect(fixture.findings("unknown-cluster").isEmpty)
    }

    @Test func programOwner() {
        let missing = Fixture().replacing("owner: ops\n", with: "", in: "programs/mid-market.md")
        expectOne(missing, "program-owner", .error, "programs/mid-market.md", line: 2)
        let notOps = Fixture().replacing("owner: ops", with: "owner: jane", in: "programs/mid-market.md")
        let finding = expectOne(notOps, "owner-role", .error, "programs/mid-market.md", line: 4, column: 8)
        #expect(finding?.message.contains("not marketing-ops") == true)
        let unknown = Fixture().replacing("owner: ops", with: "owner: nobody", in: "programs/mid-market.md")
        expectOne(unknown, "unknown-person", .error, "programs/mid-market.md", line: 4, column: 8)
    }

    @Test func planIDMismatchAndMissing() {
        let mismatch = Fixture().replacing("account: acme", with: "account: acme-corp", in: "accounts/acme.md")
        expectOne(mismatch, "plan-id", .error, "accounts/acme.md", line: 2, column: 10, account: "acme")
        let missing = Fixture().replacing("account: acme\n", with: "", in: "accounts/acme.md")
        expectOne(missing, "plan-id", .error, "accounts/acme.md", line: 2, account: "acme")
        let cluster = Fixture().replacing("cluster: fintech", with: "cluster: fin-tech", in: "clusters/fintech.md")
        expectOne(cluster, "plan-id", .error, "clusters/fintech.md", line: 2, column: 10)
        let program = Fixture().replacing("program: mid-market", with: "program: midmarket", in: "programs/mid-market.md")
        expectOne(program, "plan-id", .error, "programs/mid-market.md", line: 2, column: 10)
    }

    @Test func orphanPlan() {
        let plan = Fixture.acmePlan.replacingOccurrences("account: acme", "account: hooli")
        let fixture = Fixture().setting("accounts/hooli.md", to: plan)
        expectOne(fixture, "orphan-plan", .error, "accounts/hooli.md", line: 2, account: "hooli")
    }

    @Test func missingSections() {
        let fixture = Fixture().replacing("## Buying Group\n", with: "## Buying group notes\n", in: "accounts/acme.md")
        let finding = expectOne(fixture, "missing-section", .error, "accounts/acme.md", line: 10, account: "acme")
        #expect(finding?.message == "account plan 'acme' is missing the section 'Buying Group'")
        let caseInsensitive = Fixture().replacing("## Buying Group\n", with: "## buying group \n", in: "accounts/acme.md")
        #expect(caseInsensitive.findings().isEmpty)
        let cluster = Fixture().replacing("## Summary\n", with: "## Overview\n", in: "clusters/fintech.md")
        expectOne(cluster, "missing-section", .error, "clusters/fintech.md", line: 8)
        let program = Fixture().replacing("## Summary\n", with: "## Overview\n", in: "programs/mid-market.md")
        expectOne(program, "missing-section", .error, "programs/mid-market.md", line: 7)
    }

    @Test func stakeholderShape() {
        let role = Fixture().replacing("role: economic-buyer", with: "role: decider", in: "accounts/acme.md")
        expectOne(role, "stakeholder-shape", .error, "accounts/acme.md", line: 5, column: 11, account: "acme")
        let sentiment = Fixture().replacing("sentiment: neutral", with: "sentiment: meh", in: "accounts/acme.md")
        expectOne(sentiment, "stakeholder-shape", .error, "accounts/acme.md", line: 6, column: 16, account: "acme")
        let noName = Fixture().replacing("  - name: Dana Ruiz\n    role", with: "  - role", in: "accounts/acme.md")
        expectOne(noName, "stakeholder-shape", .error, "accounts/acme.md", line: 4, column: 5, account: "acme")
        let notAList = Fixture().replacing(
            "stakeholders:\n  - name: Dana Ruiz\n    role: economic-buyer\n    sentiment: neutral\n",
            with: "stakeholders: Dana\n", in: "accounts/acme.md")
        expectOne(notAList, "stakeholder-shape", .error, "accounts/acme.md", line: 3, column: 15, account: "acme")
        #expect(notAList.findings("buying-group-size").isEmpty)
    }

    @Test func kpiShape() {
        let fixture = Fixture().replacing("pipeline: 450000", with: "pipeline: lots", in: "accounts/acme.md")
        expectOne(fixture, "kpi-shape", .error, "accounts/acme.md", line: 8, column: 13, account: "acme")
        let empty = Fixture().replacing("pipeline: 450000", with: "pipeline:", in: "accounts/acme.md")
        #expect(empty.findings().isEmpty)
        let decimal = Fixture().replacing("engaged_accounts: 3", with: "engaged_accounts: 2.5", in: "clusters/fintech.md")
        #expect(decimal.findings().isEmpty)
    }

    @Test func unknownRuleInPolicy() {
        let fixture = Fixture().appending("rules:\n  reveiw-overdue: off\n", to: "abmsync.yaml")
        let finding = expectOne(fixture, "unknown-rule", .warning, "abmsync.yaml", line: 29, column: 3)
        #expect(finding?.fix?.contains("did you mean 'review-overdue'?") == true)
        let fixed = Fixture().appending("rules:\n  conflict-marker: off\n", to: "abmsync.yaml")
        expectOne(fixed, "unknown-rule", .warning, "abmsync.yaml", line: 29, column: 3)
    }
}

// MARK: - Policy

@Suite struct PolicyRuleTests {
    @Test func tierRequiresItsFields() {
        let fixture = Fixture().replacing("    sponsor: vp\n", with: "", in: "accounts.yaml")
        let finding = expectOne(fixture, "tier-requires", .error, "accounts.yaml", line: 5, column: 11, account: "acme")
        #expect(finding?.message == "tier 1 account 'Acme Corp' has no sponsor")
        let tier2 = Fixture().replacing("    cluster: fintech\n", with: "", in: "accounts.yaml")
        expectOne(tier2, "tier-requires", .error, "accounts.yaml", line: 16, column: 11, account: "globex")
        let tier3 = Fixture().replacing("    program: mid-market\n", with: "", in: "accounts.yaml")
        expectOne(tier3, "tier-requires", .error, "accounts.yaml", line: 25, column: 11, account: "initech")
    }

    @Test func tierRequiresFollowsThePolicy() {
        let fixture = Fixture()
            .replacing("requires: [program]", with: "requires: [program, domain]", in: "abmsync.yaml")
        let finding = expectOne(fixture, "tier-requires", .error, "accounts.yaml", line: 25, column: 11, account: "initech")
        #expect(finding?.message == "tier 3 account 'Initech' has no domain")
    }

    @Test func tier1RequiresAPlan() {
        let fixture = Fixture().setting("accounts/acme.md", to: nil)
        expectOne(fixture, "plan-required", .error, "accounts.yaml", line: 5, column: 11, account: "acme")
        let optional = Fixture().setting("accounts/acme.md", to: nil)
            .replacing("plan: required", with: "plan: optional", in: "abmsync.yaml")
        #expect(optional.findings("plan-required").isEmpty)
    }

    @Test func tierCapacity() {
        let fixture = Fixture().appending(Fixture.hooli, to: "accounts.yaml")
        let finding = expectOne(fixture, "tier-capacity", .error, "accounts.yaml", line: 33, column: 11, account: "hooli")
        #expect(finding?.message == "tier 1 has 2 accounts, over its capacity of 1; 'Hooli' is the first one over")
        #expect(Fixture().findings("tier-capacity").isEmpty)
    }

    @Test func aeCapacity() {
        let fixture = Fixture().appending(Fixture.hooli, to: "accounts.yaml")
        let finding = expectOne(fixture, "ae-capacity", .error, "accounts.yaml", line: 34, column: 9, account: "hooli")
        #expect(finding?.message == "'Jane Doe' (jane) is AE for 2 tier 1 accounts, over the limit of 1; 'Hooli' is the first one over")
        let other = Fixture().appending(Fixture.hooli.replacingOccurrences("ae: jane", "ae: ann"), to: "accounts.yaml")
        #expect(other.findings("ae-capacity").isEmpty)
    }

    @Test func marketerCapacity() {
        let fixture = Fixture().appending(Fixture.hooli, to: "accounts.yaml")
        #expect(fixture.findings("marketer-capacity").isEmpty)
        let limited = fixture.replacing("    max_accounts: 1\n", with: "    max_accounts: 5\n    max_per_marketer: 1\n", in: "abmsync.yaml")
        expectOne(limited, "marketer-capacity", .error, "accounts.yaml", line: 35, column: 15, account: "hooli")
    }

    @Test func clusterTooSmallIsReportedOnThePlan() {
        let fixture = Fixture().replacing("cluster_size: {min: 1, max: 2}", with: "cluster_size: {min: 2, max: 3}", in: "abmsync.yaml")
        let finding = expectOne(fixture, "cluster-size", .error, "clusters/fintech.md", line: 2, column: 10)
        #expect(finding?.message == "cluster 'fintech' has 1 member; clusters have at least 2")
    }

    @Test func clusterTooLargeWithoutPlanIsReportedOnTheFirstMember() {
        let member = "  hooli:\n    tier: 2\n    cluster: fintech\n    ae: sam\n"
        let fixture = Fixture().appending(member + member.replacingOccurrences("hooli", "pied-piper"), to: "accounts.yaml")
        expectOne(fixture, "cluster-size", .error, "clusters/fintech.md", line: 2, column: 10)
        let noPlan = fixture.setting("clusters/fintech.md", to: nil)
        expectOne(noPlan, "cluster-size", .error, "accounts.yaml", line: 17, column: 14, account: "globex")
    }

    @Test func minimumACV() {
        let fixture = Fixture().replacing("acv: 450000", with: "acv: 50000", in: "accounts.yaml")
        expectOne(fixture, "min-acv", .warning, "accounts.yaml", line: 9, column: 10, account: "acme")
        let anchor = fixture.replacing("    acv: 50000\n", with: "    acv: 50000\n    strategic: true\n", in: "accounts.yaml")
        #expect(anchor.findings().isEmpty)
        let atMinimum = Fixture().replacing("acv: 450000", with: "acv: 100000", in: "accounts.yaml")
        #expect(atMinimum.findings().isEmpty)
    }

    @Test func buyingGroupTooSmall() {
        let fixture = Fixture().replacing("min_stakeholders: 1", with: "min_stakeholders: 2", in: "abmsync.yaml")
        let finding = expectOne(fixture, "buying-group-size", .warning, "accounts/acme.md", line: 3, account: "acme")
        #expect(finding?.message == "the plan for 'Acme Corp' maps 1 stakeholder; tier 1 plans map at least 2")
        let noStakeholders = Fixture().replacing(
            "stakeholders:\n  - name: Dana Ruiz\n    role: economic-buyer\n    sentiment: neutral\n", with: "",
            in: "accounts/acme.md")
        expectOne(noStakeholders, "buying-group-size", .warning, "accounts/acme.md", line: 2, account: "acme")
    }

    @Test func reviewOverdue() {
        let fixture = Fixture().replacing("reviewed: 2026-08-01", with: "reviewed: 2026-07-16", in: "accounts.yaml")
        let finding = expectOne(fixture, "review-overdue", .warning, "accounts.yaml", line: 30, column: 15, account: "initech")
        #expect(finding?.message == "the tier 3 assignment of 'Initech' was last reviewed 91 days ago (2026-07-16)")
        let exactly = Fixture().replacing("reviewed: 2026-08-01", with: "reviewed: 2026-07-17", in: "accounts.yaml")
        #expect(exactly.findings().isEmpty)
        let never = Fixture().replacing("    reviewed: 2026-08-01\n", with: "", in: "accounts.yaml")
        expectOne(never, "review-overdue", .warning, "accounts.yaml", line: 25, column: 11, account: "initech")
    }

    @Test func staleTier1FromTierSince() {
        let fixture = Fixture().replacing("tier_since: 2026-03-01", with: "tier_since: 2025-10-14", in: "accounts.yaml")
        let finding = expectOne(fixture, "stale-account", .warning, "accounts.yaml", line: 10, column: 12, account: "acme")
        #expect(finding?.message.contains("for 366 days") == true)
        let notYet = Fixture().replacing("tier_since: 2026-03-01", with: "tier_since: 2025-10-15", in: "accounts.yaml")
        #expect(notYet.findings().isEmpty)
    }

    @Test func staleTier1UsesStageHistory() {
        let fixture = Fixture().replacing("tier_since: 2026-03-01", with: "tier_since: 2024-01-01", in: "accounts.yaml")
        let recent = ["acme": PlanDate(year: 2026, month: 6, day: 1)!]
        #expect(fixture.findings("stale-account", lastStageChange: recent).isEmpty)
        let old = ["acme": PlanDate(year: 2025, month: 1, day: 1)!]
        let finding = expectOne(
            fixture, "stale-account", .warning, "accounts.yaml", line: 10, column: 12, account: "acme", lastStageChange: old)
        #expect(finding?.message.contains("its stage last changed on 2025-01-01") == true)
    }

    @Test func wonAndLostAccountsAreNotStale() {
        let old = Fixture().replacing("tier_since: 2026-03-01", with: "tier_since: 2024-01-01", in: "accounts.yaml")
        expectOne(old, "stale-account", .warning, "accounts.yaml", line: 10, column: 12, account: "acme")
        for closed in ["won", "lost"] {
            let fixture = old.replacing("stage: evaluation", with: "stage: \(closed)", in: "accounts.yaml")
            #expect(fixture.findings("stale-account").isEmpty, "\(closed)")
        }
    }

    @Test func tier1OwnerMayNotOwnAProgramme() {
        let fixture = Fixture()
            .replacing("roles: [marketing]", with: "roles: [marketing, marketing-ops]", in: "team.yaml")
            .replacing("owner: ops", with: "owner: sam", in: "programs/mid-market.md")
        let finding = expectOne(fixture, "tier-separation", .error, "programs/mid-market.md", line: 4, column: 8, account: "acme")
        #expect(
            finding?.message == "'Sam Lee' (sam) owns programme 'mid-market' and is also the marketer of tier 1 account 'Acme Corp'")
        let allowed = fixture.replacing("separation: true", with: "separation: false", in: "abmsync.yaml")
        #expect(allowed.findings().isEmpty)
    }
}

// MARK: - Severity overrides

@Suite struct SeverityOverrideTests {
    let lowACV = Fixture().replacing("acv: 450000", with: "acv: 50000", in: "accounts.yaml")

    @Test func ruleCanBeRaisedToError() {
        let fixture = lowACV.appending("rules:\n  min-acv: error\n", to: "abmsync.yaml")
        expectOne(fixture, "min-acv", .error, "accounts.yaml", line: 9, column: 10, account: "acme")
    }

    @Test func ruleCanBeTurnedOff() {
        let fixture = lowACV.appending("rules:\n  min-acv: off\n", to: "abmsync.yaml")
        #expect(fixture.findings().isEmpty)
    }

    @Test func errorCanBeLoweredToWarning() {
        let fixture = Fixture().replacing("sponsor: vp", with: "sponsor: sam", in: "accounts.yaml")
            .appending("rules:\n  owner-role: warning\n", to: "abmsync.yaml")
        expectOne(fixture, "owner-role", .warning, "accounts.yaml", line: 8, column: 14, account: "acme")
    }

    @Test func loaderWarningsFollowOverridesButBrokenFilesDoNot() {
        let misspelt = Fixture().replacing("    stage: target\n", with: "    stage: target\n    stgae: x\n", in: "accounts.yaml")
        #expect(misspelt.findings("unknown-field").count == 1)
        let off = misspelt.appending("rules:\n  unknown-field: off\n", to: "abmsync.yaml")
        #expect(off.findings("unknown-field").isEmpty)
        let marker = Fixture().appending("<<<<<<< ours\n", to: "accounts/acme.md")
            .appending("rules:\n  conflict-marker: off\n", to: "abmsync.yaml")
        #expect(marker.findings("conflict-marker").map(\.severity) == [.error])
    }
}

// MARK: - Scale (speed is in scripts/bench, never in a test)

@Suite struct ValidatorScaleTests {
    /// 10,000 accounts (20 tier 1, 980 tier 2 in 98 clusters, 9,000 tier 3), loaded and validated.
    @Test func tenThousandAccounts() {
        var accounts = "accounts:\n"
        var files: [String: String] = ["abmsync.yaml": Fixture.policy.replacingOccurrences("max_accounts: 1", "max_accounts: 20")]
        var team = "people:\n"
        for ae in 0..<100 { team += "  ae-\(ae):\n    name: AE \(ae)\n    email: ae\(ae)@example.com\n    roles: [ae]\n" }
        team += "  sam:\n    name: Sam\n    roles: [marketing]\n  vp:\n    name: VP\n    roles: [exec]\n  ops:\n    name: Ops\n    roles: [marketing-ops]\n"
        files["team.yaml"] = team
        for index in 0..<10_000 {
            let tier = index < 20 ? 1 : index < 1_000 ? 2 : 3
            accounts += "  account-\(index):\n    name: Account \(index)\n    domain: a\(index).example.com\n    tier: \(tier)\n"
            accounts += "    ae: ae-\(index % 100)\n    acv: \(tier == 1 ? 200_000 : 40_000)\n    stage: engaged\n"
            accounts += "    tier_since: 2026-01-01\n    reviewed: 2026-09-01\n"
            switch tier {
            case 1: accounts += "    marketer: sam\n    sponsor: vp\n"
            case 2: accounts += "    cluster: cluster-\(index % 98)\n"
            default: accounts += "    program: mid-market\n"
            }
        }
        files["accounts.yaml"] = accounts
        files["programs/mid-market.md"] = Fixture.programPlan
        for cluster in 0..<98 {
            files["clusters/cluster-\(cluster).md"] = Fixture.clusterPlan.replacingOccurrences("fintech", "cluster-\(cluster)")
        }
        let source = MemorySource(files)
        let load = WorkspaceLoader.load(from: source)
        let findings = Validator(today: Fixture.today).validate(load)
        #expect(load.workspace.accounts.count == 10_000)
        let byRule = Dictionary(grouping: findings, by: \.rule).mapValues(\.count)
        // What 10,000 accounts get wrong here, each counted and placed: every tier 1 account lacks its
        // plan (20, at its tier line: entries of 11 lines from line 2), each of the 100 AEs holds about
        // ten tier 2 accounts (limit 1), each of the 98 clusters has ten members (limit 2).
        #expect(byRule == ["plan-required": 20, "ae-capacity": 100, "cluster-size": 98])
        let planRequired = findings.filter { $0.rule == "plan-required" }
        #expect(planRequired.map(\.location.line).sorted() == (0..<20).map { 5 + 11 * $0 })
        #expect(planRequired.contains { $0.message == "tier 1 account 'Account 19' has no account plan accounts/account-19.md" })
        #expect(findings.contains { $0.rule == "cluster-size" && $0.message == "cluster 'cluster-97' has 10 members; clusters have at most 2" })
        // Speed is measured by scripts/bench/validate.sh (BENCHMARKS.md), never by a timed test.
    }
}

extension String {
    func replacingOccurrences(_ old: String, _ new: String) -> String {
        components(separatedBy: old).joined(separator: new)
    }
}

// MARK: - One unreadable file, one finding

/// A file that cannot be read is reported once, where it breaks; the rules that need its content
/// hold back rather than report what its absence would mean (every plan an orphan, every cluster
/// empty, every owner unknown).
@Suite struct UnreadableFileTests {
    /// The findings of `fixture`, as "file:line rule".
    func summary(_ fixture: Fixture) -> [String] {
        fixture.findings().map { "\($0.location.file):\($0.location.line) \($0.rule)" }
    }

    @Test func aBrokenAccountListIsOneFindingAndNoOrphanPlansOrEmptyClusters() {
        let breaks: [(String, String, String)] = [
            ("    stage: evaluation\n", "     stage: evaluation\n", "accounts.yaml:10 yaml-syntax"),
            ("    stage: evaluation\n", "\tstage: evaluation\n", "accounts.yaml:10 yaml-syntax"),
            ("    stage: evaluation\n", "    stage: evaluation\n    stage: won\n", "accounts.yaml:11 yaml-duplicate-key"),
            (
                "    stage: evaluation\n", "<<<<<<< ours\n    stage: evaluation\n=======\n    stage: won\n>>>>>>> theirs\n",
                "accounts.yaml:10 conflict-marker"
            ),
        ]
        for (old, new, expected) in breaks {
            let fixture = Fixture().replacing(old, with: new, in: "accounts.yaml")
            #expect(summary(fixture) == [expected], "\(new)")
        }
    }

    @Test func aBrokenTeamIsOneFindingAndNoUnknownPeople() {
        let fixture = Fixture().replacing("    roles: [ae]\n", with: "    roles: [ae\n", in: "team.yaml")
        let found = summary(fixture)
        #expect(found.count == 1 && found.first?.hasPrefix("team.yaml:") == true && found.first?.hasSuffix(" yaml-syntax") == true, "\(found)")
    }

    @Test func aBrokenFrontMatterIsOneFindingAndNoPlanIDOrStakeholderCount() {
        // The template's example stakeholder uncommented under 'stakeholders: []'.
        let fixture = Fixture().replacing(
            "stakeholders:\n  - name: Dana Ruiz\n", with: "stakeholders: []\n  - name: Dana Ruiz\n", in: "accounts/acme.md")
        let found = summary(fixture)
        #expect(found.count == 1 && found.first?.hasPrefix("accounts/acme.md:") == true && found.first?.hasSuffix(" yaml-syntax") == true, "\(found)")
    }

    @Test func aPlanWithConflictsIsNotAMissingPlan() {
        let fixture = Fixture()
            .replacing("Dana decides.\n", with: "<<<<<<< ours\nDana decides.\n=======\nOmar decides.\n>>>>>>> theirs\n", in: "accounts/acme.md")
            .replacing("Payments companies in EMEA.\n", with: "<<<<<<< ours\nPayments.\n=======\nCards.\n>>>>>>> theirs\n", in: "clusters/fintech.md")
        #expect(summary(fixture) == ["accounts/acme.md:16 conflict-marker", "clusters/fintech.md:11 conflict-marker"])
    }

    /// A leftover diff3 base marker (`|||||||`) is a conflict marker to every reader, as it is to
    /// `git diff --check`: validation and the sync's check saw none, while `abmsync conflicts`
    /// refused the file for it.
    @Test func aLoneDiff3BaseMarkerIsAConflictMarkerEverywhere() throws {
        let marked = "Dana decides.\n||||||| base\n"
        let fixture = Fixture().replacing("Dana decides.\n", with: marked, in: "accounts/acme.md")
        #expect(summary(fixture) == ["accounts/acme.md:17 conflict-marker"])
        let list = Fixture().replacing("    stage: evaluation\n", with: "||||||| base\n    stage: evaluation\n", in: "accounts.yaml")
        #expect(summary(list) == ["accounts.yaml:10 conflict-marker"])
        let text = "a: 1\n||||||| base\nb: 2\n"
        #expect(ConflictMarker.containsMarkerLine(Array(text.utf8)))
        #expect(ConflictMarker.markers(in: text).map(\.line) == [2])
        #expect(throws: ConflictBlockError.self) { try ConflictBlocks.find(in: text) }
        // Not a marker: a longer run, or text right after the bars.
        #expect(ConflictMarker.markers(in: "||||||||\n|||||||x\n").isEmpty)
    }

    @Test func aConflictIsOneFindingThatSpansItsLines() {
        let fixture = Fixture().replacing(
            "    stage: evaluation\n", with: "<<<<<<< ours\n    stage: evaluation\n=======\n    stage: won\n>>>>>>> theirs\n",
            in: "accounts.yaml")
        let found = fixture.findings()
        #expect(found.count == 1)
        #expect(found.first?.message == "unresolved merge conflict (lines 10–14)")
    }
}
