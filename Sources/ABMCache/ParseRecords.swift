#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

import ABMCore

/// Read-only bytes that whoever holds them keeps alive: a file mapped into memory (the parse
/// cache) or a copy. They are never written, so any number of readers may share them.
public final class ByteStore: @unchecked Sendable {
    /// Valid as long as this object lives.
    public let bytes: UnsafeRawBufferPointer
    private let release: @Sendable (UnsafeRawBufferPointer) -> Void

    /// Takes over `bytes`; `release` gets them back when the store goes away.
    public init(bytes: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.bytes = bytes
        self.release = release
    }

    /// A copy of `source`.
    public convenience init(copying source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 8)
        buffer.copyBytes(from: source)
        self.init(bytes: UnsafeRawBufferPointer(buffer)) { $0.deallocate() }
    }

    deinit { release(bytes) }

    /// Calls `body` with the bytes `range`, keeping the store alive meanwhile.
    func withBytes<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(rebasing: bytes[range])) }
    }
}

/// Parse records by path, as the cache lays them out (`ParseCacheCodec`): sorted by path, with a
/// table of where each starts. A record is found by binary search (or at once, when asked for in
/// path order) and decoded only then, straight from the cache's bytes: reading a cache of 10,000
/// records costs little more than checking its bytes.
public struct ParseRecords: Sendable {
    /// The bytes; nil when there are no records.
    private let store: ByteStore?
    /// Where the table (one 32-bit offset per record) and the records start and where they end in
    /// `store`.
    private let tableStart: Int
    private let recordsStart: Int
    private let end: Int
    /// How many records there are.
    public let count: Int

    /// No records.
    public init() {
        store = nil
        tableStart = 0
        recordsStart = 0
        end = 0
        count = 0
    }

    /// The records of `parses`, laid out as the cache holds them.
    public init(_ parses: [String: FileParse]) {
        var writer = ByteWriter()
        ParseCacheCodec.encodeRecords(parses, to: &writer)
        let store = ByteStore(copying: writer.bytes)
        // What was just written is well formed.
        self = ParseRecords(decoding: store, range: 0..<store.bytes.count) ?? ParseRecords()
    }

    /// Records encoded by `ParseCacheCodec.encodeRecords`, exactly the bytes `range` of `store`;
    /// nil when the count or the table does not fit (each record is checked when it is looked up).
    init?(decoding store: ByteStore, range: Range<Int>) {
        guard range.lowerBound >= 0, range.upperBound <= store.bytes.count else { return nil }
        let header = store.withBytes(range) { buffer -> (count: Int, table: Int)? in
            var reader = ByteReader(buffer)
            guard let count = try? reader.int(), count >= 0, count <= (buffer.count - reader.position) / 4 else { return nil }
            return (count, reader.position)
        }
        guard let header else { return nil }
        self.store = store
        count = header.count
        tableStart = range.lowerBound + header.table
        recordsStart = tableStart + 4 * header.count
        end = range.upperBound
    }

    public var isEmpty: Bool { count == 0 }

    /// The record for `path`, or nil.
    public subscript(path: String) -> FileParse? {
        var hint = 0
        return record(for: path, hint: &hint)
    }

    /// Every path that has a record, in the table's (byte-wise) order.
    public var paths: [String] {
        guard let store else { return [] }
        return store.withBytes(0..<end) { buffer in
            (0..<count).compactMap { index in
                pathRange(index, in: buffer).map { String(decoding: UnsafeRawBufferPointer(rebasing: buffer[$0]), as: UTF8.self) }
            }
        }
    }

    /// The record for `path`, looked for first at position `hint`, which then moves past it: a
    /// caller that asks in path order finds each record with one comparison.
    func record(for path: String, hint: inout Int) -> FileParse? {
        guard let store, count > 0 else { return nil }
        let found = store.withBytes(0..<end) { buffer -> (index: Int, body: Range<Int>)? in
            func compare(_ index: Int) -> Int? {
                guard let range = pathRange(index, in: buffer) else { return nil }
                return UTF8Order.compare(path, UnsafeRawBufferPointer(rebasing: buffer[range]))
            }
            var index: Int?
            if hint >= 0, hint < count, compare(hint) == 0 {
                index = hint
            } else {
                var low = 0
                var high = count
                while low < high {
                    let middle = (low + high) / 2
                    guard let order = compare(middle) else { return nil }
                    if order == 0 {
                        index = middle
                        break
                    }
                    if order < 0 { high = middle } else { low = middle + 1 }
                }
            }
            guard let index, let pathBytes = pathRange(index, in: buffer) else { return nil }
            var reader = ByteReader(buffer)
            reader.position = pathBytes.upperBound
            guard let length = try? reader.count() else { return nil }
            return (index, reader.position..<(reader.position + length))
        }
        guard let found else { return nil }
        hint = found.index + 1
        return Self.record(store, body: found.body, path: path)
    }

    /// Where record `index`'s path is in `buffer` (the bytes of `store` up to `end`); nil when out of
    /// bounds.
    private func pathRange(_ index: Int, in buffer: UnsafeRawBufferPointer) -> Range<Int>? {
        let offset = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: tableStart + 4 * index, as: UInt32.self)))
        guard offset <= buffer.count - recordsStart else { return nil }
        var reader = ByteReader(buffer)
        reader.position = recordsStart + offset
        guard let length = try? reader.count() else { return nil }
        return reader.position..<(reader.position + length)
    }

    /// Decodes a record's fixed fields and findings; nil when malformed.
    private static func record(_ store: ByteStore, body: Range<Int>, path: String) -> FileParse? {
        let base = body.lowerBound
        return store.withBytes(body) { buffer -> FileParse? in
            var reader = ByteReader(buffer)
            do {
                _ = try reader.skip(reader.count())  // the fingerprint
                let isAccounts = try reader.flag()
                let digest = try reader.word()
                let findings = try reader.findings(path: path)
                let payload = try reader.skip(reader.count())
                guard reader.atEnd else { return nil }
                return FileParse(
                    store: store, body: body, payloadStart: base + payload.lowerBound, findings: findings, digest: digest,
                    isAccounts: isAccounts)
            } catch {
                return nil
            }
        }
    }
}

/// Byte-wise order of UTF-8 text: how the cache and `FileFingerprints` sort paths (and how git's
/// index does).
enum UTF8Order {
    /// <0, 0 or >0 as `a` sorts before, equal to or after `b`.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0, let left = a.baseAddress, let right = b.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }

    static func compare(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Int {
        if let order = text.utf8.withContiguousStorageIfAvailable({ compare(UnsafeRawBufferPointer($0), bytes) }) {
            return order
        }
        return Array(text.utf8).withUnsafeBytes { compare($0, bytes) }
    }

    static func compare(_ a: String, _ b: String) -> Int {
        if let order = b.utf8.withContiguousStorageIfAvailable({ compare(a, UnsafeRawBufferPointer($0)) }) {
            return order
        }
        return Array(b.utf8).withUnsafeBytes { compare(a, $0) }
    }

    static func precedes(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }
}
