import ABMCore
import Foundation

/// Reads plan files from a folder on disk (the working tree). Symbolic links are refused: a plan
/// repository holds regular files only, and a link could point outside it.
public struct WorkingTreeSource: WorkspaceSource {
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
    public func fingerprints(racyWindow: Int = 2) -> FileFingerprints {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        func nanoseconds(_ time: timespec) -> Int { time.tv_sec * 1_000_000_000 + time.tv_nsec }
        let settled = nanoseconds(now) - racyWindow * 1_000_000_000
        var result = FileFingerprints.Builder()
        func add(_ path: String) {
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                nanoseconds(info.st_mtim) < settled, nanoseconds(info.st_ctim) < settled
            else { return }
            result.add(
                path,
                "stat:\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mode):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)")
        }
        for path in [WorkspaceFile.policy, WorkspaceFile.team, WorkspaceFile.accounts] { add(path) }
        for kind in Plan.Kind.allCases {
            guard let names = try? list(kind.folder) else { continue }
            for name in names where name.hasSuffix(".md") { add(kind.folder + "/" + name) }
        }
        return result.build()
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
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            names.append(name)
        }
        return names.sorted()
    }
}
