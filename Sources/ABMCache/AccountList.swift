import ABMCore

/// accounts.yaml read entry by entry, so that after an edit only the entries whose text changed are
/// parsed again, and the rules can tell which accounts changed.
///
/// The file is cut into entries by `KeyedBlockScan` (the line scan the merge's fast path uses),
/// which vouches that every entry reads the same parsed alone as in the whole file. Each entry is
/// parsed on its own (libyaml, then `FieldReader`, exactly as in a whole-file parse) and kept
/// encoded with its lines relative to its key line: an entry that only moved (lines added above it)
/// is reused as it is. A file the scan is unsure of (flow style, anchors, block scalars, duplicate
/// ids, bad bytes…) is parsed whole, as before; `read` then answers nil.
///
/// After an edit, the file is not scanned again from end to end: the bytes before the first entry,
/// after the last and the entries themselves tile the file (`Layout`, `Entry.span`), so the entries
/// at its start and at its end whose bytes are unchanged are found by comparing digests in place
/// (as diff trims a common prefix and suffix), and only the stretch between them is scanned, with
/// the file's own header in front so the scan sees it as it would in the whole file.
public struct AccountList: Sendable {
    public struct Entry: Sendable {
        /// The account id, as written.
        public let key: String
        /// How many lines come before the entry's key line (its lines are stored relative to it).
        public let lineOffset: Int
        /// Digest of the entry's text from its key line to its last line: equal digests, equal
        /// parse (relative to the key line).
        public let digest: UInt64
        /// Digest of what the checks across accounts read (`AccountRow`), positions relative to the
        /// key line.
        public let rowDigest: UInt64
        /// How many findings reading the entry gave.
        let findingCount: Int
        /// The findings and the account, encoded relative to the key line.
        let blob: ArraySlice<UInt8>
        /// The bytes the entry covers in the file: its leading comments and blank lines, its lines,
        /// and any trivia up to the next entry. The spans of all entries tile the file between the
        /// header and the trailer.
        let span: Span
    }

    /// A stretch of the file: its length in bytes and lines, and a digest of its bytes.
    struct Span: Sendable, Equatable {
        var length: Int
        var lines: Int
        var digest: UInt64

        init(_ bytes: ArraySlice<UInt8>, lines: Int) {
            length = bytes.count
            self.lines = lines
            digest = StableHash.digest(of: bytes)
        }

        init(length: Int, lines: Int, digest: UInt64) {
            self.length = length
            self.lines = lines
            self.digest = digest
        }
    }

    /// What comes before the first entry (comments, `accounts:`) and after the last, and how far
    /// entries are indented.
    struct Layout: Sendable, Equatable {
        var header: Span
        var trailer: Span
        var indentation: Int
    }

    public private(set) var entries: [Entry]
    let layout: Layout
    /// How many bytes `read` scanned line by line (the whole file, or the changed stretch).
    private(set) var scannedBytes = 0
    /// Accounts parsed in this run, by entry position (the others are decoded when asked for).
    private var fresh: [Int: FreshEntry]
    /// How many entries were parsed in this run.
    public var parsedCount: Int { fresh.count }

    private struct FreshEntry: Sendable {
        var account: Account?
        var findings: [Finding]
    }

    /// The account of entry `index` (nil when the entry is not a usable account; its findings say why).
    public func account(at index: Int) -> Account? {
        if let entry = fresh[index] { return entry.account }
        return Self.decode(entries[index]).account
    }

    /// The findings of reading entry `index`, in file lines.
    public func findings(at index: Int) -> [Finding] {
        if let entry = fresh[index] { return entry.findings }
        guard entries[index].findingCount > 0 else { return [] }
        return Self.decode(entries[index]).findings
    }

    /// Every account, in file order.
    public var accounts: [Account] {
        var result: [Account] = []
        result.reserveCapacity(entries.count)
        for index in entries.indices { if let account = account(at: index) { result.append(account) } }
        return result
    }

    /// A digest of everything the list gives: equal digests, equal accounts and findings at the
    /// same lines.
    public var digest: UInt64 {
        var hash = StableHash(seed: UInt64(entries.count))
        for entry in entries {
            hash.combine(entry.key)
            hash.combine(UInt64(bitPattern: Int64(entry.lineOffset)))
            hash.combine(entry.digest)
        }
        return hash.value
    }

    /// Every finding of reading the file, in file order.
    public var findings: [Finding] {
        var result: [Finding] = []
        for index in entries.indices where fresh[index] != nil || entries[index].findingCount > 0 {
            result += findings(at: index)
        }
        return result
    }

    // MARK: - Reading

