/// The fast path for a big keyed list such as accounts.yaml: `accounts:` with thousands of entries,
/// of which a merge usually touches a few hundred.
///
/// Each side is cut into entries by a line scan instead of a parse. The scan accepts only a small,
/// plain subset of YAML (see `KeyedBlockScan`) for which the cut is the one `YAMLMappingLayout` makes
/// from the parsed document, every entry reads the same alone as in its file, and every line is
/// valid YAML. Entries are merged by the same code as the full path (`YAMLMerger.mergeKeyed`,
/// `mergeTrivia`, `mergeEntryBody`); only entries both sides changed are parsed, each on its own.
/// The result is checked like the full path's, entry by entry: entries whose text shows the right
/// value are not parsed, the others are parsed and given to `MergeCheck`.
///
/// The result is the full path's, byte for byte, or nil: anything the scan is unsure of, a side
/// without base, an entry that does not parse, a check that fails. Then the caller takes the full path.
struct KeyedBlockFastPath {
    let containerKey: String
    let merger: YAMLMerger

    func merge(base: String, ours: String, theirs: String, finalLineBreak: Bool) -> MergeOutcome? {
        guard let b = KeyedBlockScan(base, containerKey: containerKey),
            let o = KeyedBlockScan(ours, containerKey: containerKey),
            let t = KeyedBlockScan(theirs, containerKey: containerKey)
        else { return nil }
        var failed = false
        var out = MergedText(lineBreak: merger.lineBreak)
        // The root mapping, as `YAMLMerger.mergeMapping` merges it: it has one entry, the container.
        merger.mergeTrivia(
            base: b.text(b.rootLeader), ours: o.text(o.rootLeader), theirs: t.text(t.rootLeader), path: [],
            into: &out)
        // Text comparisons as the full path makes them (String ==), on the bytes when that is the same.
        func same(_ x: KeyedBlockScan, _ y: KeyedBlockScan, _ lines: (KeyedBlockScan) -> Range<Int>) -> Bool {
            KeyedBlockScan.bytesEqual(x.slice(lines(x)), y.slice(lines(y)))
                || (!(x.isASCII && y.isASCII) && x.text(lines(x)) == y.text(lines(y)))
        }
        if same(o, t, \.containerSpan) || same(t, b, \.containerSpan) {
            out.append(o.text(o.containerSpan))
        } else if same(o, b, \.containerSpan) {
            out.append(t.text(t.containerSpan))
        } else {
            // Changed on both sides: `mergeEntryBody` of the container (its path is [], as a container key's).
            var entry = MergedText(lineBreak: merger.lineBreak)
            merger.mergeTrivia(
                base: b.text(b.containerLeading), ours: o.text(o.containerLeading),
                theirs: t.text(t.containerLeading), path: [], into: &entry)
            var body = MergedText(lineBreak: merger.lineBreak)
            // `pickChanged` of the bodies.
            if same(o, t, \.containerBody) || same(t, b, \.containerBody) {
                body.append(o.text(o.containerBody))
            } else if same(o, b, \.containerBody) {
                body.append(t.text(t.containerBody))
            } else {
                // Block mappings with entries on all sides: `mergeEntryBody` goes straight to `mergeMapping`.
                guard let merged = mergeEntries(base: b, ours: o, theirs: t, failed: &failed) else { return nil }
                let keyLine = { (scan: KeyedBlockScan) in scan.text(scan.keyLine..<(scan.keyLine + 1)) }
                merger.mergeTrivia(base: keyLine(b), ours: keyLine(o), theirs: keyLine(t), path: [], into: &body)
                body.append(merged)
            }
            entry.append(body)
            out.append(entry)
        }
        merger.mergeTrivia(
            base: b.text(b.rootTrailer), ours: o.text(o.rootTrailer), theirs: t.text(t.rootTrailer), path: [],
            into: &out)
        guard !failed else { return nil }
        out.setFinalLineBreak(finalLineBreak)
        if out.conflicts.isEmpty, !checks(merged: out.text, base: b, ours: o, theirs: t) { return nil }
        return MergeOutcome(text: out.text, conflicts: out.conflicts)
    }

