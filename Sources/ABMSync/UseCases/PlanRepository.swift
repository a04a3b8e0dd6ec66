import ABMCore
import Foundation
import GitKit

/// A plan repository on disk: its git repository (through GitKit) and its working tree.
public final class PlanRepository {
    /// Only the use cases (and tests) reach git; the command layer speaks in plan terms.
    package let git: Repository
    /// The working tree root, without a trailing slash.
    public let root: String

    init(git: Repository, root: String) {
        self.git = git
        self.root = root
    }

    /// Finds the plan repository containing `path` (like git, walking up), and checks it holds abmsync.yaml.
    public static func locate(from path: String) throws(AbmsyncError) -> PlanRepository {
        guard FileSystem.exists(path) else {
            throw .io(path: path, action: "open", reason: "no such file or folder")
        }
        guard access(path, R_OK | X_OK) == 0 else {
            throw .io(path: path, action: "open", reason: String(cString: strerror(errno)))
        }
        let repository: Repository
        do {
            repository = try Repository.discover(from: path)
        } catch {
            if error.code == .notFound { throw .notAGitRepository(path: path) }
            throw .git(error, hint: error.code == .owner ? "the folder belongs to another user; run abmsync as that user" : nil)
        }
        guard let workdir = repository.workingDirectory else {
            throw .invalidArgument("'\(path)' is a bare repository with no working files", hint: "clone it with 'abmsync clone'")
        }
        let root = String(workdir.dropLast())
        let planRepository = PlanRepository(git: repository, root: root)
        try planRepository.finishInterruptedStep()
        guard FileSystem.exists(root + "/" + WorkspaceFile.policy) else { throw .notAPlanRepository(path: root) }
        return planRepository
    }

    /// Every command starts here: a pull step a killed run left half done (`CheckoutJournal`) is
    /// finished before anything reads the working files, so abmsync's own half-done work is never taken
    /// for the person's edit. When another abmsync holds the repository the step is its own, still
    /// running: it is left to it.
    func finishInterruptedStep() throws(AbmsyncError) {
        guard FileSystem.exists(CheckoutJournal.path(gitDirectory: git.gitDirectory)) else { return }
        guard let lock = try? RepositoryLock.acquire(gitDirectory: git.gitDirectory, timeout: 0) else { return }
        defer { lock.release() }
        // A git lock file a killed run left in the way is settled by the next pull/push/sync, which
        // then finishes the step (GitLocks); any other command goes on with the files as they are.
        do {
            try CheckoutJournal.recover(self)
        } catch where GitLocks.isLockInTheWay(error) {
            return
        }
    }

    public func path(_ relative: String) -> String { root + "/" + relative }

    /// `relative` in the working tree, under the one path rule (never through a link, never outside).
    public func file(_ relative: String) throws(AbmsyncError) -> RepositoryPath {
        try RepositoryPath(relative, in: root)
    }

    /// The identity commits are recorded with, from git configuration.
    public func identity() throws(AbmsyncError) -> Signature {
        do {
            if let signature = try git.configuredSignature() { return signature }
        } catch {
            throw .git(error)
        }
        throw .identityMissing(
            hint: "set it once with: git config --global user.name \"Your Name\" && git config --global user.email you@example.com")
    }
}

@available(*, unavailable)
extension PlanRepository: Sendable {}
