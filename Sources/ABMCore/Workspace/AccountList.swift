/// accounts.yaml read entry by entry, so that after an edit only the entries whose text changed are
/// parsed again, and the rules can tell which accounts changed.
///
/// The file is cut into entries by `KeyedBlockScan` (the line scan the merge's fast path uses),
/// which vouches that every entry reads the same parsed alone as in the whole file. Each entry is
/// parsed on its own (libyaml, then `FieldReader`, exactly as in a whole-file parse) and kept
/// encoded with its lines relative to its key line: an entry that only moved (lines added above it)
/// is reused as it is. A file the scan is unsure of (flow style, anchors, block scalars, duplicate
/// ids, bad bytes…) is parsed whole, as before; `read` then answers nil.
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
    }

    public private(set) var entries: [Entry]
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
        guard bytes.count <= WorkspaceFile.maxListBytes,
            let scan = KeyedBlockScan(bytes: bytes, containerKey: "accounts"),
            scan.isASCII || String(validating: bytes, as: UTF8.self) != nil
        else { return nil }
        var earlierEntries = OrderedLookup(previous?.entries ?? [], key: \.key)
        var entries: [Entry] = []
        entries.reserveCapacity(scan.entries.count)
        var toParse: [Int] = []
        for entry in scan.entries {
            let content = scan.slice(entry.keyLine..<entry.lines.upperBound)
            let digest = StableHash.digest(of: content)
            if let old = earlierEntries.find(entry.key), old.digest == digest {
                entries.append(
                    Entry(
                        key: entry.key, lineOffset: entry.keyLine, digest: digest, rowDigest: old.rowDigest,
                        findingCount: old.findingCount, blob: old.blob))
            } else {
                toParse.append(entries.count)
                // Filled in below.
                entries.append(Entry(key: entry.key, lineOffset: entry.keyLine, digest: digest, rowDigest: 0, findingCount: 0, blob: []))
            }
        }
        let parsed = Parallel.map(toParse) { position -> Parsed? in
            let entry = scan.entries[position]
            return parse(scan.slice(entry.keyLine..<entry.lines.upperBound), lineOffset: entry.keyLine)
        }
        var fresh: [Int: FreshEntry] = [:]
        fresh.reserveCapacity(toParse.count)
        for (position, result) in zip(toParse, parsed) {
            // The scan vouches that every entry parses; if one did not, the whole-file parse reports it.
            guard let result else { return nil }
            let old = entries[position]
            entries[position] = Entry(
                key: old.key, lineOffset: old.lineOffset, digest: old.digest, rowDigest: result.rowDigest,
                findingCount: result.findings.count, blob: result.blob)
            fresh[position] = FreshEntry(account: result.account, findings: result.findings)
        }
        return AccountList(entries: entries, fresh: fresh)
    }

    private struct Parsed: Sendable {
        var account: Account?
        var findings: [Finding]
        var rowDigest: UInt64
        var blob: ArraySlice<UInt8>
    }

    /// One entry parsed alone, as the whole-file parse reads it.
    private static func parse(_ text: ArraySlice<UInt8>, lineOffset: Int) -> Parsed? {
        let root: YAMLNode?
        do {
            root = try text.withUnsafeBufferPointer { buffer throws(YAMLParseError) in
                try YAMLParser.parse(utf8: buffer, lineOffset: lineOffset)
            }
        } catch {
            return nil
        }
        guard let entries = root?.entries, entries.count == 1 else { return nil }
        var reader = FieldReader(file: WorkspaceFile.accounts)
        let account = reader.account(entries[0])
        var writer = ByteWriter()
        writer.lineBase = lineOffset
        writer.findings(reader.findings, path: WorkspaceFile.accounts)
        if let account {
            writer.byte(1)
            writer.account(account)
        } else {
            writer.byte(0)
        }
        return Parsed(
            account: account, findings: reader.findings, rowDigest: AccountRow.digest(of: account, lineOffset: lineOffset),
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
        writer.bytes.reserveCapacity(writer.bytes.count + entries.reduce(0) { $0 + $1.key.utf8.count + $1.blob.count + 32 })
        writer.int(entries.count)
        for entry in entries {
            writer.string(entry.key)
            writer.int(entry.lineOffset)
            writer.word(entry.digest)
            writer.word(entry.rowDigest)
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
                let count = try reader.count()
                var entries: [Entry] = []
                entries.reserveCapacity(count)
                for _ in 0..<count {
                    let key = try reader.string()
                    let lineOffset = try reader.int()
                    let digest = try reader.word()
                    let rowDigest = try reader.word()
                    let findingCount = try reader.count()
                    let length = try reader.count()
                    let blob = bytes[(base + reader.position)..<(base + reader.position + length)]
                    reader.position += length
                    entries.append(
                        Entry(
                            key: key, lineOffset: lineOffset, digest: digest, rowDigest: rowDigest,
                            findingCount: findingCount, blob: blob))
                }
                guard reader.atEnd else { return nil }
                return AccountList(entries: entries, fresh: [:])
            } catch {
                return nil
            }
        }
    }
}

/// What the checks across accounts may read of one account (`RuleFamily.checkAcross`).
public enum AccountRow {
    /// A digest of the account's id, name, domain, tier, owners and cluster, with where each is
    /// written relative to the entry's key line: equal digests, equal input to those checks.
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
        combine(account.name)
        combine(account.domain)
        combine(account.tier.map { Located(String($0.value.rawValue), at: $0.location) })
        combine(account.ae)
        combine(account.marketer)
        combine(account.sponsor)
        combine(account.cluster)
        return hash.value
    }
}
