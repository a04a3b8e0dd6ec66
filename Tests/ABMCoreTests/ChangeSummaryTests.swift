import Testing

@testable import ABMCore

@Suite struct ChangeSummaryTests {
    let before = MemorySource([
        "accounts.yaml": """
            accounts:
              acme-corp:
                name: Acme Corp
                tier: 2
                stage: evaluation
                ae: jane
              globex:
                name: Globex
                tier: 3
            """,
        "accounts/acme-corp.md": "---\naccount: acme-corp\nkpis: {pipeline: 1}\n---\n# Acme\n\n## Summary\nA\n\n## Plays\n- [ ] one\n",
        "clusters/old.md": "---\ncluster: old\n---\n",
    ])

    let after = MemorySource([
        "accounts.yaml": """
            accounts:
              acme-corp:
                name: Acme Corp
                tier: 1        # promoted
                stage: negotiation
                marketer: sam
              initech:
                name: Initech
                tier: 3
            """,
        "accounts/acme-corp.md": "---\naccount: acme-corp\nkpis: {pipeline: 2}\n---\n# Acme\n\n## Summary\nA\n\n## Plays\n- [x] one\n",
    ])

    @Test func changesAreToldInPlanTerms() {
        let lines = ChangeSummary.compare(old: before, new: after).map(\.description)
        #expect(
            lines == [
                "Acme Corp: tier 2 → 1",
                "Acme Corp: stage evaluation → negotiation",
                "Acme Corp: ae jane removed",
                "Acme Corp: marketer set to sam",
                "Initech: added as tier 3",
                "Globex: removed from the account list",
                "Acme Corp plan: Plays edited; kpis changed",
                "old cluster plan: deleted",
            ])
    }

    /// Sync's reports, commit messages and the permission refusals say what changed in the policy.
    @Test func aPolicyChangeIsToldInWords() {
        let policy = "version: 1\ntiers:\n  1:\n    name: Strategic\n    max_per_ae: 5\n"
        let lines = ChangeSummary.compare(
            old: MemorySource(["abmsync.yaml": policy]),
            new: MemorySource(["abmsync.yaml": policy.replacingOccurrences(of: "max_per_ae: 5", with: "max_per_ae: 50")])
        ).map(\.description)
        #expect(lines == ["abmsync.yaml: tier 1 max_per_ae 5 → 50"])
        // Only a comment changed: still edited, in no particular words.
        let comment = ChangeSummary.compare(
            old: MemorySource(["abmsync.yaml": policy]), new: MemorySource(["abmsync.yaml": "# ours\n" + policy])
        ).map(\.description)
        #expect(comment == ["abmsync.yaml: edited"])
    }

    @Test func identicalSnapshotsHaveNoChanges() {
        #expect(ChangeSummary.compare(old: before, new: before).isEmpty)
    }
}

/// An account list that cannot be read is not an empty one: nobody was removed.
@Suite struct UnreadableChangeSummaryTests {
    static let list = "accounts:\n  acme:\n    name: Acme\n    tier: 3\n    stage: target\n  globex:\n    name: Globex\n    tier: 3\n"

    func changes(to text: String) -> [String] {
        ChangeSummary.compare(old: MemorySource(["accounts.yaml": Self.list]), new: MemorySource(["accounts.yaml": text]))
            .map(\.description)
    }

    @Test func aConflictInTheListIsNotARemoval() {
        let conflicted = Self.list.replacingOccurrences(
            of: "    stage: target\n", with: "<<<<<<< ours\n    stage: won\n=======\n    stage: lost\n>>>>>>> theirs\n")
        #expect(changes(to: conflicted) == ["accounts.yaml: conflicts waiting for a decision (line 5)"])
    }

    @Test func aListThatDoesNotReadIsNotARemoval() {
        let tabbed = Self.list.replacingOccurrences(of: "    stage: target\n", with: "\tstage: target\n")
        #expect(changes(to: tabbed) == ["accounts.yaml: cannot be read (line 5: tab used for indentation); 'abmsync validate' shows how to fix it"])
    }
}
