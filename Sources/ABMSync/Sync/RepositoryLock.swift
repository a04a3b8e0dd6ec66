import Foundation

/// One abmsync at a time per clone: `.git/abmsync.lock`, held by the kernel (`flock`, released when the
/// process ends however it ends) and naming its holder ("PID START", START the process start time
/// from /proc/PID/stat, so a reused pid is not taken for the holder). A second process waits (up to
/// `timeout`) for a live holder and then fails clearly; a file nobody holds (empty, its process gone,
/// or its pid now another process) is taken over at once.
public final class RepositoryLock {
    let path: String
    private var fd: Int32 = -1

    public static func acquire(gitDirectory: String, timeout: TimeInterval = 15) throws(AbmsyncError) -> RepositoryLock {
        let lock = RepositoryLock(path: gitDirectory + "abmsync.lock")
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try lock.tryLock() { return lock }
            if Date() >= deadline {
                let holder = lock.holder()
                let who = holder.map { "process \($0.pid)" } ?? "another process"
                throw .invalidArgument(
                    "another abmsync is working in this repository (\(who)); it still holds '\(lock.path)'",
                    hint: "wait for it to finish, then run the command again (if it seems stuck: 'ps -p \(holder?.pid ?? 0)' shows it)")
            }
            usleep(100_000)
        }
    }

    private init(path: String) { self.path = path }

    /// One attempt: true when this process holds the lock now.
    private func tryLock() throws(AbmsyncError) -> Bool {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw .io(path: path, action: "create the lock", reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return false
        }
        // The file may have been removed (released) between open and flock: then this lock is on a
        // file nobody else will see; start again.
        var opened = stat()
        var named = stat()
        guard fstat(descriptor, &opened) == 0, lstat(path, &named) == 0, opened.st_ino == named.st_ino, opened.st_dev == named.st_dev
        else {
            close(descriptor)
            return try tryLock()
        }
        // An abmsync from before flock (pid only, no start time) that is still running holds it too.
        if let holder = Self.parse(contents(descriptor)), holder.start == nil, holder.pid != getpid(),
            kill(holder.pid, 0) == 0 || errno == EPERM
        {
            close(descriptor)
            return false
        }
        let text = "\(getpid()) \(Self.startTime(of: getpid()) ?? 0)\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        fd = descriptor
        return true
    }

    /// Who the lock file names (nil when it is empty or unreadable).
    func holder() -> (pid: pid_t, start: UInt64?)? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Self.parse(String(decoding: data, as: UTF8.self))
    }

    private func contents(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }

    static func parse(_ text: String) -> (pid: pid_t, start: UInt64?)? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard let first = fields.first, let pid = pid_t(first), pid > 0 else { return nil }
        return (pid, fields.count > 1 ? UInt64(fields[1]) : nil)
    }

    /// Field 22 of /proc/PID/stat (clock ticks since boot when the process started), nil when the
    /// process does not exist.
    static func startTime(of pid: pid_t) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    public func release() {
        guard fd >= 0 else { return }
        unlink(path)  // removed while still held, so a waiting process sees a new file, never this one
        close(fd)
        fd = -1
    }

    deinit { release() }
}
