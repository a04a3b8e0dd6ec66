import Testing

@testable import ABMCache
@testable import ABMCore

/// The parse cache's records are looked up in the cache's bytes (`ParseRecords`) and the files'
/// fingerprints in a sorted table (`FileFingerprints`): both must answer exactly as the dictionaries
/// they replace, and damaged bytes must never crash a run.
@Suite struct ParseRecordsTests {
    static let files: [String: String] = [
        "abmsync.yaml": "version: 1\n",
        "team.yaml": "people:\n  jane: {name: Jane Doe, email: jane@example.com, roles: [ae]}\n",
        // Block style: its record holds the entries one by one (`AccountList`).
        "accounts.yaml": "accounts:\n  acme:\n    name: Acme\n    tier: 1\n    ae: jane\n  beta:\n    tier: 3\n    colour: blue\n",
        "accounts/acme.md": "---\naccount: acme\nstakeholders:\n  - {name: P, role: champion}\n---\n# Acme\n\n## Summary\nText.\n",
        "accounts/beta.md": "---\naccount: beta\nkpis: [broken\n---\n# Beta\n",
        "accounts/b.md": "no front matter\n",
        "accounts/café.md": "---\naccount: café\n---\n# Café\n",
        "accounts/z-1.md": "---\naccount: z-1\n---\n# Z\n## Summary\n",
        "clusters/fintech.md": "---\ncluster: fintech\nowner: jane\n---\n# Fintech\n",
        "programs/emea.md": "---\nprogram: emea\n---\n# EMEA\n",
    ]

    /// The records a run makes for `files`.
    static func records() -> [String: FileParse] {
        let fingerprints = files.mapValues { "fp-\(StableHash.digest(of: Array($0.utf8)))" }
        return RecordedFiles.read(
            from: MemorySource(files), reusing: ParseReuse(fingerprints: fingerprints, previous: [:])
        ).allRecords
    }

    static let memo = ValidationMemo(
        signature: 42,
        findings: [Finding(.warning, rule: "tier-capacity", at: SourceLocation(file: "accounts.yaml", line: 3), "too many")],
        accountNames: ["acme": "Acme"],
        units: ValidationUnits(
            shared: 1, across: 2, accounts: [ValidationUnits.AccountUnit(key: "acme", lineOffset: 1, inputs: 3)],
            plans: [ValidationUnits.PlanUnit(path: "accounts/acme.md", inputs: 4)], owners: [.across(anchor: "acme")]))

    static func expectSame(_ found: FileParse?, _ expected: FileParse, path: String) {
        guard let found else {
            Issue.record("no record for \(path)")
            return
        }
        #expect(found.fingerprint == expected.fingerprint, "\(path)")
        #expect(found.findings == expected.findings, "\(path)")
        #expect(found.digest == expected.digest, "\(path)")
        #expect(found.isAccounts == expected.isAccounts, "\(path)")
        switch (found.result(path: path), expected.result(path: path)) {
        case (.plan(let a, let aFindings)?, .plan(let b, let bFindings)?):
            #expect(a == b && aFindings == bFindings, "\(path)")
        case (.accounts(let a, let aFindings)?, .accounts(let b, let bFindings)?):
            #expect(a == b && aFindings == bFindings, "\(path)")
        default:
            Issue.record("results differ for \(path)")
        }
    }

    @Test func lookUpsFindExactlyTheRecordsOfTheDictionary() {
        let records = Self.records()
        #expect(records.count == Self.files.count - 2)  // all but policy and team
        #expect(records.values.contains { !$0.findings.isEmpty })
        let table = ParseRecords(records)
        #expect(table.count == records.count)
        #expect(Set(table.paths) == Set(records.keys))
        for (path, record) in records { Self.expectSame(table[path], record, path: path) }
        for absent in ["", "a", "accounts", "accounts/", "accounts/acme", "accounts/acme.mdx", "accounts/caf.md", "zzz", "0"] {
            #expect(table[absent] == nil, "\(absent)")
        }
        // Asked in any order, the moving hint gives the same answers.
        var hint = 0
        for path in records.keys.shuffled() + ["missing", "accounts/a"] + table.paths + table.paths.reversed() {
            #expect(table.record(for: path, hint: &hint)?.digest == records[path]?.digest, "\(path)")
        }
        #expect(ParseRecords().isEmpty && ParseRecords()["accounts/acme.md"] == nil)
        #expect(ParseRecords([:]).isEmpty)
    }

