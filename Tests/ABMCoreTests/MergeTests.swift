import ABMCore
import ABMSync
import Foundation
import GitKit
import Testing

/// The structured merge with the line merge the CLI uses (ABMSync's GitLineMerger, libgit2's merge-file).
func merge(_ path: String, base: String?, ours: String, theirs: String) -> MergeOutcome {
    StructuredMerge.merge(path: path, base: base, ours: ours, theirs: theirs, lineMerger: GitLineMerger())
}

let accountsBase = """
    # The shared account list.
    accounts:
      acme-corp:
        name: Acme Corp
        tier: 1
        ae: jane            # person id, role ae
        marketer: sam       # person id, role marketing
        stage: evaluation   # one of abmsync.yaml stages
        acv: 450000

      # fintech cluster
      globex:
        name: Globex
        tier: 2
        cluster: fintech-emea
        stage: engaged

    """

@Suite struct MergeTests {
    @Test func neighbouringFieldsEditedBySidesMerge() {
        let ours = accountsBase.replacingOnce("stage: evaluation ", with: "stage: negotiation")
        let theirs = accountsBase.replacingOnce("marketer: sam  ", with: "marketer: ops  ")
        let outcome = merge("accounts.yaml", base: accountsBase, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.lineMergeFallback == nil)
        #expect(
            outcome.text
                == accountsBase.replacingOnce("stage: evaluation ", with: "stage: negotiation")
                .replacingOnce("marketer: sam  ", with: "marketer: ops  "))
    }

    @Test func bothAppendAccountsAtTheEnd() {
        let ours = accountsBase + "  initech:\n    name: Initech\n    tier: 3\n"
        let theirs = accountsBase + "  umbrella:\n    name: Umbrella\n    tier: 3\n"
        let outcome = merge("accounts.yaml", base: accountsBase, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(
            outcome.text == accountsBase + "  initech:\n    name: Initech\n    tier: 3\n"
                + "  umbrella:\n    name: Umbrella\n    tier: 3\n")
    }

    @Test func bothAppendAfterALastEntryWithoutFinalNewline() {
        let base = "accounts:\n  a:\n    name: A"
        let outcome = merge(
            "accounts.yaml", base: base, ours: base + "\n  b:\n    name: B", theirs: base + "\n  c:\n    name: C")
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == "accounts:\n  a:\n    name: A\n  b:\n    name: B\n  c:\n    name: C")
    }

    @Test func sameFieldConflictIsMarkedAroundThatFieldOnly() {
        let ours = accountsBase.replacingOnce("stage: evaluation ", with: "stage: negotiation")
        let theirs = accountsBase.replacingOnce("stage: evaluation ", with: "stage: lost       ")
        let outcome = merge("accounts.yaml", base: accountsBase, ours: ours, theirs: theirs)
        let expected = """
            # The shared account list.
            accounts:
              acme-corp:
                name: Acme Corp
                tier: 1
                ae: jane            # person id, role ae
                marketer: sam       # person id, role marketing
            <<<<<<< ours — Acme Corp · stage (both changed)
                stage: negotiation  # one of abmsync.yaml stages
            =======
                stage: lost         # one of abmsync.yaml stages
            >>>>>>> theirs — Acme Corp · stage
                acv: 450000

              # fintech cluster
              globex:
                name: Globex
                tier: 2
                cluster: fintech-emea
                stage: engaged

            """
        #expect(outcome.text == expected)
        #expect(outcome.conflicts.count == 1)
        let conflict = outcome.conflicts.first
        #expect(conflict?.subject == "Acme Corp · stage")
        #expect(conflict?.kind == .bothChanged)
        #expect(conflict?.line == 8)
        #expect(conflict?.ours == "    stage: negotiation  # one of abmsync.yaml stages\n")
        #expect(conflict?.theirs == "    stage: lost         # one of abmsync.yaml stages\n")
        #expect(conflict?.base == "    stage: evaluation   # one of abmsync.yaml stages\n")
        #expect(conflict?.file == "accounts.yaml")
    }

    @Test func deleteModifyIsAConflict() {
        let ours = accountsBase.replacingOnce("""
              # fintech cluster
              globex:
                name: Globex
                tier: 2
                cluster: fintech-emea
                stage: engaged

            """, with: "")
        let theirs = accountsBase.replacingOnce("stage: engaged", with: "stage: opportunity")
        let outcome = merge("accounts.yaml", base: accountsBase, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.count == 1)
        #expect(outcome.conflicts.first?.kind == .deleteModify)
        #expect(outcome.conflicts.first?.subject == "Globex")
        #expect(outcome.conflicts.first?.ours == nil)
        #expect(outcome.text.contains("<<<<<<< ours — Globex (deleted in ours, changed in theirs)\n=======\n"))
        #expect(outcome.text.contains("stage: opportunity\n>>>>>>> theirs — Globex\n"))
    }

    @Test func crlfFileStaysCRLF() {
        let base = accountsBase.replacingOccurrences("\n", with: "\r\n")
        let ours = base.replacingOnce("tier: 2", with: "tier: 1")
        let theirs = base + "  initech:\r\n    name: Initech\r\n"
        let outcome = merge("accounts.yaml", base: base, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == ours + "  initech:\r\n    name: Initech\r\n")
        #expect(!outcome.text.replacingOccurrences("\r\n", with: "").contains("\n"))
    }

    @Test func crlfConflictMarkersUseCRLF() {
        let base = accountsBase.replacingOccurrences("\n", with: "\r\n")
        let outcome = merge(
            "accounts.yaml", base: base, ours: base.replacingOnce("tier: 2", with: "tier: 1"),
            theirs: base.replacingOnce("tier: 2", with: "tier: 3"))
        #expect(outcome.conflicts.count == 1)
        #expect(!outcome.text.replacingOccurrences("\r\n", with: "").contains("\n"))
    }

    @Test func commentsArePreservedByteForByte() {
        let ours = accountsBase.replacingOnce("tier: 2", with: "tier: 1")
            .replacingOnce("# The shared account list.", with: "# The shared account list (reviewed).")
        let theirs = accountsBase.replacingOnce("# fintech cluster", with: "# fintech cluster, EMEA")
            .replacingOnce("acv: 450000", with: "acv: 500000  # after the Q2 call")
        let outcome = merge("accounts.yaml", base: accountsBase, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(
            outcome.text
                == ours.replacingOnce("# fintech cluster", with: "# fintech cluster, EMEA")
                .replacingOnce("acv: 450000", with: "acv: 500000  # after the Q2 call"))
    }

    @Test func sameChangeOnBothSidesIsOneChange() {
        let both = accountsBase.replacingOnce("tier: 2", with: "tier: 1")
        let ours = both.replacingOnce("ae: jane", with: "ae: bob ")
        let outcome = merge("accounts.yaml", base: accountsBase, ours: ours, theirs: both)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == ours)
    }

    @Test func rolesMergeAsASet() {
        let base = "people:\n  jane:\n    name: Jane\n    roles: [ae, sdr]\n"
        let outcome = merge(
            "team.yaml", base: base, ours: base.replacingOnce("[ae, sdr]", with: "[ae, sdr, exec]"),
            theirs: base.replacingOnce("[ae, sdr]", with: "[ae, admin]"))
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == "people:\n  jane:\n    name: Jane\n    roles: [ae, exec, admin]\n")
    }

    @Test func blockScalarEditedInDifferentLinesMerges() {
        let base = "accounts:\n  acme:\n    name: Acme\n    notes: |\n      line one\n      line two\n      line three\n      line four\n    tier: 1\n"
        let ours = base.replacingOnce("line one", with: "line ONE")
        let theirs = base.replacingOnce("line four", with: "line FOUR")
        let outcome = merge("accounts.yaml", base: base, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == base.replacingOnce("line one", with: "line ONE").replacingOnce("line four", with: "line FOUR"))
    }

    @Test func blockScalarEditedInTheSameLineConflicts() {
        let base = "accounts:\n  acme:\n    name: Acme\n    notes: |\n      line one\n      line two\n    tier: 1\n"
        let outcome = merge(
            "accounts.yaml", base: base, ours: base.replacingOnce("line two", with: "line 2"),
            theirs: base.replacingOnce("line two", with: "line II"))
        #expect(outcome.conflicts.count == 1)
        #expect(outcome.conflicts.first?.subject == "Acme · notes")
        #expect(outcome.text.contains("line 2"))
        #expect(outcome.text.contains("line II"))
        #expect(outcome.text.hasSuffix("    tier: 1\n"))
        #expect(outcome.text.hasPrefix("accounts:\n  acme:\n    name: Acme\n"))
    }

    @Test func brokenYAMLFallsBackToLineMergeAndSaysSo() {
        let base = "accounts:\n  a:\n    name: A\n"
        let outcome = merge(
            "accounts.yaml", base: base, ours: "accounts:\n  a:\n    name: [A\n", theirs: base + "  b:\n    name: B\n")
        #expect(outcome.lineMergeFallback?.contains("ours cannot be read as YAML") == true)
    }

    @Test func addedOnBothSidesIdenticallyIsClean() {
        let text = "accounts:\n  a:\n    name: A\n"
        #expect(merge("accounts.yaml", base: nil, ours: text, theirs: text) == MergeOutcome(text: text, conflicts: []))
    }

    @Test func addedOnBothSidesMergesFieldWise() {
        let outcome = merge(
            "accounts.yaml", base: nil, ours: "accounts:\n  a:\n    name: A\n",
            theirs: "accounts:\n  b:\n    name: B\n")
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == "accounts:\n  a:\n    name: A\n  b:\n    name: B\n")
        let clash = merge(
            "accounts.yaml", base: nil, ours: "accounts:\n  a:\n    tier: 1\n", theirs: "accounts:\n  a:\n    tier: 2\n")
        #expect(clash.conflicts.map(\.kind) == [.addAdd])
    }

    @Test func otherFilesUseTheLineMerge() {
        let outcome = merge("README.md", base: "a\nb\nc\nd\n", ours: "A\nb\nc\nd\n", theirs: "a\nb\nc\nD\n")
        #expect(outcome.text == "A\nb\nc\nD\n")
        #expect(StructuredMerge.fileKind(of: "accounts/acme.md") == .plan)
        #expect(StructuredMerge.fileKind(of: "notes/acme.md") == .text)
        #expect(StructuredMerge.fileKind(of: "abmsync.yaml") == .yamlData)
    }

    // MARK: Plans

    static let plan = """
        ---
        account: acme-corp
        stakeholders:
          - name: Dana Ruiz
            title: CFO
            role: economic-buyer
          - name: Omar Haddad
            title: VP Engineering
            role: champion
        ---
        # Acme Corp — strategic account plan

        ## Summary
        Renewal of the platform deal.

        ## Buying Group
        | Name | Role |
        |------|------|
        | Dana Ruiz | CFO |

        ## Plays
        - [ ] Q1 executive briefing (sam)
        - [ ] Custom ROI model (sam)
        - [ ] Reference call (jane)

        ## Review Log
        - 2026-09-30 quarterly review: stays tier 1

        """

    @Test func bothTickDifferentCheckboxes() {
        let ours = Self.plan.replacingOnce("- [ ] Q1 executive", with: "- [x] Q1 executive")
        let theirs = Self.plan.replacingOnce("- [ ] Reference call", with: "- [x] Reference call")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == ours.replacingOnce("- [ ] Reference call", with: "- [x] Reference call"))
    }

    @Test func oneAddsAnItemTheOtherTicksAnother() {
        let ours = Self.plan.replacingOnce("- [ ] Reference call (jane)\n", with: "- [ ] Reference call (jane)\n- [ ] Site visit (jane)\n")
        let theirs = Self.plan.replacingOnce("- [ ] Custom ROI", with: "- [x] Custom ROI")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == ours.replacingOnce("- [ ] Custom ROI", with: "- [x] Custom ROI"))
    }

    @Test func bothAddItemsAtTheEndOfAList() {
        let ours = Self.plan.replacingOnce("(jane)\n", with: "(jane)\n- [ ] Site visit (jane)\n")
        let theirs = Self.plan.replacingOnce("(jane)\n", with: "(jane)\n- [ ] Webinar (sam)\n")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == Self.plan.replacingOnce("(jane)\n", with: "(jane)\n- [ ] Site visit (jane)\n- [ ] Webinar (sam)\n"))
    }

    @Test func bothAddTableRows() {
        let ours = Self.plan.replacingOnce("| Dana Ruiz | CFO |\n", with: "| Dana Ruiz | CFO |\n| Omar Haddad | Champion |\n")
        let theirs = Self.plan.replacingOnce("| Dana Ruiz | CFO |\n", with: "| Dana Ruiz | CFO |\n| Lee Park | User |\n")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(
            outcome.text == Self.plan.replacingOnce(
                "| Dana Ruiz | CFO |\n", with: "| Dana Ruiz | CFO |\n| Omar Haddad | Champion |\n| Lee Park | User |\n"))
    }

    @Test func bothAddStakeholders() {
        let ours = Self.plan.replacingOnce("    role: champion\n", with: "    role: champion\n  - name: Lee Park\n    role: user\n")
        let theirs = Self.plan.replacingOnce("    role: champion\n", with: "    role: champion\n  - name: Ann Stone\n    role: blocker\n")
            .replacingOnce("title: CFO", with: "title: Chief Financial Officer")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(
            outcome.text == Self.plan.replacingOnce(
                "    role: champion\n",
                with: "    role: champion\n  - name: Lee Park\n    role: user\n  - name: Ann Stone\n    role: blocker\n")
            .replacingOnce("title: CFO", with: "title: Chief Financial Officer"))
    }

    @Test func stakeholderFieldConflictNamesThePerson() {
        let outcome = merge(
            "accounts/acme-corp.md", base: Self.plan, ours: Self.plan.replacingOnce("role: champion", with: "role: influencer"),
            theirs: Self.plan.replacingOnce("role: champion", with: "role: blocker"))
        #expect(outcome.conflicts.map(\.subject) == ["acme-corp · stakeholders · Omar Haddad · role"])
        #expect(outcome.text.contains("<<<<<<< ours — acme-corp · stakeholders · Omar Haddad · role (both changed)\n    role: influencer\n=======\n    role: blocker\n>>>>>>> theirs"))
    }

    @Test func differentSectionsOfOnePlanMerge() {
        let ours = Self.plan.replacingOnce("Renewal of the platform deal.", with: "Renewal of the platform deal in Q2.")
        let theirs = Self.plan.replacingOnce("stays tier 1\n", with: "stays tier 1\n- 2026-12-31 quarterly review: moved to negotiation\n")
            .replacingOnce("account: acme-corp\n", with: "account: acme-corp\nowner_notes: renewal\n")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == theirs.replacingOnce("Renewal of the platform deal.", with: "Renewal of the platform deal in Q2."))
    }

    @Test func bothAddSectionsOursFirst() {
        let ours = Self.plan + "## Messaging\nValue first.\n"
        let theirs = Self.plan + "## KPIs\nPipeline.\n"
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.text == Self.plan + "## Messaging\nValue first.\n## KPIs\nPipeline.\n")
    }

    @Test func sameSectionLineConflictIsConfinedToTheSection() {
        let ours = Self.plan.replacingOnce("Renewal of the platform deal.", with: "Renewal in Q2.")
        let theirs = Self.plan.replacingOnce("Renewal of the platform deal.", with: "Renewal in Q3.")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.count == 1)
        #expect(outcome.conflicts.first?.subject == "acme-corp · Summary")
        #expect(outcome.text.contains("<<<<<<< ours — acme-corp · Summary (both changed)\nRenewal in Q2.\n=======\nRenewal in Q3.\n>>>>>>> theirs — acme-corp · Summary\n"))
        let markerLine = outcome.text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("<<<<<<<") }.map { $0 + 1 }
        #expect(outcome.conflicts.first?.line == markerLine)
    }

    // MARK: Conflict summaries (issue 11 item 9): the lines that differ, never the same prefix twice

    @Test func blockTextConflictSummaryShowsTheLinesThatDiffer() {
        let notes = { (line: String) in "account: acme-corp\nowner_notes: |\n  line one\n  \(line)\n  line three\n" }
        let ours = Self.plan.replacingOnce("account: acme-corp\n", with: notes("line 2"))
        let theirs = Self.plan.replacingOnce("account: acme-corp\n", with: notes("line II"))
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(
            outcome.conflicts.map(\.summary) == [
                "acme-corp · owner_notes: added on both sides differently: ours \"line 2\", theirs \"line II\""
            ])
    }

    @Test func sectionConflictSummaryShowsTheLinesThatDiffer() {
        let section = { (line: String) in
            "## Messaging\nOpen with the platform consolidation story the CFO liked in the Q2 review.\n\(line)\n"
        }
        let outcome = merge(
            "accounts/acme-corp.md", base: Self.plan, ours: Self.plan + section("Lead with security."),
            theirs: Self.plan + section("Lead with cost."))
        #expect(
            outcome.conflicts.map(\.summary) == [
                "acme-corp · Messaging: added on both sides differently: ours \"Lead with security.\", theirs \"Lead with cost.\""
            ])
        #expect(outcome.conflicts.allSatisfy { !$0.summary.contains("\n") })
    }

    @Test func conflictBlockShortValuesShowTheLinesThatDiffer() throws {
        let text = "<<<<<<< ours — Acme Corp · notes (both changed)\n    notes: |\n      Champion is the CFO.\n      Legal review done.\n=======\n    notes: |\n      Champion is the CFO.\n      Legal review moved.\n>>>>>>> theirs — Acme Corp · notes\n"
        let block = try #require(try ConflictBlocks.find(in: text).first)
        #expect(block.shortValue(.ours) == "Legal review done.")
        #expect(block.shortValue(.theirs) == "Legal review moved.")
    }

    @Test func sectionDeletedAndModifiedConflicts() {
        let ours = Self.plan.replacingOnce("## Summary\nRenewal of the platform deal.\n\n", with: "")
        let theirs = Self.plan.replacingOnce("Renewal of the platform deal.", with: "Renewal in Q2.")
        let outcome = merge("accounts/acme-corp.md", base: Self.plan, ours: ours, theirs: theirs)
        #expect(outcome.conflicts.map(\.kind) == [.deleteModify])
        #expect(outcome.conflicts.first?.subject == "acme-corp · Summary")
    }
}

extension String {
    func replacingOnce(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else {
            Issue.record("'\(target)' not found")
            return self
        }
        return replacingCharacters(in: range, with: replacement)
    }

    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