    /// The container's entries, as `YAMLMerger.mergeMapping` merges them (path []). Nil on a parse failure.
    private func mergeEntries(base b: KeyedBlockScan, ours o: KeyedBlockScan, theirs t: KeyedBlockScan, failed: inout Bool)
        -> MergedText?
    {
        var out = MergedText(lineBreak: merger.lineBreak)
        merger.mergeTrivia(
            base: b.text(b.leader), ours: o.text(o.leader), theirs: t.text(t.leader), path: [], into: &out)
        let (bPieces, oPieces, tPieces) = (b.pieces(), o.pieces(), t.pieces())
        var parseFailed = false
        // An account reads better by its name than by its id (ours' entry first, as `mergeMapping` does).
        let childPath = { (key: String) -> [String] in
            let text = o.index[key].map { oPieces[$0].text } ?? t.index[key].map { tPieces[$0].text }
            guard let text else { return [key] }
            guard let entry = Self.entryView(text) else {
                parseFailed = true
                return [key]
            }
            if let name = entry.value["name"]?.scalar?.text, !name.isEmpty { return [name] }
            return [key]
        }
        let keeps = YAMLMerger.keeps(base: { b.wholeText }, ours: { o.wholeText }, theirs: { t.wholeText })
        merger.mergeKeyed(base: bPieces, ours: oPieces, theirs: tPieces, into: &out, path: childPath, keeps: keeps) {
            bp, op, tp in
            var entry = MergedText(lineBreak: merger.lineBreak)
            let entryPath = childPath(op.key)
            guard let ov = Self.entryView(op.text), let tv = Self.entryView(tp.text) else {
                parseFailed = true
                return entry
            }
            var bv: EntryView?
            if let bp {
                guard let view = Self.entryView(bp.text) else {
                    parseFailed = true
                    return entry
                }
                bv = view
            }
            merger.mergeTrivia(base: bv?.leading, ours: ov.leading, theirs: tv.leading, path: entryPath, into: &entry)
            entry.append(merger.mergeEntryBody(base: bv, ours: ov, theirs: tv, path: entryPath))
            return entry
        }
        merger.mergeTrivia(
            base: b.text(b.trailer), ours: o.text(o.trailer), theirs: t.text(t.trailer), path: [], into: &out)
        if parseFailed {
            failed = true
            return nil
        }
        return out
    }

    /// The one entry of a piece of the container, parsed on its own.
    static func entryView(_ text: String) -> EntryView? {
        guard let document = try? YAMLParser.parse(text),
            let view = MappingView(document: document, lines: TextLines(text)), view.entries.count == 1
        else { return nil }
        return view.entries[0]
    }

    /// The full path's check of a clean result (`MergeCheck` on the re-parsed text), entry by entry:
    /// an entry that holds, as text, what a one-sided change or an unchanged entry must give is right;
    /// the others are parsed and checked as data. False when the full path is needed to decide.
    private func checks(merged text: String, base b: KeyedBlockScan, ours o: KeyedBlockScan, theirs t: KeyedBlockScan)
        -> Bool
    {
        guard let m = KeyedBlockScan(text, containerKey: containerKey) else { return false }
        let ascii = b.isASCII && o.isASCII && t.isASCII && m.isASCII
        func holds(_ key: String) -> Bool {
            let (bx, ox, tx, mx) = (b.entryBytes(key), o.entryBytes(key), t.entryBytes(key), m.entryBytes(key))
            // Same bytes, or else the same text as Swift compares it (as the full path does).
            func same(_ x: ArraySlice<UInt8>?, _ y: ArraySlice<UInt8>?) -> Bool {
                guard let x, let y else { return x == nil && y == nil }
                return KeyedBlockScan.bytesEqual(x, y)
                    || (!ascii && String(decoding: x, as: UTF8.self) == String(decoding: y, as: UTF8.self))
            }
            if (same(mx, ox) && same(tx, bx)) || (same(mx, tx) && same(ox, bx)) || (same(mx, ox) && same(ox, tx)) {
                return true
            }
            func value(_ bytes: ArraySlice<UInt8>?) -> YAMLNode?? {
                guard let bytes else { return .some(nil) }
                guard let entry = Self.entryView(String(decoding: bytes, as: UTF8.self)) else { return nil }
                return .some(entry.value)
            }
            guard let bv = value(bx), let ov = value(ox), let tv = value(tx), let mv = value(mx) else { return false }
            return MergeCheck.problem(base: bv, ours: ov, theirs: tv, merged: mv, path: [key]) == nil
        }
        // Every key of the result, then those of the sides that the result has not (a key twice is checked twice).
        for entry in m.entries where !holds(entry.key) { return false }
        for side in [b, o, t] {
            for entry in side.entries where m.index[entry.key] == nil && !holds(entry.key) { return false }
        }
        return true
    }
}

