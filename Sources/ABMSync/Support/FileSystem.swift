import Foundation

/// File operations that never leave a half-written file behind.
public enum FileSystem {
    /// The one writer for every file abmsync writes (working tree and `.git/abmsync`): `data` goes to a
    /// temporary file in the same folder (`.NAME.abmsync-PID-RANDOM.tmp`), flushed to disk, renamed
    /// over the target, and the folder flushed so the rename itself survives a power cut. A reader (or a
    /// crash at any instant) sees the old or the new content, never a piece. `durable: false` skips both
    /// flushes (caches, which are checked when read and may be lost in a crash). A full disk is an
    /// error naming the file; the old file is untouched and the temporary file removed.
    public static func writeAtomically(
        _ data: [UInt8], to path: String, permissions: Int? = nil, durable: Bool = true
    ) throws(AbmsyncError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw AbmsyncError.io(path: path, action: "create the folder for", reason: describe(error))
        }
        let temporary = folder + "/" + temporaryName(for: name)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions ?? 0o644))
        guard fd >= 0 else {
            throw AbmsyncError.io(path: path, action: "write", reason: reason(errno))
        }
        var written = 0
        var failure: Int32 = 0
        // Test-only: "mid-write:NAME" dies with half the new content in the temporary file.
        let end = FaultInjection.isArmed("mid-write:" + name) ? data.count / 2 : data.count
        data.withUnsafeBytes { buffer in
            while written < end {
                let n = write(fd, buffer.baseAddress! + written, end - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        FaultInjection.crashPoint("mid-write:" + name)
        if failure == 0, durable, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, let permissions { chmod(temporary, mode_t(permissions)) }
        if failure != 0 || rename(temporary, path) != 0 {
            let why = reason(failure != 0 ? failure : errno)
            unlink(temporary)
            throw AbmsyncError.io(path: path, action: "write", reason: why)
        }
        if durable { syncFolder(folder) }
        FaultInjection.crashPoint("after-write:" + name)
    }

    /// Flushes a folder's entries (a rename or unlink in it) to disk.
    public static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Removes `path` (a file) and flushes its folder; false when it did not exist.
    @discardableResult
    public static func removeDurably(_ path: String) -> Bool {
        guard unlink(path) == 0 else { return false }
        syncFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        return true
    }

    static func temporaryName(for name: String) -> String {
        ".\(name).abmsync-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// The pid in a temporary file name made by `temporaryName`, nil for any other name.
    static func temporaryFileOwner(_ name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp"), let marker = name.range(of: ".abmsync-", options: .backwards)
        else { return nil }
        let fields = name[marker.upperBound...].dropLast(4).split(separator: "-")
        guard fields.count == 2, let pid = pid_t(fields[0]), UInt32(fields[1]) != nil else { return nil }
        return pid
    }

    /// Removes temporary files that killed runs left: abmsync's own (`temporaryName`) in the working
    /// tree, in `.git` (merge state), `.git/hooks` and `.git/abmsync` once their process is gone (or they are over a minute old), and
    /// libgit2's in `.git/objects` once they are over five minutes old (a git program may be writing
    /// one right now). The caller holds the repository lock.
    public static func removeLeftoverTemporaryFiles(root: String, gitDirectory: String, now: Date = Date()) {
        func age(_ info: stat) -> TimeInterval { now.timeIntervalSince1970 - TimeInterval(info.st_mtim.tv_sec) }
        func sweep(_ folder: String, recursive: Bool, _ isLeftover: (String, stat) -> Bool) {
            guard let directory = opendir(folder) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." || name == ".git" { continue }
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR where recursive: sweep(path, recursive: true, isLeftover)
                case S_IFREG where isLeftover(name, info): unlink(path)
                default: break
                }
            }
        }
        let ours: (String, stat) -> Bool = { name, info in
            guard let owner = temporaryFileOwner(name) else { return false }
            let gone = owner != getpid() && kill(owner, 0) != 0 && errno == ESRCH
            return gone || age(info) > 60
        }
        sweep(root, recursive: true, ours)
        let git = gitDirectory.hasSuffix("/") ? String(gitDirectory.dropLast()) : gitDirectory
        sweep(git + "/abmsync", recursive: false, ours)
        sweep(git, recursive: false, ours)  // MERGE_HEAD, MERGE_MSG, MERGE_MODE, the hooks' folder's are written there
        sweep(git + "/hooks", recursive: false, ours)
        let libgit2: (String, stat) -> Bool = { name, info in
            (name.hasPrefix("tmp_object_git2_") || name.hasPrefix("pack_git2_")) && age(info) > 300
        }
        sweep(git + "/objects", recursive: false, libgit2)
        sweep(git + "/objects/pack", recursive: false, libgit2)
    }

    /// An errno as a person reads it; a full disk says what to do.
    static func reason(_ code: Int32) -> String {
        if code == ENOSPC || code == EDQUOT {
            return "the disk is full (nothing was changed: free some space, then run the command again)"
        }
        return String(cString: strerror(code))
    }

    public static func writeAtomically(_ text: String, to path: String, permissions: Int? = nil) throws(AbmsyncError) {
        try writeAtomically(Array(text.utf8), to: path, permissions: permissions)
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func describe(_ error: Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}