    @Test func recordsReadFromTheCacheAreWrittenBackAsTheSameBytes() throws {
        let records = Self.records()
        let bytes = ParseCacheCodec.encode(records, memo: Self.memo)
        let store = ByteStore(copying: bytes)
        let decoded = try #require(ParseCacheCodec.decodeWithMemo(store, range: 0..<bytes.count))
        #expect(decoded.memo == Self.memo)
        var again: [String: FileParse] = [:]
        for path in decoded.parses.paths {
            let record = try #require(decoded.parses[path])
            Self.expectSame(record, try #require(records[path]), path: path)
            again[path] = record
        }
        #expect(ParseCacheCodec.encode(again, memo: Self.memo) == bytes)
        // No memo, no records.
        let empty = ParseCacheCodec.encode([:], memo: nil)
        let none = try #require(ParseCacheCodec.decodeWithMemo(ByteStore(copying: empty), range: 0..<empty.count))
        #expect(none.parses.isEmpty && none.memo == nil)
    }

    /// Past the cache file's checksum a damaged record cannot happen; should one, looking it up and
    /// reading it must still not trap.
    @Test func damagedRecordsNeverTrap() {
        let records = Self.records()
        let bytes = ParseCacheCodec.encode(records, memo: Self.memo)
        func use(_ damaged: [UInt8]) {
            guard let decoded = ParseCacheCodec.decodeWithMemo(ByteStore(copying: damaged), range: 0..<damaged.count)
            else { return }
            var hint = 0
            for path in records.keys.sorted() + decoded.parses.paths {
                guard let record = decoded.parses.record(for: path, hint: &hint) else { continue }
                _ = record.fingerprint
                _ = record.hasFingerprint(Array("fp".utf8)[...])
                _ = record.result(path: path)
                var writer = ByteWriter()
                record.appendEncoded(to: &writer)
                _ = record.accountList()?.accounts
                _ = record.accountList()?.findings
            }
        }
        for length in 0..<bytes.count { use(Array(bytes.prefix(length))) }
        for position in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[position] ^= flip
                use(damaged)
            }
        }
    }

    @Test func fingerprintsAnswerAsTheirDictionary() {
        let dictionary = [
            "team.yaml": "t", "abmsync.yaml": "p", "accounts.yaml": "l", "accounts/b.md": "2", "accounts/a.md": "1",
            "accounts/é.md": "3", "accounts/z.md": "", "clusters/c.md": "stat:1:2:3:4:5.6:7.8", "accounts/a.mdx": "4",
        ]
        let table = FileFingerprints(dictionary)
        #expect(table.count == dictionary.count)
        #expect(table.paths == dictionary.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        for (path, fingerprint) in dictionary { #expect(table[path] == fingerprint, "\(path)") }
        for absent in ["", "accounts", "accounts/", "accounts/c.md", "zzz", "Team.yaml"] { #expect(table[absent] == nil) }
        #expect(FileFingerprints().isEmpty && FileFingerprints()["team.yaml"] == nil)

        // In order, out of order, a path given twice (the last one counts).
        var builder = FileFingerprints.Builder(capacity: 4, length: 1)
        for (path, fingerprint) in [("b", "1"), ("a", "2"), ("c", "3"), ("b", "4"), ("a", "5")] { builder.add(path, fingerprint) }
        let built = builder.build()
        #expect(built.paths == ["a", "b", "c"])
        #expect(built["a"] == "5" && built["b"] == "4" && built["c"] == "3")
        var sorted = FileFingerprints.Builder()
        sorted.add("a") { $0.append(contentsOf: "x".utf8) }
        sorted.add("b", "y")
        #expect(sorted.build().paths == ["a", "b"] && sorted.build()["a"] == "x")

        var hint = 0
        for path in table.paths + dictionary.keys.shuffled() + ["nope"] + table.paths.reversed() {
            let position = table.position(of: path, hint: &hint)
            #expect(position.map { String(decoding: table.fingerprint(at: $0), as: UTF8.self) } == dictionary[path])
        }
    }

    @Test(arguments: [
        "a.md", ".md", "md", "", "a.MD", "a.md.txt", "a.mdx", "é.md", "e\u{301}.md", "x\u{0600}.md", "\u{200D}.md",
        "a.md\u{301}", "a.m\u{301}d", "accounts/acme.md", "日本.md",
    ])
    func planExtensionAsHasSuffixSaysIt(_ name: String) {
        #expect(WorkspaceFile.hasPlanExtension(name) == name.hasSuffix(".md"))
    }
}
