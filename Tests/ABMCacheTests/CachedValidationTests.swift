import PropertyBased
import Foundation
import Testing

@testable import ABMCache
@testable import ABMCore

/// `IncrementalValidation` must give exactly the findings of a full run, whatever changed since the run
/// whose records and memo it reuses; and it must reuse the memo only when the cross-file inputs
/// are the same.
@Suite struct CachedValidationTests {
    let today = PlanDate(year: 2026, month: 11, day: 22)!

    static let policy = """
        version: 1
        review_every_days: 90
        tiers:
          1:
            requires: [ae, marketer, sponsor]
            plan: required
            sections: [Summary, Plays]
            min_stakeholders: 2
            max_per_ae: 2
        """
    static let team = """
        people:
          jane: {name: Jane Doe, email: jane@example.com, roles: [ae]}
          mo: {name: Mo Ali, email: mo@example.com, roles: [marketing]}
          vp: {name: Vera P, email: vp@example.com, roles: [exec]}
        """
    static let accounts = """
        accounts:
          acme: {name: Acme Corp, tier: 1, ae: jane, marketer: mo, sponsor: vp, reviewed: 2026-11-01}
          globex: {name: Globex, tier: 1, ae: jane, marketer: mo, sponsor: vp, reviewed: 2026-11-01}
        """

    static func plan(_ id: String, stakeholders: Int = 2, sections: [String] = ["Summary", "Plays"], text: String = "Text.")
        -> String
    {
        var lines = ["---", "account: \(id)", "stakeholders:"]
        for number in 0..<stakeholders { lines.append("  - {name: P\(number), role: champion}") }
        lines += ["---", "# \(id)", ""]
        for section in sections { lines += ["## \(section)", text, ""] }
        return lines.joined(separator: "\n")
    }

    /// Fingerprints as a git source gives them: one per file, changing with the content.
    static func fingerprints(_ files: [String: String]) -> [String: String] {
        files.mapValues { String(StableHash.digest(of: Array($0.utf8)), radix: 16) }
    }

    struct State {
        var records: [String: FileParse] = [:]
        var memo: ValidationMemo?
    }

    /// Runs the cached validation on `files` after `state`, checks it against a full run and
    /// returns whether it reused the memo.
    func step(_ files: [String: String], _ state: inout State, today: PlanDate? = nil, _ comment: Comment) -> Bool {
        let source = MemorySource(files)
        let validator = Validator(today: today ?? self.today)
        let outcome = IncrementalValidation.run(
            source, reusing: ParseReuse(fingerprints: Self.fingerprints(files), previous: state.records),
            memo: state.memo, validator: validator)
        let full = ValidationReport(findings: validator.validate(WorkspaceLoader.load(from: source)))
        #expect(outcome.report.findings == full.findings, comment)
        // Group headings name accounts as the full run does.
        let load = WorkspaceLoader.load(from: source)
        var names: [String: String] = [:]
        for account in load.workspace.accounts { names[account.id.value] = account.displayName }
        #expect(outcome.report.renderText() == ValidationReport(findings: full.findings, accountNames: names).renderText(), comment)
        state = State(records: outcome.records, memo: outcome.memo)
        return outcome.reusedMemo
    }

    @Test func reusesTheMemoOnlyWhenCrossFileInputsAreUnchanged() {
        var files = [
            "abmsync.yaml": Self.policy, "team.yaml": Self.team, "accounts.yaml": Self.accounts,
            "accounts/acme.md": Self.plan("acme"), "accounts/globex.md": Self.plan("globex"),
        ]
        var state = State()
        #expect(!step(files, &state, "first run"))
        #expect(step(files, &state, "nothing changed"))

        files["accounts/acme.md"] = Self.plan("acme", text: "Other words.")
        #expect(step(files, &state, "text inside a section: facts unchanged"))

        files["accounts/acme.md"] = Self.plan("acme", stakeholders: 1)
        #expect(!step(files, &state, "buying group below the minimum"))
        #expect(state.memo?.findings.contains { $0.rule == "buying-group-size" } == true)

        files["accounts/acme.md"] = Self.plan("acme", stakeholders: 1, sections: ["Summary"])
        #expect(!step(files, &state, "a required section removed"))
        #expect(state.memo?.findings.contains { $0.rule == "missing-section" } == true)

        files["accounts/acme.md"] = Self.plan("acme", stakeholders: 1, sections: ["Summary"], text: "x: [")
        #expect(step(files, &state, "text edit while findings are open"))

        files["accounts/globex.md"] = "---\naccount: globex\nkpis: {pipeline: lots}\n---\n# G\n## Summary\n## Plays\n"
        _ = step(files, &state, "a plan's own finding (kpi-shape) appears")

        files["accounts.yaml"] = Self.accounts.replacingOccurrences(of: "globex: {name: Globex, tier: 1", with: "globex: {name: Globex, tier: 2")
        #expect(!step(files, &state, "an account's tier changed"))

        files["team.yaml"] = Self.team.replacingOccurrences(of: "roles: [ae]", with: "roles: [marketing]")
        #expect(!step(files, &state, "a person's role changed"))

        #expect(!step(files, &state, today: PlanDate(year: 2027, month: 6, day: 1)!, "another day"))

        files["accounts/initech.md"] = Self.plan("initech")
        #expect(!step(files, &state, "an orphan plan added"))

        files["accounts/initech.md"] = nil
        // Files that cannot be read: each is one finding, and what depends on it holds back.
        let goodPlan = files["accounts/acme.md"]
        files["accounts/acme.md"] = "---\naccount: acme\nstakeholders: []\n  - {name: A}\n---\n# A\n## Summary\n## Plays\n"
        #expect(!step(files, &state, "a plan's front matter does not read"))
        files["accounts/acme.md"] = "---\naccount: acme\n---\n# A\n<<<<<<< ours\n## Summary\n=======\n## Plays\n>>>>>>> theirs\n"
        #expect(!step(files, &state, "a plan with a conflict"))
        files["accounts/acme.md"] = goodPlan
        let goodTeam = files["team.yaml"]
        files["team.yaml"] = "people:\n\tjane: {name: Jane}\n"
        #expect(!step(files, &state, "team.yaml does not read"))
        files["team.yaml"] = goodTeam
        let goodAccounts = files["accounts.yaml"]
        files["accounts.yaml"] = "accounts:\n  acme: {tier: 1\n"
        #expect(!step(files, &state, "accounts.yaml does not read"))
        files["accounts.yaml"] = goodAccounts
        #expect(!step(files, &state, "everything reads again"))

        files["accounts.yaml"] = nil
        #expect(!step(files, &state, "account list removed"))
        #expect(step(files, &state, "still removed"))
    }