/// One side of a file whose top level is a single block mapping key (`accounts:`) holding a block
/// mapping of entries, cut into entries by a line scan, with the spans `YAMLMappingLayout` gives.
///
/// Nil unless every line is in a plain subset of YAML that the scan can vouch for: no tabs, no CR,
/// no characters libyaml refuses or reads as line breaks; above the container line only comments and
/// blank lines; the container line exactly `key:`; entry lines exactly `id:` at one indentation;
/// below them only nested `key: value` / `key:` lines, properly indented, without repeated keys,
/// whose values are one-line plain scalars, one-line quoted scalars without escapes, `[a, b]` lists
/// of plain words, `[]` or `{}`. No anchors, aliases, tags, block scalars, multi-line scalars,
/// sequences or documents markers.
package struct KeyedBlockScan {
    package struct Entry {
        package var key: String
        /// Leading comments and blank lines, the key line and the value (0-based, half-open).
        package var lines: Range<Int>
        package var keyLine: Int
    }

    let bytes: [UInt8]
    /// Start of each line in `bytes`, then the end of the text.
    let starts: [Int]
    /// No byte above 0x7F (then equal text is equal bytes).
    package let isASCII: Bool
    var rootLeader: Range<Int> = 0..<0
    var containerLeading: Range<Int> = 0..<0
    var keyLine = 0
    var containerEnd = 0
    var leader: Range<Int> = 0..<0
    package var entries: [Entry] = []
    /// How far the entries' key lines are indented.
    package var entryIndentation = 0
    /// Each entry's position in `entries`, by key.
    var index: [String: Int] = [:]
    var trailer: Range<Int> = 0..<0
    var rootTrailer: Range<Int> = 0..<0
    /// How many lines the text has.
    package var lineCount: Int { starts.count - 1 }
    /// The whole text (read only for a piece deleted on one side and changed on the other).
    var wholeText: String { String(decoding: bytes, as: UTF8.self) }

    var containerSpan: Range<Int> { containerLeading.lowerBound..<containerEnd }
    var containerBody: Range<Int> { keyLine..<containerEnd }

    /// At most this many lines (so at most about three million nodes, below `YAMLParser.nodeBudget`).
    static let maxLines = 1_000_000

    init?(_ text: String, containerKey: String) {
        self.init(bytes: Array(text.utf8), containerKey: containerKey)
    }

    package init?(bytes: [UInt8], containerKey: String) {
        self.bytes = bytes
        guard let (starts, isASCII) = Self.lineStarts(bytes), starts.count - 1 <= Self.maxLines else { return nil }
        self.starts = starts
        self.isASCII = isASCII
        let count = starts.count - 1
        guard count > 0 else { return nil }
        // Per line: indentation, and kind (0 blank, 1 comment, 2 content).
        var indents = [Int32](repeating: 0, count: count)
        var kinds = [UInt8](repeating: 0, count: count)
        for line in 0..<count {
            var index = starts[line]
            let end = Self.contentEnd(bytes, starts[line + 1])
            while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
            guard index - starts[line] < Int(Int32.max) else { return nil }
            indents[line] = Int32(index - starts[line])
            kinds[line] = index == end ? 0 : bytes[index] == UInt8(ascii: "#") ? 1 : 2
        }
        // The container line: the only content at indentation 0; above it only comments and blank lines.
        guard let container = kinds.indices.first(where: { kinds[$0] == 2 }), indents[container] == 0,
            Self.equals(bytes, starts[container]..<Self.contentEnd(bytes, starts[container + 1]), containerKey + ":")
        else { return nil }
        keyLine = container
        // Entries: `id:` lines at the indentation of the first one; deeper lines checked by `Nested`.
        var keyLines: [Int] = []
        var keys: [String] = []
        var index: [String: Int] = [:]
        var indentation = 0
        var nested = Nested()
        for line in (container + 1)..<max(count, container + 1) where kinds[line] == 2 {
            let indent = Int(indents[line])
            let start = starts[line] + indent
            let end = Self.contentEnd(bytes, starts[line + 1])
            if keyLines.isEmpty {
                guard indent > 0 else { return nil }
                indentation = indent
            }
            if indent <= indentation {
                guard indent == indentation, let colon = Self.keyEnd(bytes, start, end), colon + 1 == end else {
                    return nil
                }
                let key = String(decoding: bytes[start..<colon], as: UTF8.self)
                guard key != containerKey, index.updateValue(keys.count, forKey: key) == nil else { return nil }
                keyLines.append(line)
                keys.append(key)
                nested.reset(indentation)
            } else {
                guard let hasValue = Self.mappingLine(bytes, start, end),
                    nested.accept(indent: indent, key: Self.hash(bytes, start, end), hasValue: hasValue)
                else { return nil }
            }
        }
        guard !keyLines.isEmpty else { return nil }
        self.index = index
        entryIndentation = indentation
        func trivia(_ line: Int, _ maxIndent: Int) -> Bool {
            kinds[line] == 0 || (kinds[line] == 1 && Int(indents[line]) <= maxIndent)
        }
        // The root mapping (indentation 0, one entry), as `YAMLMappingLayout` lays it out.
        var end = count
        while end - 1 > container, trivia(end - 1, 0) { end -= 1 }
        var start = container
        while start - 1 >= 0, trivia(start - 1, 0) { start -= 1 }
        rootLeader = 0..<start
        containerLeading = start..<container
        containerEnd = end
        rootTrailer = end..<count
        // The container's mapping, within the lines after its key line.
        var contentEnds: [Int] = []
        contentEnds.reserveCapacity(keyLines.count)
        for (index, line) in keyLines.enumerated() {
            var entryEnd = index + 1 < keyLines.count ? keyLines[index + 1] : end
            while entryEnd - 1 > line, trivia(entryEnd - 1, indentation) { entryEnd -= 1 }
            contentEnds.append(entryEnd)
        }
        var first = keyLines[0]
        while first - 1 >= container + 1, trivia(first - 1, indentation) { first -= 1 }
        leader = (container + 1)..<first
        entries.reserveCapacity(keyLines.count)
        for (index, line) in keyLines.enumerated() {
            let entryStart = index == 0 ? first : contentEnds[index - 1]
            entries.append(Entry(key: keys[index], lines: entryStart..<contentEnds[index], keyLine: line))
        }
        trailer = contentEnds[contentEnds.count - 1]..<end
    }

    /// Lines `range` (0-based) as text.
    func text(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        return String(decoding: bytes[starts[range.lowerBound]..<starts[range.upperBound]], as: UTF8.self)
    }

    func pieces() -> [Keyed<Void>] {
        entries.map { Keyed(key: $0.key, piece: (), text: text($0.lines)) }
    }

    /// The bytes of lines `range`.
    package func slice(_ range: Range<Int>) -> ArraySlice<UInt8> {
        bytes[starts[range.lowerBound]..<starts[range.upperBound]]
    }

    /// Where lines `range` (0-based) lie in `bytes`.
    func byteRange(_ range: Range<Int>) -> Range<Int> { starts[range.lowerBound]..<starts[range.upperBound] }

    /// The bytes of the entry under `key`.
    func entryBytes(_ key: String) -> ArraySlice<UInt8>? {
        index[key].map { bytes[starts[entries[$0].lines.lowerBound]..<starts[entries[$0].lines.upperBound]] }
    }

    static func bytesEqual(_ x: ArraySlice<UInt8>, _ y: ArraySlice<UInt8>) -> Bool {
        guard x.count == y.count else { return false }
        return x.withUnsafeBytes { a in
            y.withUnsafeBytes { b in
                var index = 0
                let count = a.count
                while index + 8 <= count {
                    if a.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        != b.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    {
                        return false
                    }
                    index += 8
                }
                while index < count {
                    if a[index] != b[index] { return false }
                    index += 1
                }
                return true
            }
        }
    }

    // MARK: - Lines

    /// Line starts and the end; nil on a byte the scan does not vouch for (tab, CR, control
    /// characters, NEL and other C1 controls, U+2028/2029, a byte order mark, U+FFFE/FFFF).
    private static func lineStarts(_ bytes: [UInt8]) -> ([Int], isASCII: Bool)? {
        var starts = [0]
        starts.reserveCapacity(bytes.count / 16)
        let count = bytes.count
        var index = 0
        var isASCII = true
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                starts.append(index + 1)
            } else if byte < 0x20 || byte == 0x7F {
                return nil
            } else if byte >= 0x80 {
                isASCII = false
                let next = index + 1 < count ? bytes[index + 1] : 0
                let third = index + 2 < count ? bytes[index + 2] : 0
                if byte == 0xC2, next >= 0x80, next <= 0x9F { return nil }
                if byte == 0xE2, next == 0x80, third == 0xA8 || third == 0xA9 { return nil }
                if byte == 0xEF, next == 0xBB, third == 0xBF { return nil }
                if byte == 0xEF, next == 0xBF, third == 0xBE || third == 0xBF { return nil }
            }
            index += 1
        }
        if starts.last != count { starts.append(count) }
        return (starts, isASCII)
    }

    /// The end of a line's content, before its line break.
    private static func contentEnd(_ bytes: [UInt8], _ next: Int) -> Int {
        next > 0 && bytes[next - 1] == UInt8(ascii: "\n") ? next - 1 : next
    }

    private static func equals(_ bytes: [UInt8], _ range: Range<Int>, _ text: String) -> Bool {
        range.count == text.utf8.count && zip(bytes[range], text.utf8).allSatisfy { $0 == $1 }
    }

    private static func isWordStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }

    /// The index of the `:` after a plain key (`[A-Za-z0-9_][A-Za-z0-9_.-]*`, at most 1,000 bytes),
    /// when it ends the line or is followed by a space.
    private static func keyEnd(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        guard start < end, isWordStart(bytes[start]) else { return nil }
        var index = start + 1
        while index < end, isWordStart(bytes[index]) || bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: ".") {
            index += 1
        }
        // libyaml looks at most 1,024 characters ahead for a key's `:`.
        guard index - start <= 1000, index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
        guard index + 1 == end || bytes[index + 1] == UInt8(ascii: " ") else { return nil }
        return index
    }

    /// A hash of the key of a nested line (a collision only costs the fast path).
    private static func hash(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        var index = start
        while index < end, bytes[index] != UInt8(ascii: ":") {
            hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
            index += 1
        }
        return Int(truncatingIfNeeded: hash)
    }

    /// For a nested `key: value` or `key:` line in the subset: whether it has a value. Nil otherwise.
    private static func mappingLine(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool? {
        guard let colon = keyEnd(bytes, start, end) else { return nil }
        var index = colon + 1
        while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
        if index == end || bytes[index] == UInt8(ascii: "#") { return false }
        let first = bytes[index]
        /// After a quoted scalar or a flow collection: the end of the line, or spaces and maybe a comment.
        func restIsBlank(_ from: Int) -> Bool {
            guard from < end else { return true }
            guard bytes[from] == UInt8(ascii: " ") else { return false }
            var rest = from
            while rest < end, bytes[rest] == UInt8(ascii: " ") { rest += 1 }
            return rest == end || bytes[rest] == UInt8(ascii: "#")
        }
        switch first {
        case UInt8(ascii: "'"):
            index += 1
            while index < end {
                if bytes[index] == UInt8(ascii: "'") {
                    if index + 1 < end, bytes[index + 1] == UInt8(ascii: "'") {
                        index += 2
                        continue
                    }
                    return restIsBlank(index + 1) ? true : nil
                }
                index += 1
            }
            return nil
        case UInt8(ascii: "\""):
            index += 1
            while index < end {
                if bytes[index] == UInt8(ascii: "\\") { return nil }
                if bytes[index] == UInt8(ascii: "\"") { return restIsBlank(index + 1) ? true : nil }
                index += 1
            }
            return nil
        case UInt8(ascii: "{"):
            return index + 1 < end && bytes[index + 1] == UInt8(ascii: "}") && restIsBlank(index + 2) ? true : nil
        case UInt8(ascii: "["):
            // `[]` or `[word, word]`, words of [A-Za-z0-9_][A-Za-z0-9_.@/+-]*.
            index += 1
            func skipSpaces() { while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 } }
            skipSpaces()
            if index < end, bytes[index] == UInt8(ascii: "]") { return restIsBlank(index + 1) ? true : nil }
            while true {
                guard index < end, isWordStart(bytes[index]) else { return nil }
                while index < end,
                    isWordStart(bytes[index]) || [UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: "/"),
                        UInt8(ascii: "+"), UInt8(ascii: "-")].contains(bytes[index])
                {
                    index += 1
                }
                skipSpaces()
                guard index < end else { return nil }
                if bytes[index] == UInt8(ascii: "]") { return restIsBlank(index + 1) ? true : nil }
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
                skipSpaces()
            }
        default:
            // A plain scalar: no indicator first, no `: ` or final `:` (a comment after ` #` is fine).
            switch first {
            case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "]"),
                UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                return nil
            default:
                break
            }
            index += 1
            while index < end {
                let c = bytes[index]
                if c == UInt8(ascii: ":"), index + 1 == end || bytes[index + 1] == UInt8(ascii: " ") { return nil }
                if c == UInt8(ascii: "#"), bytes[index - 1] == UInt8(ascii: " ") { return true }
                index += 1
            }
            return true
        }
    }

    /// The indentation of the nested lines of one entry: each line at an open level, one level
    /// deeper only under a `key:` without value, no key twice in a mapping.
    private struct Nested {
        /// Open levels: indentation, and where its keys start in `keys`.
        var levels: [(indent: Int, firstKey: Int)] = []
        var keys: [Int] = []
        var opened = false

        mutating func reset(_ indentation: Int) {
            levels.removeAll(keepingCapacity: true)
            keys.removeAll(keepingCapacity: true)
            levels.append((indentation, 0))
            opened = true
        }

        mutating func accept(indent: Int, key: Int, hasValue: Bool) -> Bool {
            if indent > levels[levels.count - 1].indent {
                guard opened else { return false }
                levels.append((indent, keys.count))
            } else {
                while levels[levels.count - 1].indent > indent {
                    keys.removeSubrange(levels[levels.count - 1].firstKey...)
                    levels.removeLast()
                }
                guard levels[levels.count - 1].indent == indent, levels.count > 1 else { return false }
            }
            guard !keys[levels[levels.count - 1].firstKey...].contains(key) else { return false }
            keys.append(key)
            opened = !hasValue
            return true
        }
    }
}
