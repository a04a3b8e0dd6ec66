import ABMCore
import Foundation

/// Reads plan files from a folder on disk (the working tree). Symbolic links are refused: a plan
/// repository holds regular files only, and a link could point outside it.
public struct WorkingTreeSource: ConcurrentWorkspaceSource {
    public let root: String
    public var label: String { "working tree" }

    public init(root: String) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// A fingerprint for every regular plan data file from its stat data (device, inode, size, mode,
    /// change and modification times, to the nanosecond), as git's index recognises unchanged
    /// files without reading them. Files changed in the last `racyWindow` seconds get none, so they
    /// are always read: an edit within the file system's timestamp granularity of the previous
    /// run cannot pass for the old content.
    public func fingerprints(racyWindow: Int = 2) -> [String: String] {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let settled = Self.nanoseconds(now) - racyWindow * 1_000_000_000
        var result: [String: String] = [:]
        for path in [WorkspaceFile.policy, WorkspaceFile.team, WorkspaceFile.accounts] {
            var info = stat()
            if lstat(root + "/" + path, &info) == 0, let fingerprint = Self.fingerprint(info, settledBefore: settled) {
                result[path] = fingerprint
            }
        }
        // The files `list` gives, each looked up from its open folder rather than from the root,
        // on all cores (a stat costs microseconds in the kernel, and there may be tens of thousands).
        var folders: [OpaquePointer] = []
        defer { for folder in folders { closedir(folder) } }
        var files: [(folder: Int32, name: String, path: String)] = []
        for kind in Plan.Kind.allCases {
            let folder = root + "/" + kind.folder
            var info = stat()
            guard lstat(folder, &info) == 0, info.st_mode & S_IFMT != S_IFLNK, let directory = opendir(folder) else {
                continue
            }
            folders.append(directory)
            while let entry = readdir(directory) {
                let name = Self.name(of: entry)
                guard !name.hasPrefix("."), name.hasSuffix(".md") else { continue }
                files.append((dirfd(directory), name, kind.folder + "/" + name))
            }
        }
        let fingerprints = Parallel.map(files, chunkSize: 256) { file -> String? in
            var info = stat()
            guard fstatat(file.folder, file.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
            return Self.fingerprint(info, settledBefore: settled)
        }
        result.reserveCapacity(result.count + files.count)
        for (file, fingerprint) in zip(files, fingerprints) {
            if let fingerprint { result[file.path] = fingerprint }
        }
        return result
    }

    private static func nanoseconds(_ time: timespec) -> Int { time.tv_sec * 1_000_000_000 + time.tv_nsec }

    /// The fingerprint of a regular file that has not changed since `settled` (nanoseconds).
    private static func fingerprint(_ info: stat, settledBefore settled: Int) -> String? {
        guard info.st_mode & S_IFMT == S_IFREG, nanoseconds(info.st_mtim) < settled, nanoseconds(info.st_ctim) < settled
        else { return nil }
        return fingerprint(info)
    }

    /// `stat:<device>:<inode>:<size>:<mode>:<mtime s>.<ns>:<ctime s>.<ns>`, written digit by digit
    /// (interpolating seven numbers cost more than the `lstat`).
    static func fingerprint(_ info: stat) -> String {
        String(unsafeUninitializedCapacity: 192) { buffer in
            var count = 0
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func number<Value: BinaryInteger>(_ value: Value) {
                if value < 0 { put(UInt8(ascii: "-")) }
                var magnitude = UInt64(value.magnitude)
                let start = count
                repeat {
                    put(UInt8(ascii: "0") + UInt8(magnitude % 10))
                    magnitude /= 10
                } while magnitude > 0
                buffer[start..<count].reverse()
            }
            for byte in "stat".utf8 { put(byte) }
            for value in [UInt64(info.st_dev), UInt64(info.st_ino)] {
                put(UInt8(ascii: ":"))
                number(value)
            }
            put(UInt8(ascii: ":"))
            number(info.st_size)
            put(UInt8(ascii: ":"))
            number(info.st_mode)
            for time in [info.st_mtim, info.st_ctim] {
                put(UInt8(ascii: ":"))
                number(time.tv_sec)
                put(UInt8(ascii: "."))
                number(time.tv_nsec)
            }
            return count
        }
    }

    /// A directory entry's name (bytes that are not UTF-8 are replaced, as `list` does).
    private static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }

    public func read(_ path: String) throws(SourceError) -> [UInt8]? {
        let full = root + "/" + path
        var info = stat()
        guard lstat(full, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw SourceError(path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: 4096)
            let length = readlink(full, &buffer, buffer.count - 1)
            let target = length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            throw SourceError(path: path, reason: .symbolicLink(target: target))
        case S_IFREG:
            break
        default:
            throw SourceError(path: path, reason: .notAFile)
        }
        let limit = path.hasSuffix(".md") ? WorkspaceFile.maxPlanBytes : WorkspaceFile.maxListBytes
        if Int(info.st_size) > limit {
            throw SourceError(path: path, reason: .tooLarge(bytes: Int(info.st_size), limit: limit))
        }
        let fd = open(full, O_RDONLY | O_NOFOLLOW)
        guard fd >= 0 else { throw SourceError(path: path, reason: .unreadable(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SourceError(path: path, reason: .unreadable(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            total += n
        }
        if total < bytes.count { bytes.removeLast(bytes.count - total) }
        return bytes
    }

    public func list(_ folder: String) throws(SourceError) -> [String] {
        let full = root + "/" + folder
        var info = stat()
        guard lstat(full, &info) == 0 else { return [] }
        if (info.st_mode & S_IFMT) == S_IFLNK {
            throw SourceError(path: folder, reason: .symbolicLink(target: "folder"))
        }
        guard let dir = opendir(full) else {
            throw SourceError(path: folder, reason: .unreadable(String(cString: strerror(errno))))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = Self.name(of: entry)
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            names.append(name)
        }
        return names.sorted()
    }
}