    /// The entries of accounts.yaml `bytes`, reusing those of `previous` whose text is unchanged; nil
    /// when the file must be parsed whole.
    public static func read(_ bytes: [UInt8], previous: AccountList?) -> AccountList? {
        guard bytes.count <= WorkspaceFile.maxListBytes else { return nil }
        guard let cut = previous.flatMap({ cutAroundChange(bytes, previous: $0) }) ?? cutWhole(bytes) else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(cut.pieces.count)
        var toParse: [Int] = []
        for piece in cut.pieces {
            if let old = piece.reused {
                entries.append(
                    Entry(
                        key: piece.key, lineOffset: piece.lineOffset, digest: old.digest, rowDigest: old.rowDigest,
                        findingCount: old.findingCount, blob: old.blob, span: piece.span))
            } else {
                toParse.append(entries.count)
                // Filled in below.
                entries.append(
                    Entry(
                        key: piece.key, lineOffset: piece.lineOffset, digest: piece.digest, rowDigest: 0, findingCount: 0,
                        blob: [], span: piece.span))
            }
        }
        let parsed = Parallel.map(toParse) { position -> Parsed? in
            parse(cut.pieces[position].content, lineOffset: cut.pieces[position].lineOffset)
        }
        var fresh: [Int: FreshEntry] = [:]
        fresh.reserveCapacity(toParse.count)
        for (position, result) in zip(toParse, parsed) {
            // The scan vouches that every entry parses; if one did not, the whole-file parse reports it.
            guard let result else { return nil }
            let old = entries[position]
            entries[position] = Entry(
                key: old.key, lineOffset: old.lineOffset, digest: old.digest, rowDigest: result.rowDigest,
                findingCount: result.findings.count, blob: result.blob, span: old.span)
            fresh[position] = FreshEntry(account: result.account, findings: result.findings)
        }
        var list = AccountList(entries: entries, layout: cut.layout, fresh: fresh)
        list.scannedBytes = cut.scannedBytes
        return list
    }

    /// The file cut into entries: each either an earlier entry with the same text, or text to parse.
    private struct Cut {
        struct Piece: Sendable {
            var key: String
            var lineOffset: Int
            var digest: UInt64
            var span: Span
            var reused: Entry?
            /// The entry's text from its key line (when not reused).
            var content: ArraySlice<UInt8>
        }

        var pieces: [Piece]
        var layout: Layout
        var scannedBytes: Int
    }

    /// The whole file scanned (no earlier entries to compare with, or the change touched the header
    /// or trailer).
    private static func cutWhole(_ bytes: [UInt8], reusing previous: AccountList? = nil) -> Cut? {
        guard let scan = KeyedBlockScan(bytes: bytes, containerKey: "accounts"),
            scan.isASCII || String(validating: bytes, as: UTF8.self) != nil
        else { return nil }
        var earlier = OrderedLookup(previous?.entries ?? [], key: \.key)
        var pieces: [Cut.Piece] = []
        pieces.reserveCapacity(scan.entries.count)
        for entry in scan.entries {
            let content = scan.slice(entry.keyLine..<entry.lines.upperBound)
            let digest = StableHash.digest(of: content)
            let old = earlier.find(entry.key)
            pieces.append(
                Cut.Piece(
                    key: entry.key, lineOffset: entry.keyLine, digest: digest,
                    span: Span(scan.slice(entry.lines), lines: entry.lines.count), reused: old?.digest == digest ? old : nil,
                    content: content))
        }
        let first = scan.entries[0].lines.lowerBound
        let last = scan.entries[scan.entries.count - 1].lines.upperBound
        let layout = Layout(
            header: Span(scan.slice(0..<first), lines: first),
            trailer: Span(scan.slice(last..<scan.lineCount), lines: scan.lineCount - last), indentation: scan.entryIndentation)
        return Cut(pieces: pieces, layout: layout, scannedBytes: bytes.count)
    }

