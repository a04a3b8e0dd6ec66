@testable import ABMCore
import ABMSync
import Foundation
import PropertyBased
import Testing

/// The accounts.yaml fast path (KeyedBlockFastPath) must give the full path's outcome byte for byte,
/// and step aside whenever its line scan cannot vouch for a file.
@Suite struct KeyedBlockFastPathTests {
    static func full(_ base: String, _ ours: String, _ theirs: String, path: String = "accounts.yaml") -> MergeOutcome {
        StructuredMerge.merge(
            path: path, base: base, ours: ours, theirs: theirs, lineMerger: GitLineMerger(), fastPath: false)
    }

    static func fast(_ base: String, _ ours: String, _ theirs: String, containerKey: String = "accounts") -> MergeOutcome? {
        let merger = YAMLMerger(
            file: "accounts.yaml", lineMerger: GitLineMerger(), lineBreak: "\n", containerKeys: [containerKey])
        return KeyedBlockFastPath(containerKey: containerKey, merger: merger)
            .merge(base: base, ours: ours, theirs: theirs, finalLineBreak: finalLineBreak(base, ours, theirs))
    }

    static func finalLineBreak(_ base: String, _ ours: String, _ theirs: String) -> Bool {
        let (b, o, t) = (base.hasSuffix("\n"), ours.hasSuffix("\n"), theirs.hasSuffix("\n"))
        return o == b ? t : o
    }

