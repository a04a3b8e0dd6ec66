import ABMCore

/// What parsing one file gave, kept so a later run can skip files whose content has not changed.
///
/// A parse depends only on a file's path and bytes, so a result recorded for the same content (the
/// same `fingerprint`: a blob id, say) is exactly what parsing it again would give.
///
/// What the file gives the cross-file rules (a plan's facts, the accounts) is kept encoded and
/// decoded only when asked for: a run whose cross-file inputs did not change never needs it. A
/// record read from the cache stays the cache's bytes (`ParseRecords`): a run that reuses thousands
/// of them copies and decodes next to nothing.
public struct FileParse: Sendable {
    public enum Result: Sendable {
        /// A plan file: its facts (nil when unusable) and the problems met reading and checking it.
        case plan(PlanFacts?, [Finding])
        /// accounts.yaml: the accounts read from it and every problem met reading it.
        case accounts([Account], [Finding])
    }

    /// The record as the cache holds it (`ParseCacheCodec` describes the layout), the bytes `body`
    /// of `store`: a cache file mapped into memory, or the record's own bytes for a new parse.
    /// (Few fields, as the loader keeps one per plan file: 10,000 of them, copied several times.)
    private let store: ByteStore
    private let body: Range<Int>
    /// Where the payload (the facts or accounts) starts in `store`; it ends with the body.
    private let payloadStart: Int
    /// The problems met reading the file and checking it on its own.
    public let findings: [Finding]
    /// A stable digest of what the file gives the cross-file rules: equal digests, equal inputs.
    public let digest: UInt64
    let isAccounts: Bool

    public init(fingerprint: String, result: Result) {
        var payload = ByteWriter()
        let findings: [Finding]
        let isAccounts: Bool
        switch result {
        case .plan(let facts, let planFindings):
            findings = planFindings
            isAccounts = false
            if let facts {
                payload.byte(1)
                payload.facts(facts)
            } else {
                payload.byte(0)
            }
        case .accounts(let accounts, let accountFindings):
            findings = accountFindings
            isAccounts = true
            payload.byte(Self.wholeFile)
            payload.int(accounts.count)
            for account in accounts { payload.account(account) }
        }
        self.init(fingerprint: fingerprint, findings: findings, isAccounts: isAccounts, payload: payload.bytes)
    }

    /// accounts.yaml read entry by entry.
    public init(fingerprint: String, accountList: AccountList) {
        var payload = ByteWriter()
        payload.byte(Self.entryByEntry)
        accountList.encode(into: &payload)
        // The list's own digest, so a run that does not make the record (`RecordedFiles`) gives
        // the same one.
        self.init(
            fingerprint: fingerprint, findings: accountList.findings, isAccounts: true, payload: payload.bytes,
            digest: accountList.digest)
    }

    /// How an accounts.yaml record holds its accounts: parsed from the whole file, or entry by entry.
    static let wholeFile: UInt8 = 0
    static let entryByEntry: UInt8 = 1

    /// The entries of an accounts.yaml record read entry by entry (nil for any other record).
    public func accountList() -> AccountList? {
        guard isAccounts else { return nil }
        return store.withBytes(payloadStart..<body.upperBound) { buffer -> AccountList? in
            guard buffer.first == Self.entryByEntry else { return nil }
            // The entries keep slices of their own copy (the store may be a mapped file).
            return AccountList.decode(Array(buffer.dropFirst())[...])
        }
    }

    private init(fingerprint: String, findings: [Finding], isAccounts: Bool, payload: [UInt8], digest: UInt64? = nil) {
        let digest = digest ?? StableHash.digest(of: payload)
        var record = ByteWriter()
        record.string(fingerprint)
        record.byte(isAccounts ? 1 : 0)
        record.word(digest)
        // Each finding with its file: the record does not know its path.
        record.findings(findings, path: nil)
        record.int(payload.count)
        let payloadStart = record.bytes.count
        record.bytes.append(contentsOf: payload)
        store = ByteStore(copying: record.bytes)
        body = 0..<record.bytes.count
        self.payloadStart = payloadStart
        self.findings = findings
        self.digest = digest
        self.isAccounts = isAccounts
    }