    /// The file cut by comparing it with `previous` in place: entries at the start and at the end
    /// whose bytes are unchanged are taken as they are (those at the end moved by the lines the
    /// change added or removed), and only the stretch between them is scanned. Nil when the change
    /// reaches the header or the trailer (then the whole file is scanned).
    private static func cutAroundChange(_ bytes: [UInt8], previous: AccountList) -> Cut? {
        let layout = previous.layout
        let old = previous.entries
        let count = bytes.count
        guard !old.isEmpty, count >= layout.header.length + layout.trailer.length,
            StableHash.digest(of: bytes[0..<layout.header.length]) == layout.header.digest,
            StableHash.digest(of: bytes[(count - layout.trailer.length)...]) == layout.trailer.digest
        else { return cutWhole(bytes, reusing: previous) }
        let newline = UInt8(ascii: "\n")
        // The unchanged entries at the start: whole lines only (the last line of a file without a
        // final line break may go on in the new one).
        var start = layout.header.length
        var line = layout.header.lines
        let limit = count - layout.trailer.length
        guard start > 0, bytes[start - 1] == newline, limit == count || bytes[limit - 1] == newline else {
            return cutWhole(bytes, reusing: previous)
        }
        var prefix = 0
        while prefix < old.count, start + old[prefix].span.length <= limit, bytes[start + old[prefix].span.length - 1] == newline,
            StableHash.digest(of: bytes[start..<(start + old[prefix].span.length)]) == old[prefix].span.digest
        {
            start += old[prefix].span.length
            line += old[prefix].span.lines
            prefix += 1
        }
        // The unchanged entries at the end.
        var end = limit
        var suffix = 0
        while suffix < old.count - prefix {
            let span = old[old.count - 1 - suffix].span
            // At the start of a line, and whole lines (or running to the trailer, as it did).
            guard end - span.length >= start, bytes[end - span.length - 1] == newline,
                end == limit || bytes[end - 1] == newline,
                StableHash.digest(of: bytes[(end - span.length)..<end]) == span.digest
            else { break }
            end -= span.length
            suffix += 1
        }
        // A stretch that starts with a line deeper than the entries' keys (a comment added at the
        // end of an entry) continues the entry before it: scan that entry again too.
        func startsAnEntryOrTrivia(_ offset: Int) -> Bool {
            var index = offset
            while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
            return index == end || bytes[index] == newline || index - offset <= layout.indentation
        }
        while prefix > 0, start < end, !startsAnEntryOrTrivia(start) {
            prefix -= 1
            start -= old[prefix].span.length
            line -= old[prefix].span.lines
        }
        var pieces: [Cut.Piece] = []
        pieces.reserveCapacity(old.count + 8)
        for entry in old[..<prefix] {
            pieces.append(
                Cut.Piece(
                    key: entry.key, lineOffset: entry.lineOffset, digest: entry.digest, span: entry.span, reused: entry,
                    content: []))
        }
        // The stretch between, scanned behind the file's header, as the whole-file scan would see it.
        var middleLines = 0
        if start < end {
            let header = bytes[0..<layout.header.length]
            let text = Array(header) + bytes[start..<end]
            guard let scan = KeyedBlockScan(bytes: text, containerKey: "accounts"),
                scan.entryIndentation == layout.indentation, scan.entries[0].lines.lowerBound >= layout.header.lines,
                scan.isASCII || String(validating: bytes[start..<end], as: UTF8.self) != nil
            else { return cutWhole(bytes, reusing: previous) }
            let headerLines = layout.header.lines
            // The middle's entries are either earlier entries that were in the changed stretch or new
            // ones: an id of an unchanged entry at the start or end would be listed twice.
            var earlier = OrderedLookup(old, startingAt: prefix, key: \.key)
            for (index, entry) in scan.entries.enumerated() {
                // The spans tile the stretch: the first takes what precedes its entry, the last what follows.
                let spanStart = index == 0 ? headerLines : entry.lines.lowerBound
                let spanEnd = index == scan.entries.count - 1 ? scan.lineCount : entry.lines.upperBound
                guard spanStart >= headerLines else { return cutWhole(bytes, reusing: previous) }
                let content = scan.slice(entry.keyLine..<entry.lines.upperBound)
                let digest = StableHash.digest(of: content)
                let found = earlier.find(entry.key)
                if found != nil, let position = earlier.lastPosition, position < prefix || position >= old.count - suffix {
                    return cutWhole(bytes, reusing: previous)
                }
                pieces.append(
                    Cut.Piece(
                        key: entry.key, lineOffset: entry.keyLine - headerLines + line, digest: digest,
                        span: Span(scan.slice(spanStart..<spanEnd), lines: spanEnd - spanStart),
                        reused: found?.digest == digest ? found : nil, content: content))
            }
            middleLines = scan.lineCount - headerLines
        }
        guard prefix + suffix > 0 || start < end else { return cutWhole(bytes, reusing: previous) }
        // The unchanged entries at the end, moved by the lines the change added or removed.
        var oldSpanStart = layout.header.lines
        var spanStarts: [Int] = []
        spanStarts.reserveCapacity(old.count)
        for entry in old {
            spanStarts.append(oldSpanStart)
            oldSpanStart += entry.span.lines
        }
        var newSpanStart = line + middleLines
        for position in (old.count - suffix)..<old.count {
            let entry = old[position]
            pieces.append(
                Cut.Piece(
                    key: entry.key, lineOffset: newSpanStart + (entry.lineOffset - spanStarts[position]), digest: entry.digest,
                    span: entry.span, reused: entry, content: []))
            newSpanStart += entry.span.lines
        }
        return Cut(pieces: pieces, layout: layout, scannedBytes: end - start)
    }

    private struct Parsed: Sendable {
        var account: Account?
        var findings: [Finding]
        var rowDigest: UInt64
        var blob: ArraySlice<UInt8>
    }

