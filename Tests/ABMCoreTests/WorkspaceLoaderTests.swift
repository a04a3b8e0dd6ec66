import Foundation
import Testing

@testable import ABMCore

@Suite struct WorkspaceLoaderTests {
    static let policy = try! String(contentsOfFile: repoFile("templates/abmsync.yaml"), encoding: .utf8)
    static let team = try! String(contentsOfFile: repoFile("templates/team.yaml"), encoding: .utf8)

    static func repoFile(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path).path
    }

    static let accounts = """
        accounts:
          acme-corp:
            name: Acme Corp
            tier: 1
            ae: jane
            acv: 450000
            tier_since: 2026-03-01
          globex:
            name: Globex
            tier: 2
            cluster: fintech-emea
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
        Text.

        ## Plays
        - [ ] Q1 executive briefing (sam)
        - [x] Custom ROI model (sam)

        | Competitor | Impact |
        | --- | --- |
        | Initrode | high |
        """

    @Test func theTemplatesLoadWithoutAProblem() {
        let load = WorkspaceLoader.load(
            from: MemorySource([
                "abmsync.yaml": Self.policy, "team.yaml": Self.team, "accounts.yaml": "accounts: {}\n",
            ]))
        #expect(load.findings.isEmpty, "\(load.findings.map(\.formatted))")
        #expect(load.workspace.policy.tier(.strategic).maxAccounts == 20)
        #expect(load.workspace.policy.tier(.cluster).clusterSize == 5...15)
        #expect(load.workspace.policy.sectionOwners[.marketing] == ["Plays", "Messaging"])
        #expect(load.workspace.team["ops"]?.roles == [.marketingOps])
    }

    @Test func accountFieldsKnowWhereTheyWereWritten() throws {
        let load = WorkspaceLoader.load(from: MemorySource(["accounts.yaml": Self.accounts]))
        #expect(load.findings.isEmpty)
        let acme = try #require(load.workspace.account("acme-corp"))
        #expect(acme.tier?.value == .strategic)
        #expect(acme.tier?.location == SourceLocation(file: "accounts.yaml", line: 4, column: 11))
        #expect(acme.acv?.value == 450_000)
        #expect(acme.tierSince?.value == PlanDate(year: 2026, month: 3, day: 1))
        #expect(load.workspace.accounts.map(\.id.value) == ["acme-corp", "globex"])
    }

    @Test func wrongTypesAreFindingsAtTheValue() throws {
        let text = "accounts:\n  acme:\n    tier: one\n    tier_since: 2026-02-30\n    acv: [1]\n"
        let load = WorkspaceLoader.load(from: MemorySource(["accounts.yaml": text]))
        let lines = load.findings.map { "\($0.location.line):\($0.location.column) \($0.rule)" }
        #expect(lines == ["3:11 field-type", "4:17 field-type", "5:10 field-type"])
    }

    @Test func aMisspeltFieldNamesTheLikelyKey() throws {
        let load = WorkspaceLoader.load(from: MemorySource(["accounts.yaml": "accounts:\n  acme:\n    stgae: won\n    crm_id: 42\n"]))
        #expect(load.findings.count == 1)
        let finding = try #require(load.findings.first)
        #expect(finding.severity == .warning && finding.rule == "unknown-field")
        #expect(finding.message.contains("did you mean 'stage'"))
        #expect(finding.location == SourceLocation(file: "accounts.yaml", line: 3, column: 5))
        #expect(load.workspace.account("acme")?.extraFields.map(\.value) == ["stgae", "crm_id"])
    }

    @Test func aListWhereTheMappingBelongsIsExplained() throws {
        let load = WorkspaceLoader.load(from: MemorySource(["accounts.yaml": "accounts:\n  - acme\n  - globex\n"]))
        let finding = try #require(load.findings.first)
        #expect(finding.rule == "file-shape" && finding.location.line == 2)
        #expect(finding.message.contains("mapping keyed by account id"))
    }

    @Test func badAccountIdsAreRefused() {
        let load = WorkspaceLoader.load(from: MemorySource(["accounts.yaml": "accounts:\n  ../etc:\n    tier: 1\n  Acme:\n    tier: 1\n"]))
        #expect(load.findings.map(\.rule) == ["id-syntax", "id-syntax"])
        #expect(load.findings.map(\.location.line) == [2, 4])
    }

    @Test func planSectionsAndBlocksCarryFileLines() throws {
        var findings: [Finding] = []
        let input = PlanInput(path: "accounts/acme-corp.md", kind: .account, bytes: Array(Self.plan.utf8))
        let plan = try #require(input.plan(findings: &findings))
        #expect(findings.isEmpty)
        #expect(plan.title == "Acme Corp — strategic account plan")
        #expect(plan.frontMatterLines == 2..<6)
        #expect(plan.frontMatter?["account"]?.line == 2)
        #expect(plan.frontMatter?["stakeholders"]?.items?.first?["role"]?.line == 5)
        #expect(plan.sections.map(\.title) == ["Summary", "Plays"])
        #expect(plan.sections.map(\.lines) == [9..<12, 12..<19])
        let list = try #require(plan.blocks.first { if case .list = $0.kind { return true } else { return false } })
        guard case .list(let items) = list.kind else { return }
        #expect(items.map(\.checked) == [false, true])
        #expect(items.map(\.lines) == [13..<14, 14..<16])  // cmark-gfm counts the blank line after the list into its last item
        let table = try #require(plan.blocks.first { if case .table = $0.kind { return true } else { return false } })
        guard case .table(let rows) = table.kind else { return }
        #expect(rows.count == 2)  // header + one body row (cmark-gfm does not report the delimiter row)
    }

    @Test func planFactsKeepWhatCrossFileRulesNeed() throws {
        let load = WorkspaceLoader.load(from: MemorySource(["accounts/acme-corp.md": Self.plan]))
        #expect(load.findings.isEmpty)
        let facts = try #require(load.workspace.plan(.account, "acme-corp"))
        #expect(facts.frontMatterLine == 2)
        #expect(facts.titleLine == 7)
        #expect(facts.sections == ["summary", "plays"])
        #expect(facts.stakeholderCount == 1)
        #expect(facts.stakeholdersKey == SourceLocation(file: "accounts/acme-corp.md", line: 3, column: 1))
        #expect(facts.owner == nil && facts.clusterField == nil)
    }

    @Test func brokenFrontMatterPointsAtTheFileLine() throws {
        let load = WorkspaceLoader.load(from: MemorySource(["accounts/a.md": "---\naccount: a\nkpis: [1\n---\n# A\n"]))
        let finding = try #require(load.findings.first)
        #expect(finding.location.file == "accounts/a.md")
        #expect(finding.location.line >= 3)
    }

    @Test func leftoverConflictMarkersAreErrors() {
        let text = "accounts:\n<<<<<<< ours\n  a: {tier: 1}\n=======\n  a: {tier: 2}\n>>>>>>> theirs\n"
        let load = WorkspaceLoader.load(from: MemorySource(["accounts.yaml": text]))
        #expect(load.findings.map(\.rule) == ["conflict-marker"])
        #expect(load.findings.map(\.location.line) == [2])
    }

    @Test func unsafeFilesAreRefusedUnread() {
        let big = MemorySource(bytes: ["accounts/big.md": Array(repeating: UInt8(ascii: "a"), count: WorkspaceFile.maxPlanBytes + 1)])
        #expect(WorkspaceLoader.load(from: big).findings.map(\.rule) == ["file-too-large"])
        let binary = MemorySource(bytes: ["team.yaml": [0x70, 0x3A, 0x00]])
        #expect(WorkspaceLoader.load(from: binary).findings.map(\.rule) == ["file-binary"])
    }

    @Test func identifiers() {
        #expect(Identifier.isValid("acme-corp"))
        #expect(Identifier.isValid("a1"))
        for bad in ["", "Acme", "a/b", "..", "a--b", "-a", "a-", "a_b", String(repeating: "a", count: 65)] {
            #expect(!Identifier.isValid(bad), "\(bad)")
        }
        #expect(Identifier.suggest(from: "Acme Corp.") == "acme-corp")
    }

    @Test func datesAreStrictAndCountDays() {
        #expect(PlanDate("2026-02-29") == nil)
        #expect(PlanDate("2024-02-29") != nil)
        #expect(PlanDate("2026-1-01") == nil)
        let a = PlanDate(year: 2026, month: 1, day: 1)!
        let b = PlanDate(year: 2026, month: 12, day: 31)!
        #expect(PlanDate.days(from: a, to: b) == 364)
        #expect(PlanDate(dayNumber: a.dayNumber) == a)
        #expect(a.description == "2026-01-01")
    }
}

