import ABMCore
import Foundation

/// Keeps parse results between runs in `.git/abmsync/cache-v1`, so `validate --staged` re-reads
/// only files whose blob changed.
///
/// An optimisation only: the file is versioned (format, codec and the running executable), checked
/// (length and checksum), bounded in size and written atomically. Anything unexpected and it is
/// ignored, as if there were no cache; the next run that parses rewrites it.
public enum ParseCacheStore {
    static let magic: [UInt8] = Array("ABMSYNC-PARSE-CACHE\n".utf8)
    static let formatVersion: UInt32 = 1
    /// Larger caches are neither read nor written.
    public static let maxBytes = 256 * 1024 * 1024

    /// Where the cache of the repository whose git folder is `gitDirectory` lives: one for git
    /// snapshots (index and commits, keyed by blob id) and one for the working tree (keyed by stat
    /// data), so switching between them does not evict either.
    public static func path(gitDirectory: String, workingTree: Bool = false) -> String {
        (gitDirectory.hasSuffix("/") ? gitDirectory : gitDirectory + "/") + (workingTree ? "abmsync/tree-cache-v1" : "abmsync/cache-v1")
    }

    /// What an earlier run kept: parse records by path and the memo of the cross-file rules.
    public struct Contents: Sendable {
        public var parses = ParseRecords()
        public var memo: ValidationMemo?
    }

    /// The cached parse results, or none when the file is missing, from another build, or damaged.
    public static func read(_ path: String) -> Contents {
        guard let file = map(path), let payload = payload(of: file.bytes),
            let (parses, memo) = ParseCacheCodec.decodeWithMemo(file, range: payload)
        else { return Contents() }
        return Contents(parses: parses, memo: memo)
    }

    /// Replaces the cache; failures are ignored (the cache is only an optimisation).
    public static func write(_ parses: [String: FileParse], memo: ValidationMemo? = nil, to path: String) {
        // The header's length does not depend on what it says: the payload is encoded behind room for
        // it, which is filled in once the payload's length and checksum are known.
        let room = header(payloadCount: 0, checksum: 0).count
        var file = ParseCacheCodec.encode(parses, memo: memo, after: [UInt8](repeating: 0, count: room))
        let sum = checksum(file[room...])
        let filled = header(payloadCount: file.count - room, checksum: sum)
        file.replaceSubrange(0..<room, with: filled)
        guard file.count <= maxBytes else {
            unlink(path)
            return
        }
        try? FileSystem.writeAtomically(file, to: path, durable: false)
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

    /// The cache file mapped into memory (nil when missing, not a regular file, empty or too large).
    ///
    /// Mapped rather than read: the kernel hands over the page cache's pages instead of copying
    /// megabytes into fresh memory, which costs more than everything else a run does with them.
    /// As git does with its index and packs, this relies on the file never being rewritten in
    /// place: abmsync only ever replaces it (`FileSystem.writeAtomically` renames a new file over
    /// it), which leaves the mapped one intact.
    private static func map(_ path: String) -> ByteStore? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0, info.st_size <= maxBytes,
            let address = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0),
            address != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        return ByteStore(bytes: UnsafeRawBufferPointer(start: address, count: Int(info.st_size))) { bytes in
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        }
    }
}