    // MARK: - Units: accounts.yaml in block style, read entry by entry

    static let unitPolicy = """
        version: 1
        review_every_days: 60
        separation: true
        tiers:
          1:
            requires: [ae, marketer, sponsor]
            plan: required
            sections: [Summary, Plays]
            min_stakeholders: 2
            max_per_ae: 3
            max_accounts: 8
            min_acv: 100000
            stale_after_days: 200
          2:
            cluster_size: {min: 2, max: 4}
            max_per_ae: 4
        """
    static let unitTeam = """
        people:
          jane: {name: Jane Doe, email: jane@example.com, roles: [ae]}
          raj: {name: Raj Patel, email: raj@example.com, roles: [ae]}
          mo: {name: Mo Ali, email: mo@example.com, roles: [marketing]}
          vp: {name: Vera P, email: vp@example.com, roles: [exec]}
          ops: {name: Ops Person, email: ops@example.com, roles: [marketing-ops]}
        """

    /// One accounts.yaml entry in block style, with a field or two that edits change.
    struct UnitAccount {
        var id: String
        var fields: [String]
        /// A tab in place of its first field's indentation: accounts.yaml does not read.
        var broken = false
        var text: String {
            "  \(id):\n" + fields.enumerated().map { (broken && $0.offset == 0 ? "\t" : "    ") + $0.element + "\n" }.joined()
        }

        static func random(_ id: String, using rng: inout Xoshiro) -> UnitAccount {
            let tier = Int.random(in: 1...3, using: &rng)
            var fields = ["name: \(id.capitalized)", "tier: \(tier)"]
            fields.append("ae: \(["jane", "raj", "mo", "nobody"].randomElement(using: &rng)!)")
            if tier == 1 || Bool.random(using: &rng) { fields.append("marketer: mo") }
            if tier == 1, Int.random(in: 0..<4, using: &rng) > 0 { fields.append("sponsor: vp") }
            if tier == 2 { fields.append("cluster: \(["fintech", "retail", "ghost"].randomElement(using: &rng)!)") }
            fields.append("acv: \(Int.random(in: 50...300, using: &rng) * 1000)")
            fields.append("reviewed: 2026-\(["03", "09", "11"].randomElement(using: &rng)!)-01")
            if Bool.random(using: &rng) { fields.append("domain: \(["a", "b", "c", "d"].randomElement(using: &rng)!).example.com") }
            if Int.random(in: 0..<6, using: &rng) == 0 { fields.append("stage: \(["engaged", "won", "stuck"].randomElement(using: &rng)!)") }
            if Int.random(in: 0..<8, using: &rng) == 0 { fields.append("tier_since: 2025-01-01") }
            return UnitAccount(id: id, fields: fields)
        }
    }

