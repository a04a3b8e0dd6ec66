import Foundation

/// File operations that never leave a half-written file behind.
public enum FileSystem {
    /// Writes `data` to `path` atomically: a temporary file in the same folder, flushed, then renamed
    /// over the target. A reader sees the old or the new content, never a mix. `durable: false` skips
    /// the flush to disk (for caches, which are checked when read and may be lost in a crash).
    public static func writeAtomically(
        _ data: [UInt8], to path: String, permissions: Int? = nil, durable: Bool = true
    ) throws(AbmsyncError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw AbmsyncError.io(path: path, action: "create the folder for", reason: describe(error))
        }
        let temporary = folder + "/.\(url.lastPathComponent).abmsync-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode_t(permissions ?? 0o644))
        guard fd >= 0 else {
            throw AbmsyncError.io(path: path, action: "write", reason: String(cString: strerror(errno)))
        }
        var written = 0
        var failure: Int32 = 0
        data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if failure == 0, durable, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, let permissions { chmod(temporary, mode_t(permissions)) }
        if failure != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(failure != 0 ? failure : errno))
            unlink(temporary)
            throw AbmsyncError.io(path: path, action: "write", reason: reason)
        }
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