    /// One entry parsed alone, as the whole-file parse reads it.
    private static func parse(_ text: ArraySlice<UInt8>, lineOffset: Int) -> Parsed? {
        guard let (account, findings) = text.withUnsafeBufferPointer({
            WorkspaceLoader.accountEntry($0, lineOffset: lineOffset)
        }) else { return nil }
        var writer = ByteWriter()
        writer.lineBase = lineOffset
        writer.findings(findings, path: WorkspaceFile.accounts)
        if let account {
            writer.byte(1)
            writer.account(account)
        } else {
            writer.byte(0)
        }
        return Parsed(
            account: account, findings: findings, rowDigest: AccountRow.digest(of: account, lineOffset: lineOffset),
            blob: writer.bytes[...])
    }

    private static func decode(_ entry: Entry) -> (account: Account?, findings: [Finding]) {
        entry.blob.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            reader.lineBase = entry.lineOffset
            // The blob was written by this build and checked with the cache file; a damaged one
            // cannot get here, but reads as an entry without account rather than trapping.
            guard let findings = try? reader.findings(path: WorkspaceFile.accounts) else { return (nil, []) }
            guard (try? reader.flag()) == true else { return (nil, findings) }
            return ((try? reader.account(path: WorkspaceFile.accounts)), findings)
        }
    }

    // MARK: - Encoding (inside an accounts.yaml parse record)

    func encode(into writer: inout ByteWriter) {
        writer.bytes.reserveCapacity(writer.bytes.count + entries.reduce(64) { $0 + $1.key.utf8.count + $1.blob.count + 48 })
        writer.span(layout.header)
        writer.span(layout.trailer)
        writer.int(layout.indentation)
        writer.int(entries.count)
        for entry in entries {
            writer.string(entry.key)
            writer.int(entry.lineOffset)
            writer.word(entry.digest)
            writer.word(entry.rowDigest)
            writer.span(entry.span)
            writer.int(entry.findingCount)
            writer.int(entry.blob.count)
            writer.bytes.append(contentsOf: entry.blob)
        }
    }

    /// The entries of `bytes` (the blobs stay slices of it); nil when malformed.
    static func decode(_ bytes: ArraySlice<UInt8>) -> AccountList? {
        bytes.withUnsafeBytes { buffer -> AccountList? in
            var reader = ByteReader(buffer)
            let base = bytes.startIndex
            do {
                let layout = Layout(header: try reader.span(), trailer: try reader.span(), indentation: try reader.int())
                let count = try reader.count()
                var entries: [Entry] = []
                entries.reserveCapacity(count)
                for _ in 0..<count {
                    let key = try reader.string()
                    let lineOffset = try reader.int()
                    let digest = try reader.word()
                    let rowDigest = try reader.word()
                    let span = try reader.span()
                    let findingCount = try reader.count()
                    let length = try reader.count()
                    let blob = bytes[(base + reader.position)..<(base + reader.position + length)]
                    reader.position += length
                    entries.append(
                        Entry(
                            key: key, lineOffset: lineOffset, digest: digest, rowDigest: rowDigest,
                            findingCount: findingCount, blob: blob, span: span))
                }
                guard reader.atEnd else { return nil }
                return AccountList(entries: entries, layout: layout, fresh: [:])
            } catch {
                return nil
            }
        }
    }
}

extension ByteWriter {
    mutating func span(_ span: AccountList.Span) {
        int(span.length)
        int(span.lines)
        word(span.digest)
    }
}

extension ByteReader {
    mutating func span() throws(Malformed) -> AccountList.Span {
        let length = try int()
        let lines = try int()
        guard length >= 0, lines >= 0 else { throw Malformed() }
        return AccountList.Span(length: length, lines: lines, digest: try word())
    }
}

/// What the checks across accounts may read of one account (`RuleFamily.checkAcross`).
public enum AccountRow {
    /// A digest of the account's id and the fields `AccountFields` marks `readAcross` (name, domain,
    /// tier, owners, cluster), with where each is written relative to the entry's key line: equal
    /// digests, equal input to those checks.
    static func digest(of account: Account?, lineOffset: Int) -> UInt64 {
        var hash = StableHash()
        guard let account else {
            hash.combine("no account")
            return hash.value
        }
        func combine(_ field: Located<String>?) {
            guard let field else {
                hash.combine(0)
                return
            }
            hash.combine(1)
            hash.combine(field.value)
            hash.combine(UInt64(bitPattern: Int64(field.location.line - lineOffset)))
            hash.combine(UInt64(bitPattern: Int64(field.location.column)))
        }
        combine(account.id)
        for field in AccountFields.all where field.readAcross { combine(field.text(in: account)) }
        return hash.value
    }
}
