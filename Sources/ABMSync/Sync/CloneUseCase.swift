import ABMCore
import Foundation
import GitKit

/// `abmsync clone URL [DIR]`: a teammate's first copy of the plans, with hooks and merge setup.
public enum CloneUseCase {
    public struct Result: Sendable {
        public var root: String
        /// The remote was empty: the clone was set up as a new plan repository.
        public var initialisedEmptyRemote: Bool
        public var setup: [String]
        public var accountCount: Int
    }

    public static func run(
        url: String, directory: String?, transfer: TransferSettings = TransferSettings(), executable: String
    ) throws(AbmsyncError) -> Result {
        try run(url: url, directory: directory, options: transfer.remoteOptions, executable: executable)
    }

    package static func run(url: String, directory: String?, options: RemoteOptions, executable: String)
        throws(AbmsyncError) -> Result
    {
        try RemoteAddress.refuseCredentials(url)
        let name = directory ?? defaultFolderName(for: url)
        let root = URL(fileURLWithPath: name).standardizedFileURL.path
        if FileSystem.exists(root), (try? FileManager.default.contentsOfDirectory(atPath: root).isEmpty) == false {
            throw .alreadyExists(what: "folder '\(name)'", location: nil, hint: "clone into a new or empty folder: abmsync clone URL other-name")
        }
        let repository: Repository
        do {
            repository = try Repository.clone(from: url, to: root, options: options, checkout: false)
        } catch {
            try? FileManager.default.removeItem(atPath: root)  // nothing half-cloned left behind
            throw SyncFailure(error, remote: RemoteDisplay.redacted(url)).asAbmsyncError
        }
        // The files are written only once the tree is known to hold no link where plans belong and
        // no plan that is not text.
        do {
            if let head = try repository.headCommitID() {
                let tree = try repository.commit(head).treeID
                try IncomingCheck.check(repository, tree: tree, since: nil)
                // Journalled like the first pull: a clone killed while libgit2 writes the files leaves
                // the journal, and the next run of any command in the folder writes the rest (nothing
                // missing is taken for a deletion of the person's).
                try CheckoutJournal(
                    kind: .first, branch: try repository.headReferenceName() ?? "refs/heads/main", old: nil, target: head,
                    from: nil, files: tree, stage: tree, paths: []
                ).run(PlanRepository(git: repository, root: root))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw AbmsyncError.from(error)
        }
        if !FileSystem.exists(root + "/" + WorkspaceFile.policy) {
            let initialised = try Initializer.run(at: root, remote: nil, executable: executable)
            return Result(root: root, initialisedEmptyRemote: true, setup: initialised.hooks.map(\.summary), accountCount: 0)
        }
        let plans = try PlanRepository.locate(from: root)
        var setup = try HookInstaller.install(in: plans.git, executable: executable).map(\.summary)
        setup += try Initializer.configureMergeDriverAndAttributes(plans)
        // Count the accounts from accounts.yaml alone (loading every plan just to count would double a
        // big clone's time).
        let listBytes = (try? WorkingTreeSource(root: root).read(WorkspaceFile.accounts)) ?? nil
        let listText = listBytes.flatMap { try? PlanText.decode($0) }
        let accounts = listText.flatMap { (try? YAMLParser.parse($0)) ?? nil }?["accounts"]?.entries?.count ?? 0
        return Result(root: root, initialisedEmptyRemote: false, setup: setup, accountCount: accounts)
    }

    /// `https://host/acme/abm-plans.git` → `abm-plans`.
    static func defaultFolderName(for url: String) -> String {
        var last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "plans"
        if last.hasSuffix(".git") { last = String(last.dropLast(4)) }
        return last.isEmpty ? "plans" : last
    }
}
