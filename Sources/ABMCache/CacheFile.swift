#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

import ABMCore

/// Where a run's parse records and memo are kept between runs: a file in `.git/abmsync` (ABMSync's
/// `ParseCacheStore`), or memory in tests. The bytes are `CacheFile`'s; the store only keeps them.
public protocol RecordStore {
    /// The bytes kept last time; nil when there are none.
    func load() -> ByteStore?
    /// Replaces them (atomically: a reader sees the old bytes or the new ones); failures are ignored,
    /// the cache is only an optimisation.
    func save(_ bytes: [UInt8])
    /// Removes them (a cache too large to keep).
    func remove()
}

/// The cache file: parse records by path and the memo of the cross-file rules, behind a header.
///
/// An optimisation only: the file is versioned (format, codec and the running executable), checked
/// (length and checksum) and bounded in size. Anything unexpected and it is ignored, as if there
/// were no cache; the next run that parses rewrites it.
public enum CacheFile {
    static let magic: [UInt8] = Array("ABMSYNC-PARSE-CACHE\n".utf8)
    static let formatVersion: UInt32 = 1
    /// Larger caches are neither read nor written.
    public static let maxBytes = 256 * 1024 * 1024

    /// What an earlier run kept: parse records by path and the memo of the cross-file rules.
    public struct Contents: Sendable {
        public var parses = ParseRecords()
        public var memo: ValidationMemo?
    }

    /// The contents of a cache file's bytes, or none when they are missing, from another build, or
    /// damaged.
    public static func decode(_ file: ByteStore?) -> Contents {
        guard let file, file.bytes.count <= maxBytes, let payload = payload(of: file.bytes),
            let (parses, memo) = ParseCacheCodec.decodeWithMemo(file, range: payload)
        else { return Contents() }
        return Contents(parses: parses, memo: memo)
    }

    /// The bytes of a cache file holding `parses` and `memo`; nil when they would be larger than
    /// `maxBytes`.
    public static func encode(_ parses: [String: FileParse], memo: ValidationMemo?) -> [UInt8]? {
        // The header's length does not depend on what it says: the payload is encoded behind room for
        // it, which is filled in once the payload's length and checksum are known.
        let room = header(payloadCount: 0, checksum: 0).count
        var file = ParseCacheCodec.encode(parses, memo: memo, after: [UInt8](repeating: 0, count: room))
        let sum = checksum(file[room...])
        let filled = header(payloadCount: file.count - room, checksum: sum)
        file.replaceSubrange(0..<room, with: filled)
        return file.count <= maxBytes ? file : nil
    }

    /// Writes `parses` and `memo` to `store` (or removes what it holds when they are too large).
    public static func write(_ parses: [String: FileParse], memo: ValidationMemo?, to store: some RecordStore) {
        if let bytes = encode(parses, memo: memo) { store.save(bytes) } else { store.remove() }
    }

    // MARK: - Layout: magic, version, build id, payload length, checksum, payload

    static func header(payloadCount: Int, checksum: UInt64) -> [UInt8] {
        var header = magic
        append(UInt64(formatVersion) << 32 | UInt64(ParseCacheCodec.version), to: &header)
        let build = Array(buildID.utf8)
        append(UInt64(build.count), to: &header)
        header += build
        append(UInt64(payloadCount), to: &header)
        append(checksum, to: &header)
        return header
    }

    /// Where the payload is in a cache file's `bytes`, once the header and the checksum match.
    static func payload(of bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        var position = 0
        func take(_ count: Int) -> Range<Int>? {
            guard count >= 0, count <= bytes.count - position else { return nil }
            defer { position += count }
            return position..<(position + count)
        }
        func word() -> UInt64? {
            guard let range = take(8) else { return nil }
            return bytes[range].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        guard take(magic.count).map({ bytes[$0].elementsEqual(magic) }) == true,
            word() == UInt64(formatVersion) << 32 | UInt64(ParseCacheCodec.version),
            let buildCount = word(), buildCount < 4096, let build = take(Int(buildCount)),
            bytes[build].elementsEqual(buildID.utf8),
            let count = word(), count == UInt64(bytes.count - position - 8),
            let sum = word(), let payload = take(Int(count)),
            checksum(UnsafeRawBufferPointer(rebasing: bytes[payload]).assumingMemoryBound(to: UInt8.self)) == sum
        else { return nil }
        return payload
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Identifies the running build: results parsed by another build of abmsync are not reused.
    static let buildID: String = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown" }
        return "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_ino)"
    }()

    /// A fast 64-bit checksum: catches damaged or truncated files, not tampering.
    static func checksum(_ bytes: some Collection<UInt8>) -> UInt64 { StableHash.digest(of: bytes) }
}
