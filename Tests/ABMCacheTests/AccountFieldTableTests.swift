import Foundation
import Testing

@testable import ABMCache
@testable import ABMCore

/// `AccountFields.all` is the one list of account fields: the committed JSON Schema and the field list
/// of Docs/FileFormat.md are what it generates, and every row is read, required, cached and digested
/// through it. Rerecord the files with `ABMSYNC_RECORD=1 swift test --filter AccountFieldTableTests`;
/// recording still fails the test so the change gets reviewed.
@Suite struct AccountFieldTableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schemaFile = root.appendingPathComponent("templates/schemas/accounts.schema.json").path
    static let formatFile = root.appendingPathComponent("Docs/FileFormat.md").path
    static let begin = "<!-- generated from AccountFields.all: ABMSYNC_RECORD=1 swift test --filter AccountFieldTableTests -->\n"
    static let end = "<!-- end of the generated field list -->\n"

    static var recording: Bool { ProcessInfo.processInfo.environment["ABMSYNC_RECORD"] != nil }

    @Test func theCommittedSchemaIsTheOneTheTableGenerates() throws {
        let generated = AccountFields.jsonSchema.pretty()
        if Self.recording {
            try generated.write(toFile: Self.schemaFile, atomically: true, encoding: .utf8)
            Issue.record("recorded \(Self.schemaFile); review it, then run again without ABMSYNC_RECORD")
            return
        }
        let committed = try String(contentsOfFile: Self.schemaFile, encoding: .utf8)
        #expect(committed == generated, "templates/schemas/accounts.schema.json differs from AccountFields.jsonSchema")
        // And it is JSON that lists every field.
        let object = try #require(JSONSerialization.jsonObject(with: Data(generated.utf8)) as? [String: Any])
        let definitions = try #require(object["definitions"] as? [String: Any])
        let account = try #require(definitions["account"] as? [String: Any])
        let properties = try #require(account["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(Account.knownFields))
    }

    @Test func theFileFormatFieldListIsTheOneTheTableGenerates() throws {
        let text = try String(contentsOfFile: Self.formatFile, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "Docs/FileFormat.md lacks the generated-list marker")
        let stop = try #require(text.range(of: Self.end, range: start.upperBound..<text.endIndex))
        let committed = String(text[start.upperBound..<stop.lowerBound])
        if Self.recording {
            let updated = text.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: AccountFields.markdownTable)
            try updated.write(toFile: Self.formatFile, atomically: true, encoding: .utf8)
            Issue.record("recorded \(Self.formatFile); review it, then run again without ABMSYNC_RECORD")
            return
        }
        #expect(committed == AccountFields.markdownTable, "Docs/FileFormat.md's field list differs from AccountFields.all")
    }

    /// A value each kind of field accepts.
    static func sample(_ field: AccountField) -> String {
        switch field.kind {
        case .text: return "Some \(field.key)"
        case .person: return "jane"
        case .plan: return "fintech"
        case .tier: return "1"
        case .number(_, let range, _): return String(range.lowerBound + 1)
        case .date: return "2026-01-15"
        case .flag: return "true"
        }
    }

    static let everyField =
        "accounts:\n  acme:\n" + AccountFields.all.map { "    \($0.key): \(sample($0))\n" }.joined()
        + "  empty:\n    tier: 3\n"

    @Test func everyRowIsReadAndRequirable() throws {
        let load = WorkspaceLoader.accounts(Array(Self.everyField.utf8))
        #expect(load.findings.isEmpty)
        let acme = try #require(load.accounts.first { $0.id.value == "acme" })
        let empty = try #require(load.accounts.first { $0.id.value == "empty" })
        for (line, field) in AccountFields.all.enumerated() {
            #expect(field.isFilled(in: acme), "\(field.key)")
            #expect(field.text(in: acme)?.location.line == line + 3, "\(field.key) is read at its line")
            #expect(TierRules.has(field.key, acme), "\(field.key)")
            #expect(field.key == "tier" || !TierRules.has(field.key, empty), "\(field.key)")
        }
        #expect(acme.owners.map(\.field) == ["ae", "marketer", "sponsor"])
        #expect(acme.extraFields.isEmpty)
    }

    @Test func everyRowSurvivesTheCache() throws {
        let files = ["accounts.yaml": Self.everyField]
        let fingerprints = files.mapValues { "fp-\(StableHash.digest(of: Array($0.utf8)))" }
        let records = RecordedFiles.read(
            from: MemorySource(files), reusing: ParseReuse(fingerprints: fingerprints, previous: [:])
        ).allRecords
        let bytes = ParseCacheCodec.encode(records, memo: nil)
        let decoded = try #require(ParseCacheCodec.decodeWithMemo(ByteStore(copying: bytes), range: 0..<bytes.count))
        let record = try #require(decoded.parses["accounts.yaml"])
        guard case .accounts(let accounts, _)? = record.result(path: "accounts.yaml"),
            case .accounts(let expected, _)? = try #require(records["accounts.yaml"]).result(path: "accounts.yaml")
        else {
            Issue.record("no accounts in the record")
            return
        }
        #expect(accounts == expected)
        #expect(accounts.count == 2)
    }
}
