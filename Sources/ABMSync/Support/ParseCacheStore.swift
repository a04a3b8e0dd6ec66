import ABMCache
import ABMCore
import Foundation

/// Keeps the validation cache (`CacheFile`'s bytes) in `.git/abmsync/cache-v1`, so
/// `validate --staged` re-reads only files whose blob changed; `tree-cache-v1` for the working tree.
public struct ParseCacheStore: RecordStore {
    public let path: String

    public init(path: String) { self.path = path }

    /// Where the cache of the repository whose git folder is `gitDirectory` lives: one for git
    /// snapshots (index and commits, keyed by blob id) and one for the working tree (keyed by stat
    /// data), so switching between them does not evict either.
    public static func path(gitDirectory: String, workingTree: Bool = false) -> String {
        (gitDirectory.hasSuffix("/") ? gitDirectory : gitDirectory + "/") + (workingTree ? "abmsync/tree-cache-v1" : "abmsync/cache-v1")
    }

    public init(gitDirectory: String, workingTree: Bool = false) {
        self.init(path: Self.path(gitDirectory: gitDirectory, workingTree: workingTree))
    }

    /// The cache file mapped into memory (nil when missing, not a regular file, empty or too large).
    ///
    /// Mapped rather than read: the kernel hands over the page cache's pages instead of copying
    /// megabytes into fresh memory, which costs more than everything else a run does with them.
    /// As git does with its index and packs, this relies on the file never being rewritten in
    /// place: abmsync only ever replaces it (`FileSystem.writeAtomically` renames a new file over
    /// it), which leaves the mapped one intact.
    public func load() -> ByteStore? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0, info.st_size <= CacheFile.maxBytes,
            let address = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0),
            address != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        return ByteStore(bytes: UnsafeRawBufferPointer(start: address, count: Int(info.st_size))) { bytes in
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        }
    }

    public func save(_ bytes: [UInt8]) { try? FileSystem.writeAtomically(bytes, to: path, durable: false) }

    public func remove() { unlink(path) }

    /// The cached parse results at `path`, or none when the file is missing, from another build, or damaged.
    public static func read(_ path: String) -> CacheFile.Contents { CacheFile.decode(ParseCacheStore(path: path).load()) }

    /// Replaces the cache at `path`; failures are ignored (the cache is only an optimisation).
    public static func write(_ parses: [String: FileParse], memo: ValidationMemo? = nil, to path: String) {
        CacheFile.write(parses, memo: memo, to: ParseCacheStore(path: path))
    }
}
