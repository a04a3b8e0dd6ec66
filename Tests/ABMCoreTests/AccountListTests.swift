@testable import ABMCore
import Foundation
import PropertyBased
import Testing

/// accounts.yaml read entry by entry (`AccountList`) must give exactly what parsing the whole file
/// gives — the same accounts and the same findings at the same lines — reuse every entry whose text
/// is unchanged however far it moved, and step aside for files its scan cannot vouch for.
@Suite struct AccountListTests {
    static let varied = """
        # The shared account list.
        accounts:
          acme-corp:
            name: Acme Corp
            domain: acme.com
            tier: 1
            ae: jane            # person id, role ae
            marketer: sam
            sponsor: vp
            stage: evaluation
            acv: 450000
            reviewed: 2026-10-01
            tier_since: 2026-01-15
            strategic: true
            intent: 72
            roles: [ae, sdr]

          # fintech cluster
          globex:
            name: 'Globex ''EMEA'''
            tier: 2
            cluster: fintech-emea
            stgae: engaged
            acv: lots
          Bad_Id:
            tier: 3
          initech:
            name: "Initech — Zürich"
            tier: 7
            cycle_months: 900
            reviewed: 2026-13-01
            owner:
              team: emea
              since: 2026-01-01
          empty-entry:
          nameless:
            tier:
            ae: ''
            strategic: maybe
        # trailing comment

        """

    static func whole(_ text: String) -> (accounts: [Account], findings: [Finding]) {
        let load = WorkspaceLoader.accounts(Array(text.utf8))
        return (load.accounts, load.findings)
    }

    @Test func entryByEntryReadsAsTheWholeFile() throws {
        let list = try #require(AccountList.read(Array(Self.varied.utf8), previous: nil))
        let whole = Self.whole(Self.varied)
        #expect(list.accounts == whole.accounts)
        #expect(list.findings == whole.findings)
        #expect(whole.findings.count >= 6)  // the fixture does exercise the reader's findings
        #expect(list.parsedCount == 6)
        // Kept in a parse record and read back, the entries give the same again.
        let record = FileParse(fingerprint: "x", accountList: list)
        let decoded = try #require(record.accountList())
        #expect(decoded.accounts == whole.accounts)
        #expect(decoded.findings == whole.findings)
        guard case .accounts(let accounts, let findings)? = record.result(path: WorkspaceFile.accounts) else {
            Issue.record("no accounts in the record")
            return
        }
        #expect(accounts == whole.accounts)
        #expect(findings == whole.findings)
    }

    @Test func filesTheScanCannotVouchForAreParsedWhole() {
        let refused = [
            "accounts:\n  acme: {name: Acme, tier: 1}\n",  // flow mapping
            "accounts:\n  acme: &a\n    tier: 1\n  beta: *a\n",  // anchors
            "accounts:\n  acme:\n    tier: 1\n  acme:\n    tier: 2\n",  // the same id twice
            "accounts:\n  acme:\n    tier: 1\n    tier: 2\n",  // a key twice in an entry
            "accounts:\n  acme:\n\ttier: 1\n",  // tab
            "accounts:\r\n  acme:\r\n    tier: 1\r\n",  // CRLF
            "\u{FEFF}accounts:\n  acme:\n    tier: 1\n",  // byte order mark
            "accounts:\n  acme:\n    notes: |\n      text\n",  // block scalar
            "accounts:\n<<<<<<< ours\n  acme:\n    tier: 1\n=======\n  acme:\n    tier: 2\n>>>>>>> theirs\n",
            "accounts:\n  - acme\n",  // a list
            "", "# only a comment\n", "accounts: {}\n",
        ]
        for text in refused {
            #expect(AccountList.read(Array(text.utf8), previous: nil) == nil, "\(text.debugDescription)")
        }
        var invalid = Array("accounts:\n  acme:\n    name: x\n".utf8)
        invalid.insert(0xFF, at: invalid.count - 2)
        #expect(AccountList.read(invalid, previous: nil) == nil)
    }

