import ABMCache
import ABMCore
import Foundation

/// Reads plan files from a folder on disk (the working tree). Symbolic links are refused: a plan
/// repository holds regular files only, and a link could point outside it.
public struct WorkingTreeSource: ConcurrentWorkspaceSource {
    public let root: String
    /// The plan folders' paths (or why a folder cannot be listed), when `listingPlanFolders()` took
    /// them: the folders are then read once, however often they are asked for.
    private var planFolders: [String: Result<[String], SourceError>] = [:]
    public var label: String { "working tree" }

    public init(root: String) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// This source with every plan folder listed now, once: `fingerprints` and the loader then see
    /// the same files, and a run reads each folder (10,000 entries) once instead of twice.
    public func listingPlanFolders() -> WorkingTreeSource {
        var copy = self
        for kind in Plan.Kind.allCases {
            copy.planFolders[kind.folder] = Result(catching: { () throws(SourceError) -> [String] in
                try listFolder(kind.folder).map { kind.folder + "/" + $0 }
            })
        }
        return copy
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
        func add(_ path: String, _ info: stat) {
            guard info.st_mode & S_IFMT == S_IFREG, nanoseconds(info.st_mtim) < settled, nanoseconds(info.st_ctim) < settled
            else { return }
            result.add(path) { Self.appendStatText(info, to: &$0) }
        }
        let rootFolder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFolder >= 0 else { return result.build() }
        defer { close(rootFolder) }
        var info = stat()
        func addIfRegular(_ path: String) {
            if path.withCString({ fstatat(rootFolder, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 { add(path, info) }
        }
        // In byte order (abmsync.yaml, accounts.yaml, accounts/…, clusters/…, programs/…,
        // team.yaml), so the table needs no sorting.
        addIfRegular(WorkspaceFile.policy)
        addIfRegular(WorkspaceFile.accounts)
        for kind in Plan.Kind.allCases {
            guard let paths = try? paths(in: kind.folder) else { continue }
            for path in paths where WorkspaceFile.hasPlanExtension(path) { addIfRegular(path) }
        }
        addIfRegular(WorkspaceFile.team)
        return result.build()
    }

    /// Appends the fingerprint text of `info`: "stat:dev:ino:size:mode:mtime:ctime", the times as
    /// seconds.nanoseconds. Written backwards into one buffer, digit by digit: this runs for every
    /// file of the repository.
    private static func appendStatText(_ info: stat, to text: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 192) { buffer in
            var start = buffer.count
            func put(_ byte: Unicode.Scalar) {
                start -= 1
                buffer[start] = UInt8(ascii: byte)
            }
            func put(_ value: Int) {
                var rest = value.magnitude
                repeat {
                    start -= 1
                    buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                } while rest > 0
                if value < 0 { put("-") }
            }
            put(info.st_ctim.tv_nsec)
            put(".")
            put(info.st_ctim.tv_sec)
            put(":")
            put(info.st_mtim.tv_nsec)
            put(".")
            put(info.st_mtim.tv_sec)
            put(":")
            put(Int(info.st_mode))
            put(":")
            put(Int(info.st_size))
            put(":")
            put(Int(bitPattern: UInt(info.st_ino)))
            put(":")
            put(Int(bitPattern: UInt(info.st_dev)))
            for character in "stat:".unicodeScalars.reversed() { put(character) }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start...]))
        }
    }

    public func read(_ path: String) throws(SourceError) -> [UInt8]? {
        let full = root + "/" + path
        // The folders above the file: never through a link (the repository path rule).
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            switch RepositoryPath.problem(String(path[..<slash]), in: root, folder: true) {
            case nil: break
            case .symbolicLink(let component, let target)?:
                throw SourceError(path: component, reason: .symbolicLink(target: target))
            case .notAFolder?: return nil
            case .notAFile?: throw SourceError(path: path, reason: .notAFile)
            case .outsideRepository(let reason)?: throw SourceError(path: path, reason: .unreadable(reason))
            }
        }
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
        if let listed = planFolders[folder] { return try listed.get().map { String($0.dropFirst(folder.count + 1)) } }
        return try listFolder(folder)
    }

    public func paths(in folder: String) throws(SourceError) -> [String] {
        if let listed = planFolders[folder] { return try listed.get() }
        return try listFolder(folder).map { folder + "/" + $0 }
    }

    /// The names in `folder`, read now.
    private func listFolder(_ folder: String) throws(SourceError) -> [String] {
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
