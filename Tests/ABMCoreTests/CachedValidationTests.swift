import Foundation
import Testing

@testable import ABMCore

/// `CachedValidation` must give exactly the findings of a full run, whatever changed since the run
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
        let outcome = CachedValidation.run(
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
        files["accounts.yaml"] = nil
        #expect(!step(files, &state, "account list removed"))
        #expect(step(files, &state, "still removed"))
    }
}