    /// A record of `store` whose fields `ParseRecords` located and checked.
    init(store: ByteStore, body: Range<Int>, payloadStart: Int, findings: [Finding], digest: UInt64, isAccounts: Bool) {
        self.store = store
        self.body = body
        self.payloadStart = payloadStart
        self.findings = findings
        self.digest = digest
        self.isAccounts = isAccounts
    }

    /// Identifies the file's content without reading it (a blob id); any text the caller chooses.
    public var fingerprint: String { store.withBytes(fingerprintBytes) { String(decoding: $0, as: UTF8.self) } }

    /// Where the fingerprint's text is in `store`: first in the body, after its length.
    private var fingerprintBytes: Range<Int> {
        store.withBytes(body) { buffer in
            var reader = ByteReader(buffer)
            // Checked when the record was made or looked up.
            let length = (try? reader.count()) ?? 0
            return (body.lowerBound + reader.position)..<(body.lowerBound + reader.position + length)
        }
    }

    /// How long the record is as the cache holds it (written back as is).
    var encodedCount: Int { body.count }

    /// The record as the cache holds it, its length first, appended to `bytes` (no copy in between).
    func appendEncoded(to writer: inout ByteWriter) {
        writer.int(body.count)
        store.withBytes(body) { writer.bytes.append(contentsOf: $0) }
    }

    /// True when the record is for content with this fingerprint (its UTF-8 text), compared
    /// without decoding the record's.
    func hasFingerprint(_ fingerprint: ArraySlice<UInt8>) -> Bool {
        fingerprint.withUnsafeBytes { text in store.withBytes(fingerprintBytes) { UTF8Order.compare(text, $0) == 0 } }
    }

    /// The decoded result for the file at `path` (nil only when the stored bytes are damaged).
    public func result(path: String) -> Result? {
        store.withBytes(payloadStart..<body.upperBound) {
            ParseCacheCodec.decodePayload($0, path: path, isAccounts: isAccounts, findings: findings)
        }
    }
}

/// A 64-bit digest that is the same in every run and on every machine (unlike `Hasher`), for
/// cache checksums and for telling whether inputs changed. Not for security.
public struct StableHash {
    private var state: UInt64

    public init(seed: UInt64 = 0) { state = 0x9E37_79B9_7F4A_7C15 ^ seed }

    public static func digest(of bytes: some Collection<UInt8>) -> UInt64 {
        var hash = StableHash(seed: UInt64(bytes.count))
        hash.combine(bytes: bytes)
        return hash.value
    }

    public mutating func combine(_ word: UInt64) {
        state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 32
    }

    public mutating func combine(_ text: String) {
        var text = text
        combine(UInt64(text.utf8.count))
        text.withUTF8 { combine(bytes: $0) }
    }

    /// Mixes in 8-byte words, then the tail.
    public mutating func combine(bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            let words = raw.count / 8
            for index in 0..<words {
                combine(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
            }
            var tail: UInt64 = 0
            for index in (words * 8)..<raw.count { tail = tail << 8 | UInt64(raw[index]) }
            combine(tail)
        }
        if done == nil { combine(bytes: Array(bytes)) }
    }

    public var value: UInt64 { state }
}

/// Earlier parse results the loader may reuse, and what each file's content is now.
public struct ParseReuse: Sendable {
    /// The current content's fingerprint for files whose content is known without reading them.
    /// A file without one is always read and parsed.
    public var fingerprints: FileFingerprints
    /// Earlier results by path.
    public var previous: ParseRecords

    public init(fingerprints: FileFingerprints, previous: ParseRecords) {
        self.fingerprints = fingerprints
        self.previous = previous
    }

    public init(fingerprints: [String: String], previous: [String: FileParse]) {
        self.init(fingerprints: FileFingerprints(fingerprints), previous: ParseRecords(previous))
    }

    /// Where the previous look-up ended in both tables: asking in path order, each look-up is one
    /// comparison per table.
    struct Cursor {
        var fingerprint = 0
        var record = 0
    }

    /// The earlier record for `path` when the file's content is unchanged.
    func unchanged(_ path: String, cursor: inout Cursor) -> FileParse? {
        guard let position = fingerprints.position(of: path, hint: &cursor.fingerprint),
            let earlier = previous.record(for: path, hint: &cursor.record),
            earlier.hasFingerprint(fingerprints.fingerprint(at: position))
        else { return nil }
        return earlier
    }
}
