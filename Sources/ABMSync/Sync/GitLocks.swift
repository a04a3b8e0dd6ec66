import Foundation

/// git's lock files (`index.lock`, `refs/heads/main.lock`, …) that a process leaves when it dies
/// while holding them, and which then block every later write with "the index is locked".
///
/// abmsync proves a lock is its own leftover before removing it: the run that died left its run
/// record (`abmsync-run` in the git folder, written when a run starts and removed when it ends,
/// always under abmsync's own repository lock), that run's process no longer exists, the lock file
/// was written after that run started, and no git process is working in this repository now (on
/// Linux, read from /proc; elsewhere abmsync cannot tell and never removes a lock). Any other lock
/// is reported with the file, how to check nothing else is running, and how to remove it.
enum GitLocks {
    /// The lock files libgit2 takes during a pull, push or sync.
    static func candidates(branch: String, remote: String) -> [String] {
        ["index.lock", "HEAD.lock", "refs/heads/\(branch).lock", "refs/remotes/\(remote)/\(branch).lock",
         "packed-refs.lock", "config.lock"]
    }

    /// Starts this run's record and clears or reports the git locks in the way. Call with abmsync's
    /// repository lock held.
    static func prepare(gitDirectory: String, root: String, branch: String, remote: String) throws(AbmsyncError) {
        let record = gitDirectory + "abmsync-run"
        let crashedRun = previousRun(record)
        for name in candidates(branch: branch, remote: remote) {
            let path = gitDirectory + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let written = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            if let crashedRun, written >= crashedRun - 1, !gitIsRunning(in: root), unlink(path) == 0 { continue }
            throw .invalidArgument(
                "git's lock file '\(display(path, root: root))' is in the way: a git program is working in this repository, "
                    + "or one stopped before it could clean up",
                hint: "check that nothing else (git, an editor or an IDE) is working in this repository: close them, or look with "
                    + "'ps aux | grep git'; then remove the file with: rm '\(path)' and run the command again")
        }
        try FileSystem.writeAtomically("\(getpid()) \(Date().timeIntervalSince1970)\n", to: record)
    }

    /// True when `error` is git saying one of its lock files is there (a process working, or one killed).
    static func isLockInTheWay(_ error: AbmsyncError) -> Bool {
        if case .git(let git, _) = error { return git.code == .locked }
        return false
    }

    /// Ends this run's record: the run finished (successfully or with a reported error).
    static func finish(gitDirectory: String) {
        unlink(gitDirectory + "abmsync-run")
    }

    /// When an earlier run's record is still there and its process is gone: the time it started.
    private static func previousRun(_ record: String) -> Double? {
        guard let data = FileManager.default.contents(atPath: record) else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let pid = pid_t(fields[0]), let started = Double(fields[1]) else { return nil }
        if pid != getpid(), kill(pid, 0) == 0 || errno != ESRCH { return nil }  // still running: not a leftover
        return started
    }

    /// True when a git process has its working folder in `root`, or when abmsync cannot tell.
    private static func gitIsRunning(in root: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
        let own = getpid()
        for entry in entries {
            guard let pid = pid_t(entry), pid != own else { continue }
            guard let comm = FileManager.default.contents(atPath: "/proc/\(entry)/comm") else { continue }
            guard String(decoding: comm, as: UTF8.self).hasPrefix("git") else { continue }
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd") else { continue }
            if cwd == root || cwd.hasPrefix(root + "/") { return true }
        }
        return false
    }

    private static func display(_ path: String, root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}
