import Foundation
import GitKit

/// What every abmsync command that writes into a repository (new, resolve, hooks install, init run
/// again, schema; pull, push and sync through their own session) holds while it works: abmsync's
/// repository lock, this run's record, git's lock files a killed abmsync run left taken away (any
/// other named with what to do), a step a killed run left half done finished, and its temporary
/// files removed. The merge driver takes none of it: git, or abmsync's own pull, calls it while
/// holding the repository.
public final class WritingHold {
    private var lock: RepositoryLock?
    private let gitDirectory: String

    /// Holds `repository` (its current branch's git locks, and origin's copy of it, are checked).
    static func take(_ repository: PlanRepository) throws(AbmsyncError) -> WritingHold {
        let hold = try take(git: repository.git, root: repository.root)
        do {
            _ = try CheckoutJournal.recover(repository)
        } catch {
            hold.release()
            throw error
        }
        FileSystem.removeLeftoverTemporaryFiles(root: repository.root, gitDirectory: repository.git.gitDirectory)
        return hold
    }

    /// The lock and the git locks only (a repository init is still setting up).
    static func take(git: Repository, root: String) throws(AbmsyncError) -> WritingHold {
        let lock = try RepositoryLock.acquire(gitDirectory: git.gitDirectory)
        let branch = ((try? git.currentBranch()) ?? nil) ?? "main"
        try GitLocks.prepare(gitDirectory: git.gitDirectory, root: root, branch: branch, remote: "origin")
        return WritingHold(lock: lock, gitDirectory: git.gitDirectory)
    }

    private init(lock: RepositoryLock, gitDirectory: String) {
        self.lock = lock
        self.gitDirectory = gitDirectory
    }

    public func release() {
        guard let lock else { return }
        GitLocks.finish(gitDirectory: gitDirectory)
        lock.release()
        self.lock = nil
    }

    deinit { release() }
}

extension PlanRepository {
    /// Holds this repository for a command that writes; release when done (or let it go out of scope).
    public func holdForWriting() throws(AbmsyncError) -> WritingHold { try WritingHold.take(self) }
}
