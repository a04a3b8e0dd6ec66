import Foundation

/// One abmsync at a time per clone: a lock file in the git folder holding the owner's pid.
/// A second process waits (up to `timeout`) and then fails clearly; a lock left by a process that
/// died is taken over.
public final class RepositoryLock {
    let path: String
    private var held = false

    public static func acquire(gitDirectory: String, timeout: TimeInterval = 15) throws(AbmsyncError) -> RepositoryLock {
        let lock = RepositoryLock(path: gitDirectory + "abmsync.lock")
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let fd = open(lock.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = "\(getpid())\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                lock.held = true
                return lock
            }
            guard errno == EEXIST else {
                throw .io(path: lock.path, action: "create the lock", reason: String(cString: strerror(errno)))
            }
            let owner = lock.ownerPID()
            if let owner, kill(owner, 0) != 0, errno == ESRCH {
                unlink(lock.path)  // left by a process that no longer runs
                continue
            }
            if owner == nil, let age = lock.age(), age > 60 {
                unlink(lock.path)  // unreadable and old: a crash while writing it
                continue
            }
            if Date() >= deadline {
                throw .invalidArgument(
                    "another abmsync is working in this repository (process \(owner.map(String.init) ?? "?"))",
                    hint: "wait for it to finish; if none is running, delete '\(lock.path)'")
            }
            usleep(100_000)
        }
    }

    private init(path: String) { self.path = path }

    private func ownerPID() -> pid_t? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return pid_t(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func age() -> TimeInterval? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return Date().timeIntervalSince(modified)
    }

    public func release() {
        guard held else { return }
        unlink(path)
        held = false
    }

    deinit { release() }
}