extension WorkspaceLoaderTests {
    /// Plans are parsed on several cores; what comes out must not depend on it.
    @Test func parallelPlanLoadingKeepsPathOrder() {
        var files = ["abmsync.yaml": Self.policy, "team.yaml": Self.team, "accounts.yaml": Self.accounts]
        let count = WorkspaceLoader.planBatchSize + 300
        for index in 0..<count {
            let id = String(format: "plan-%05d", index)
            files["accounts/\(id).md"] =
                index % 7 == 0
                ? "---\naccount: \(id)\naccount: twice\n---\n# T\n" : "---\naccount: \(id)\n---\n# T\n\n## Summary\nx\n"
        }
        let load = WorkspaceLoader.load(from: MemorySource(files))
        #expect(load.workspace.plans.count == count)
        let paths = load.workspace.plans.map(\.path)
        #expect(paths == paths.sorted())
        let duplicateFindings = load.findings.filter { $0.rule == "yaml-duplicate-key" }.map(\.location.file)
        #expect(duplicateFindings.count == (count + 6) / 7)
        #expect(duplicateFindings == duplicateFindings.sorted())
        var serial: [Finding] = []
        for path in files.keys.sorted() where path.hasPrefix("accounts/") {
            let input = PlanInput(path: path, kind: .account, bytes: Array(files[path, default: ""].utf8))
            serial += PlanInput.load(input).findings
        }
        #expect(load.findings.filter { $0.location.file.hasPrefix("accounts/") } == serial)
    }
}
