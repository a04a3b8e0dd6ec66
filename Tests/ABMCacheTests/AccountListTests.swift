@testable import ABMCache
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

    /// The file's text around its entries: a header comment, comments above entries, a trailing
    /// comment, a final line break or not.
    struct Decor {
        var header = "# The shared account list.\n"
        /// Above the entry of that id.
        var comments: [String: String] = [:]
        var trailer = ""
        var finalLineBreak = true
    }

    static func file(_ entries: [Entry], _ decor: Decor = Decor()) -> String {
        var text = decor.header + "accounts:\n"
        for entry in entries {
            if let comment = decor.comments[entry.key] { text += comment }
            text += entry.text
        }
        text += decor.trailer
        if !decor.finalLineBreak, text.hasSuffix("\n") { text.removeLast() }
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
        var decor = Decor()
        var text = Self.file(entries, decor)
        var previous = AccountList.read(Array(text.utf8), previous: nil)
        #expect(previous != nil)
        var nextKey = 40
        var oneEntryEdits = 0
        var scannedLittle = 0
        for round in 0..<150 {
            var touched: Set<String> = []
            var duplicate = false
            let kind = Int.random(in: 0..<12, using: &rng)
            let position = Int.random(in: 0..<entries.count, using: &rng)
            switch kind {
            case 0, 1:  // a field changed
                let key = entries[position].key
                entries[position] = Self.randomEntry(key, using: &rng)
                touched.insert(key)
            case 2:  // an account added, moving every entry below it
                let entry = Self.randomEntry("new-\(nextKey)", using: &rng)
                nextKey += 1
                entries.insert(entry, at: position)
                touched.insert(entry.key)
            case 3:  // an account removed
                if entries.count > 5 { entries.remove(at: position) }
            case 4:  // an account moved elsewhere in the list
                let entry = entries.remove(at: position)
                entries.insert(entry, at: Int.random(in: 0...entries.count, using: &rng))
            case 5:  // comment lines above an entry, or not any more
                decor.comments = [entries[position].key: "  # note \(round)\n\n"]
            case 6:  // a comment inside an entry, deeper than its key
                entries[position].lines.append("# inner \(round)")
                touched.insert(entries[position].key)
            case 7:  // renamed
                let entry = Entry(key: entries[position].key + "-x", lines: entries[position].lines)
                entries[position] = entry
                touched.insert(entry.key)
            case 8:  // the header comment
                decor.header = Bool.random(using: &rng) ? "# Accounts, round \(round)\n" : ""
            case 9:  // a comment after the last entry
                decor.trailer = decor.trailer.isEmpty ? "# end of list\n" : ""
                // Without a final line break, the last entry's last line gains or loses its own.
                if !decor.finalLineBreak { touched.insert(entries[entries.count - 1].key) }
            case 10:  // the final line break
                decor.finalLineBreak.toggle()
                touched.insert(entries[entries.count - 1].key)
            default:  // an id listed twice (the file is then parsed whole), then put back
                duplicate = true
            }
            var current = entries
            if duplicate {
                current.insert(Entry(key: entries[position].key, lines: ["tier: 3"]), at: Int.random(in: 0...entries.count, using: &rng))
            }
            text = Self.file(current, decor)
            // Through a parse record, as the cache keeps it between runs.
            let earlier = previous.map { FileParse(fingerprint: "r\(round)", accountList: $0).accountList() } ?? nil
            let list = AccountList.read(Array(text.utf8), previous: earlier)
            if duplicate {
                #expect(list == nil, "round \(round): an id listed twice must be parsed whole")
                #expect(AccountList.read(Array(text.utf8), previous: nil) == nil)
                continue
            }
            guard let list else {
                Issue.record("round \(round): the scan refused a generated file")
                return
            }
            let whole = Self.whole(text)
            #expect(list.accounts == whole.accounts, "round \(round)")
            #expect(list.findings == whole.findings, "round \(round)")
            // The same entries, lines and digests as a read from scratch.
            let scratch = AccountList.read(Array(text.utf8), previous: nil)
            #expect(list.entries.map(\.key) == scratch?.entries.map(\.key), "round \(round)")
            #expect(list.entries.map(\.lineOffset) == scratch?.entries.map(\.lineOffset), "round \(round)")
            #expect(list.entries.map(\.digest) == scratch?.entries.map(\.digest), "round \(round)")
            // Exactly the entries whose text is new were parsed.
            let earlierTexts = Set((earlier?.entries ?? []).map(\.digest))
            let expected = list.entries.filter { !earlierTexts.contains($0.digest) }.count
            #expect(list.parsedCount == expected, "round \(round)")
            #expect(list.parsedCount <= touched.count, "round \(round) kind \(kind)")
            if [0, 1, 6].contains(kind) {
                oneEntryEdits += 1
                if list.scannedBytes * 4 < text.utf8.count { scannedLittle += 1 }
            }
            previous = list
        }
        // An edit inside one entry is found by comparing digests: only the stretch around it is
        // scanned (a whole scan follows only a change of header or trailer in the round before).
        #expect(scannedLittle * 10 >= oneEntryEdits * 9, "\(scannedLittle) of \(oneEntryEdits)")
    }
}
