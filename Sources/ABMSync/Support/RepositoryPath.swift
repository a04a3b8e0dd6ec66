import ABMCore
import Foundation

/// A file abmsync reads or writes inside a folder it owns (the working tree, or the `.git` folder):
/// the one rule for every such path. The path is relative and cannot leave the root (no `..`, no
/// `.git` component, nothing absolute: what git refuses stays refused), and it is never followed
/// through a symbolic link: every component that exists is checked with `lstat`, folders must be
/// real folders and the file a regular file. A teammate can commit a link at `accounts/` or
/// `.gitattributes`; abmsync then stops with an error naming it instead of reading or writing
/// wherever it points.
public struct RepositoryPath: Sendable, CustomStringConvertible {
    /// Why a path cannot be used.
    public enum Problem: Hashable, Sendable {
        /// `component` (a prefix of the path) is a symbolic link to `target`.
        case symbolicLink(component: String, target: String)
        /// `component` should be a folder (or the file a regular file) but is something else.
        case notAFolder(component: String)
        case notAFile
        /// The path itself is not a plain relative path inside the root.
        case outsideRepository(reason: String)
    }

    /// The folder the path is relative to, without a trailing slash.
    public let root: String
    /// Slash-separated, relative to `root`.
    public let relative: String

    public init(_ relative: String, in root: String) throws(AbmsyncError) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.relative = relative
        if let reason = Self.syntaxProblem(relative) {
            throw Self.error(relative, .outsideRepository(reason: reason))
        }
    }

    public var full: String { root + "/" + relative }
    public var description: String { relative }

    /// The path's problem, if any of its existing components is a link or not what it should be;
    /// nil when it is safe to read or write (the file itself may not exist yet).
    public func problem() -> Problem? {
        Self.problem(relative, in: root)
    }

    /// Throws the path's problem as an error that names the file, says why and what to do.
    public func check() throws(AbmsyncError) {
        if let problem = problem() { throw Self.error(relative, problem) }
    }

    /// Whether the file exists (checked first: a link is an error, not an absent file).
    public func exists() throws(AbmsyncError) -> Bool {
        try check()
        var info = stat()
        return lstat(full, &info) == 0
    }

    /// The file's bytes, nil when it does not exist. Opened with `O_NOFOLLOW` after the check.
    public func read() throws(AbmsyncError) -> [UInt8]? {
        try check()
        let fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw Self.error(relative, .symbolicLink(component: relative, target: "?")) }
            throw AbmsyncError.io(path: relative, action: "read", reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AbmsyncError.io(path: relative, action: "read", reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    /// Writes the file atomically (`FileSystem.writeAtomically`), creating missing folders one by
    /// one; nothing is written when a component is a link. The final rename replaces a link at the
    /// file itself rather than writing through it, but a link there is refused first all the same.
    public func write(_ bytes: [UInt8], permissions: Int? = nil, durable: Bool = true) throws(AbmsyncError) {
        try createFolders()
        try FileSystem.writeAtomically(bytes, to: full, permissions: permissions, durable: durable)
    }

    public func write(_ text: String, permissions: Int? = nil) throws(AbmsyncError) {
        try write(Array(text.utf8), permissions: permissions)
    }

    /// Creates the folders above the file that are missing, each checked before the next.
    func createFolders() throws(AbmsyncError) {
        try check()
        let components = relative.split(separator: "/")
        var prefix = root
        for component in components.dropLast() {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw AbmsyncError.io(path: relative, action: "create the folder for", reason: String(cString: strerror(errno)))
            }
        }
        try check()
    }

    // MARK: - The rule

    /// Why `relative` is not a plain path inside the root, or nil. A control character in a name is
    /// not a way out of the repository: a teammate's file so named is checked out as git does, printed
    /// escaped, and reported by validate as an invalid id (`plan-file-name`).
    static func syntaxProblem(_ relative: String) -> String? {
        if relative.isEmpty { return "the path is empty" }
        if relative.hasPrefix("/") { return "the path is absolute" }
        for component in relative.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty || component == "." || component == ".." { return "the path has an empty, '.' or '..' part" }
            if isGitFolderName(component) { return "'\(component)' is git's own folder" }
        }
        return nil
    }

    /// `.git` and the names git treats as the same on case-insensitive or NTFS file systems
    /// (`.GIT`, `git~1`, `.git.`, `.git ` …), as git refuses them in trees.
    static func isGitFolderName(_ name: Substring) -> Bool {
        var lowered = name.lowercased()
        while let last = lowered.last, last == "." || last == " " { lowered.removeLast() }
        return lowered == ".git" || lowered == "git~1"
    }

    /// Walks the existing components of `relative` below `root` with `lstat`; the last one must be
    /// a regular file, or a folder with `folder`.
    public static func problem(_ relative: String, in root: String, folder: Bool = false) -> Problem? {
        if let reason = syntaxProblem(relative) { return .outsideRepository(reason: reason) }
        let components = relative.split(separator: "/")
        var prefix = root
        var shown = ""
        var info = stat()
        for (index, component) in components.enumerated() {
            prefix += "/" + component
            shown += (shown.isEmpty ? "" : "/") + component
            guard lstat(prefix, &info) == 0 else { return nil }  // missing: nothing below exists either
            let isLast = index == components.count - 1
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                return .symbolicLink(component: shown, target: linkTarget(prefix))
            case S_IFDIR:
                if isLast, !folder { return .notAFile }
            case S_IFREG:
                if !isLast || folder { return .notAFolder(component: shown) }
            default:
                return isLast ? .notAFile : .notAFolder(component: shown)
            }
        }
        return nil
    }

    static func linkTarget(_ path: String) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: pointer.count) {
                readlink(path, $0, pointer.count - 1)
            }
        }
        return length > 0 ? String(decoding: buffer[0..<length], as: UTF8.self) : "?"
    }

    static func error(_ relative: String, _ problem: Problem) -> AbmsyncError {
        .unsafePath(path: relative, problem: problem)
    }
}

extension RepositoryPath.Problem {
    /// Why, in words, for `error: abmsync will not read or write '<path>': <why>`.
    public var reason: String {
        switch self {
        case .symbolicLink(let component, let target):
            return "'\(component)' is a symbolic link (to '\(target)'); abmsync never reads or writes through links"
        case .notAFolder(let component):
            return "'\(component)' should be a folder but is a file"
        case .notAFile:
            return "it is a folder or a special file, not a regular file"
        case .outsideRepository(let reason):
            return "\(reason), so it would not stay inside the repository"
        }
    }

    public var hint: String {
        switch self {
        case .symbolicLink(let component, _):
            return "a plan repository holds regular files and folders only: replace '\(component)' with the real "
                + "file or folder (if a teammate committed the link, ask them to), then try again"
        case .notAFolder(let component):
            return "rename or remove '\(component)', then try again"
        case .notAFile:
            return "rename or remove it, then try again"
        case .outsideRepository:
            return "use a plain name inside the plan repository"
        }
    }
}