    /// One generated account entry: its id and field lines.
    struct Entry {
        var key: String
        var lines: [String]
        var text: String { (["  \(key):"] + lines.map { "    " + $0 }).joined(separator: "\n") + "\n" }
    }

    static func file(_ entries: [Entry], comments: [Int: String] = [:]) -> String {
        var text = "accounts:\n"
        for (index, entry) in entries.enumerated() {
            if let comment = comments[index] { text += comment }
            text += entry.text
        }
        return text
    }

    static func randomEntry(_ key: String, using rng: inout Xoshiro) -> Entry {
        var lines = ["name: Account \(key)", "tier: \(Int.random(in: 1...4, using: &rng))"]
        let optional = [
            "ae: jane", "marketer: sam", "acv: \(Int.random(in: 0...900_000, using: &rng))", "stage: engaged",
            "reviewed: 2026-0\(Int.random(in: 1...9, using: &rng))-01", "acv: many", "stgae: won", "cluster: fintech",
            "domain: \(key).example.com", "intent: 101", "roles: [ae, sdr]", "notes: 'It''s a \"deal\"'",
        ]
        for line in optional where Bool.random(using: &rng) && !lines.contains(where: { $0.hasPrefix(line.prefix(4)) }) {
            lines.append(line)
        }
        return Entry(key: key, lines: lines)
    }

    @Test func editsReparseOnlyTheEntriesTheyTouch() {
        var rng = Xoshiro(seed: (20_261_122, 3, 5, 7))
        var entries = (0..<40).map { Self.randomEntry("account-\($0)", using: &rng) }
        var text = Self.file(entries)
        var previous = AccountList.read(Array(text.utf8), previous: nil)
        #expect(previous != nil)
        var nextKey = 40
        for round in 0..<60 {
            var touched: Set<String> = []
            var comments: [Int: String] = [:]
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let position = Int.random(in: 0..<entries.count, using: &rng)
                switch Int.random(in: 0..<6, using: &rng) {
                case 0:  // a field changed
                    let key = entries[position].key
                    entries[position] = Self.randomEntry(key, using: &rng)
                    touched.insert(key)
                case 1:  // an account added, moving every entry below it
                    let entry = Self.randomEntry("new-\(nextKey)", using: &rng)
                    nextKey += 1
                    entries.insert(entry, at: position)
                    touched.insert(entry.key)
                case 2:  // an account removed
                    if entries.count > 5 { entries.remove(at: position) }
                case 3:  // an account moved elsewhere in the list
                    let entry = entries.remove(at: position)
                    entries.insert(entry, at: Int.random(in: 0...entries.count, using: &rng))
                case 4:  // comment lines above an entry (not part of it)
                    comments[position] = "  # note \(round)\n\n"
                default:  // renamed
                    let entry = Entry(key: entries[position].key + "-x", lines: entries[position].lines)
                    entries[position] = entry
                    touched.insert(entry.key)
                }
            }
            text = Self.file(entries, comments: comments)
            // Through a parse record, as the cache keeps it between runs.
            let earlier = previous.map { FileParse(fingerprint: "r\(round)", accountList: $0).accountList() } ?? nil
            let list = AccountList.read(Array(text.utf8), previous: earlier)
            guard let list else {
                Issue.record("round \(round): the scan refused a generated file")
                return
            }
            let whole = Self.whole(text)
            #expect(list.accounts == whole.accounts, "round \(round)")
            #expect(list.findings == whole.findings, "round \(round)")
            // Exactly the entries whose text is new were parsed.
            let earlierTexts = Set((earlier?.entries ?? []).map(\.digest))
            let expected = list.entries.filter { !earlierTexts.contains($0.digest) }.count
            #expect(list.parsedCount == expected, "round \(round)")
            #expect(list.parsedCount <= touched.count, "round \(round)")
            previous = list
        }
    }
}