    /// A random sequence of edits of every kind: each step's findings must be a full run's, and
    /// edits that touch one account must run only that account's checks (and the checks across
    /// accounts only when what they read changed).
    @Test func unitsRerunOnlyWhatAnEditTouches() {
        var rng = Xoshiro(seed: (11, 22, 2026, 1122))
        var accounts = (0..<24).map { UnitAccount.random("acct-\($0)", using: &rng) }
        var plans: [String: String] = [:]
        for account in accounts where Bool.random(using: &rng) {
            plans["accounts/\(account.id).md"] = Self.plan(account.id, stakeholders: Int.random(in: 1...3, using: &rng))
        }
        plans["clusters/fintech.md"] = "---\ncluster: fintech\n---\n# Fintech\n## Summary\n"
        plans["programs/emea.md"] = "---\nprogram: emea\nowner: jane\n---\n# EMEA\n## Summary\n"
        func files() -> [String: String] {
            var files = plans
            files["abmsync.yaml"] = Self.unitPolicy
            files["team.yaml"] = Self.unitTeam
            files["accounts.yaml"] = "# Accounts\naccounts:\n" + accounts.map(\.text).joined()
            return files
        }
        // When stages last changed (from git history): an input of each account's own checks.
        var history: [String: PlanDate] = [:]
        var state = State()
        var outcome = unitStep(files(), &state, "first run")
        #expect(outcome.memo?.units != nil, "block-style accounts are read entry by entry")
        #expect(outcome.report.findings.count > 10, "the fixture has findings of many rules")
        var nextID = 100
        for round in 0..<80 {
            let brokenBefore = accounts.contains(where: \.broken)
            let position = Int.random(in: 0..<accounts.count, using: &rng)
            let kind = Int.random(in: 0..<11, using: &rng)
            var description = ""
            switch kind {
            case 0:
                let acv = Int.random(in: 50...300, using: &rng) * 1000
                accounts[position].fields = accounts[position].fields.map { $0.hasPrefix("acv:") ? "acv: \(acv)" : $0 }
                description = "acv of \(accounts[position].id)"
            case 1:
                accounts[position] = UnitAccount.random(accounts[position].id, using: &rng)
                description = "fields of \(accounts[position].id) rewritten"
            case 2:
                accounts.insert(UnitAccount.random("acct-\(nextID)", using: &rng), at: position)
                nextID += 1
                description = "account added at \(position) (entries below move)"
            case 3:
                if accounts.count > 10 { accounts.remove(at: position) }
                description = "account removed at \(position)"
            case 4:
                accounts[position].fields.insert("note_\(round): added", at: 0)
                description = "a line added inside \(accounts[position].id) above its tier"
            case 5:
                let path = "accounts/\(accounts[position].id).md"
                plans[path] = plans[path] == nil ? Self.plan(accounts[position].id, stakeholders: Int.random(in: 0...3, using: &rng)) : nil
                description = "plan of \(accounts[position].id) added or removed"
            case 6:
                let path = "accounts/\(accounts[position].id).md"
                plans[path] = Self.plan(
                    accounts[position].id, stakeholders: Int.random(in: 0...3, using: &rng),
                    sections: Bool.random(using: &rng) ? ["Summary"] : ["Summary", "Plays"])
                description = "plan of \(accounts[position].id) edited"
            case 7:
                plans["clusters/retail.md"] = plans["clusters/retail.md"] == nil ? "---\ncluster: retail\n---\n# Retail\n" : nil
                description = "a cluster plan added or removed"
            case 10:
                accounts[position].broken.toggle()
                description = "accounts.yaml broken or mended at \(accounts[position].id)"
            case 9:
                let id = accounts[position].id
                history[id] = Bool.random(using: &rng) ? nil : PlanDate(year: 2025, month: Int.random(in: 1...12, using: &rng), day: 1)
                description = "stage history of \(id) changed"
            default:
                plans["programs/emea.md"] = "---\nprogram: emea\nowner: \(["jane", "ops", "ghost"].randomElement(using: &rng)!)\n---\n# EMEA\n"
                description = "programme owner changed"
            }
            outcome = unitStep(files(), &state, history: history, "round \(round): \(description)")
            // A list that does not read (now or in the run before) is read whole and checked whole.
            let readWhole = brokenBefore || accounts.contains(where: \.broken)
            if kind == 9, !readWhole {
                // Only that account's own checks read its history.
                #expect(outcome.unitsRun <= 1 && !outcome.ranAcross, "round \(round): \(description)")
            }
            if kind == 0 || kind == 4, !readWhole {
                // One entry changed: its account's checks, and at most its plan's.
                #expect(outcome.unitsRun <= 2, "round \(round): \(description)")
                #expect(!outcome.ranAcross || kind == 4, "round \(round): \(description)")
            }
        }
    }

    /// `step` for the unit tests: the outcome, checked against a full run.
    func unitStep(
        _ files: [String: String], _ state: inout State, history: [String: PlanDate] = [:], _ comment: Comment
    ) -> IncrementalValidation.Outcome {
        let source = MemorySource(files)
        let validator = Validator(today: today, lastStageChange: history)
        let outcome = IncrementalValidation.run(
            source, reusing: ParseReuse(fingerprints: Self.fingerprints(files), previous: state.records),
            memo: state.memo, validator: validator)
        let load = WorkspaceLoader.load(from: source)
        let full = ValidationReport(findings: validator.validate(load))
        #expect(outcome.report.findings == full.findings, comment)
        var names: [String: String] = [:]
        for account in load.workspace.accounts { names[account.id.value] = account.displayName }
        #expect(outcome.report.renderText() == ValidationReport(findings: full.findings, accountNames: names).renderText(), comment)
        state = State(records: outcome.records, memo: outcome.memo)
        return outcome
    }
}