    /// Fast and full path agree, and the fast path was taken (or not, as `taken` says).
    static func expectSame(_ base: String, _ ours: String, _ theirs: String, taken: Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let full = full(base, ours, theirs)
        let viaMerge = merge("accounts.yaml", base: base, ours: ours, theirs: theirs)
        #expect(viaMerge == full, sourceLocation: sourceLocation)
        let fast = fast(base, ours, theirs)
        #expect((fast != nil) == taken, sourceLocation: sourceLocation)
        if let fast { #expect(fast == full, sourceLocation: sourceLocation) }
    }

    static let base = """
        # The shared account list.
        accounts:
          acme-corp:
            name: Acme Corp
            tier: 1
            ae: jane            # person id, role ae
            stage: evaluation   # one of abmsync.yaml stages
            acv: 450000
            roles: [ae, sdr]

          # fintech cluster
          globex:
            name: 'Globex ''EMEA'''
            tier: 2
            cluster: fintech-emea
            stage: engaged
          initech:
            name: "Initech"
            tier: 3
            notes: R&D, AT&T [old]; see http://x.example
            owner:
              team: emea
              since: 2026-01-01
        # trailing comment

        """

    @Test func oneSidedEditsAndAdditionsTakeTheFastPath() {
        let ours = Self.base.replacingOnce("stage: evaluation", with: "stage: won")
            .replacingOnce("# trailing comment", with: "  zeta:\n    tier: 3\n# trailing comment")
        let theirs = Self.base.replacingOnce("stage: engaged", with: "stage: lost")
            .replacingOnce("  globex:", with: "  beta:\n    tier: 2\n  globex:")
        Self.expectSame(Self.base, ours, theirs, taken: true)
        #expect(Self.fast(Self.base, ours, theirs)?.isClean == true)
    }

    @Test func entriesChangedOnBothSidesMergeOneLevelDown() {
        let ours = Self.base.replacingOnce("tier: 1", with: "tier: 2").replacingOnce("team: emea", with: "team: apac")
        let theirs = Self.base.replacingOnce("acv: 450000", with: "acv: 500000")
            .replacingOnce("roles: [ae, sdr]", with: "roles: [ae, sdr, exec]")
            .replacingOnce("since: 2026-01-01", with: "since: 2026-02-01")
        Self.expectSame(Self.base, ours, theirs, taken: true)
        #expect(Self.fast(Self.base, ours, theirs)?.text.contains("roles: [ae, sdr, exec]") == true)
    }

    @Test func conflictsDeletionsAndCommentsAreTheFullPaths() {
        let ours = Self.base.replacingOnce("stage: evaluation", with: "stage: won")
            .replacingOnce("  # fintech cluster\n", with: "  # fintech, ours\n")
            .replacingOnce("    tier: 3\n    notes", with: "    tier: 2\n    notes")
        let theirs = Self.base.replacingOnce("stage: evaluation", with: "stage: lost")
            .replacingOnce("  # fintech cluster\n", with: "  # fintech, theirs\n")
        Self.expectSame(Self.base, ours, theirs, taken: true)
        #expect(Self.full(Self.base, ours, theirs).isClean == false)
        // Deleted on one side, changed on the other; deleted on one side only.
        let deleting = Self.base.replacingOnce("  initech:\n    name: \"Initech\"\n    tier: 3\n    notes: R&D, AT&T [old]; see http://x.example\n    owner:\n      team: emea\n      since: 2026-01-01\n", with: "")
        let changing = Self.base.replacingOnce("team: emea", with: "team: apac")
        Self.expectSame(Self.base, deleting, changing, taken: true)
        Self.expectSame(Self.base, changing.replacingOnce("stage: engaged", with: "stage: won"), deleting.replacingOnce("tier: 1", with: "tier: 3"), taken: true)
    }

    @Test func unusualFilesFallBackToTheFullPath() {
        let edit = { (text: String) in text.replacingOnce("stage: engaged", with: "stage: won") }
        let other = { (text: String) in text.replacingOnce("acv: 450000", with: "acv: 1") }
        let unusual = [
            ("flow mapping", "accounts: {}\n"),
            ("anchor", "  extra:\n    owner: &o jane\n"),
            ("alias", "  extra:\n    owner: *o\n"),
            ("tag", "  extra:\n    tier: !!str 3\n"),
            ("tab", "  extra:\n    tier:\t3\n"),
            ("odd indentation", "   extra:\n    tier: 3\n"),
            ("duplicate account", "  globex:\n    tier: 3\n"),
            ("duplicate field", "  extra:\n    tier: 3\n    tier: 2\n"),
            ("block scalar", "  extra:\n    notes: |\n      text\n"),
            ("multi-line quote", "  extra:\n    notes: \"text\n      more\"\n"),
            ("multi-line plain", "  extra:\n    notes: text\n      more\n"),
            ("escape", "  extra:\n    notes: \"a\\tb\"\n"),
            ("sequence", "  extra:\n    tags:\n      - a\n"),
            ("multi-line flow list", "  extra:\n    tags: [a,\n      b]\n"),
            ("value on entry line", "  extra: 3\n"),
            ("mapping value in plain", "  extra:\n    notes: a: b\n"),
            ("deeper without key", "  extra:\n    tier: 3\n      owner: x\n"),
            ("document end", "...\n"),
            ("another top-level key", "version: 2\n"),
            ("quote followed by text", "  extra:\n    name: 'a' b\n"),
            ("container key as id", "  accounts:\n    tier: 3\n"),
            ("line separator", "  extra:\n    name: a\u{2028}b\n"),
        ]
        for (what, addition) in unusual {
            let ours = edit(Self.base) + addition
            let theirs = other(Self.base)
            #expect(KeyedBlockScan(ours, containerKey: "accounts") == nil, "\(what)")
            Self.expectSame(Self.base, ours, theirs, taken: false)
            Self.expectSame(Self.base + addition, edit(Self.base) + addition, other(Self.base) + addition, taken: false)
        }
        #expect(KeyedBlockScan("\u{FEFF}" + Self.base, containerKey: "accounts") == nil)
        #expect(KeyedBlockScan("---\n" + Self.base, containerKey: "accounts") == nil)
        #expect(KeyedBlockScan(Self.base.replacingOccurrences(of: "\n", with: "\r\n"), containerKey: "accounts") == nil)
        #expect(KeyedBlockScan("accounts:\n", containerKey: "accounts") == nil)
        #expect(KeyedBlockScan(Self.base, containerKey: "people") == nil)
        #expect(KeyedBlockScan(Self.base, containerKey: "accounts") != nil)
    }

    /// `YAMLDocument`'s line-scan shortcut gives the spans the full parse gives (1-based file lines).
    static func expectSameSpans(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let document = YAMLDocument(bytes: Array(text.utf8))
        let parsed = document.parsedEntries(under: "accounts")
        #expect(parsed != nil, sourceLocation: sourceLocation)
        #expect(document.entries(under: "accounts") == parsed, sourceLocation: sourceLocation)
        for span in parsed ?? [] {
            let lines = TextLines(text)
            #expect(Array(text.utf8)[span.bytes] == Array(lines.text(span.lines).utf8)[...], sourceLocation: sourceLocation)
            #expect(lines[span.keyLine].drop { $0 == " " }.hasPrefix(span.key), sourceLocation: sourceLocation)
        }
    }

    @Test func documentEntriesAreTheParsedSpans() {
        Self.expectSameSpans(Self.base)
        Self.expectSameSpans("# accounts\n\naccounts:\n  # first\n  a:\n    tier: 1\n\n  b:\n    tier: 2\n    # about b\n# end\n")
        // Files the scan is unsure of still have entries, from the full parse.
        let document = YAMLDocument(bytes: Array((Self.base + "  extra:\n    notes: |\n      text\n").utf8))
        #expect(document.entries(under: "accounts")?.last?.key == "extra")
        #expect(YAMLDocument(bytes: Array((Self.base + "  globex:\n    tier: 3\n").utf8)).entries(under: "accounts") == nil)
        #expect(YAMLDocument(bytes: Array("accounts: {a: 1}\n".utf8)).entries(under: "accounts") == nil)
    }

    @Test func bothSidesMakingTheSameChangeIsOneChange() {
        let base = "accounts:\n  a:\n    tier: 1\n  b:\n    tier: 2\n"
        let ours = "accounts:\n  a:\n    tier: 1\n    stage: won\n  b:\n    tier: 2\n"
        let theirs = "accounts:\n  a:\n    tier: 1\n    stage: won\n  b:\n    tier: 3\n"
        Self.expectSame(base, ours, theirs, taken: true)
    }

    /// A longer list with edits on both sides that overlap: same account, other field (merged one
    /// level down); same field (conflict); deleted on one side and changed on the other; additions.
    @Test func longListWithOverlappingEdits() {
        func account(_ i: Int, stage: String = "target", tier: Int? = nil, extra: String = "") -> String {
            (i % 5 == 0 ? "  # account \(i)\n" : "") + "  acct-\(i):\n    name: Account \(i)\n    tier: \(tier ?? i % 3 + 1)\n"
                + "    stage: \(stage)\n" + extra
        }
        let count = 300
        let base = "# accounts\naccounts:\n" + (0..<count).map { account($0) }.joined()
        let ours = "# accounts\naccounts:\n" + (0..<count).compactMap { i -> String? in
            if i == 40 { return nil }
            return i % 7 == 0 ? account(i, stage: "engaged") : account(i)
        }.joined() + account(900)
        let theirs = "# accounts, theirs\naccounts:\n" + (0..<count).map { i -> String in
            if i % 11 == 0 { return account(i, tier: 1, extra: "    intent: 50\n") }
            if i % 13 == 0 { return account(i, stage: "won") }
            return account(i)
        }.joined() + account(901)
        Self.expectSame(base, ours, theirs, taken: true)
        #expect(Self.full(base, ours, theirs).conflicts.count > 0)
        let cleanTheirs = theirs.replacingOccurrences(of: "stage: won", with: "stage: engaged")
        Self.expectSame(base, ours, cleanTheirs, taken: true)
        #expect(Self.fast(base, ours, cleanTheirs)?.isClean == true)
    }

    /// Random edits of a generated accounts.yaml: the fast path, when it answers, gives the full path's outcome.
    @Test func fastPathMatchesFullPathOnRandomEdits() async {
        let edits = Gen.int(in: 0...999).array(of: 0...8)
        await propertyCheck(count: 300, input: Gen.int(in: 0...999), edits, edits) { seed, oursOps, theirsOps in
            let base = MergePropertyTests.variant(seed, []).text
            let x = MergePropertyTests.variant(seed, oursOps).text
            let y = MergePropertyTests.variant(seed, theirsOps).text
            let full = Self.full(base, x, y)
            #expect(merge("accounts.yaml", base: base, ours: x, theirs: y) == full)
            if let fast = Self.fast(base, x, y) { #expect(fast == full) }
            #expect(KeyedBlockScan(x, containerKey: "accounts") != nil)
            Self.expectSameSpans(x)
        }
    }
}
