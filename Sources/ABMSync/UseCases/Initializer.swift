import ABMCore
import Foundation
import GitKit

/// `abmsync init`: makes a folder a plan repository. Running it again changes nothing.
public enum Initializer {
    public struct Result: Sendable {
        public var root: String
        /// Files written (relative paths).
        public var created: [String] = []
        public var createdGitRepository = false
        public var commit: String?
        public var hooks: [HookInstaller.Outcome] = []
        public var mergeDriverConfigured = false
        /// abmsync's merge lines were added to .git/info/attributes (this copy only): an existing plan
        /// repository whose .gitattributes lacks them.
        public var localAttributesAdded = false
        public var remoteAdded: String?
        /// Set when the initial commit was recorded under abmsync's own name (no git identity).
        public var usedFallbackIdentity = false

        public var changedNothing: Bool {
            created.isEmpty && !createdGitRepository && commit == nil && !hooks.contains(where: \.changedSomething)
                && !mergeDriverConfigured && !localAttributesAdded && remoteAdded == nil
        }
    }

    /// Lines abmsync keeps in .gitattributes so plain `git merge` uses its merge driver.
    public static let attributes = [
        "abmsync.yaml merge=abmsync",
        "team.yaml merge=abmsync",
        "accounts.yaml merge=abmsync",
        "accounts/*.md merge=abmsync",
        "clusters/*.md merge=abmsync",
        "programs/*.md merge=abmsync",
    ]

    public static func run(at directory: String, remote: String?, executable: String) throws(AbmsyncError) -> Result {
        if let remote { try RemoteAddress.refuseCredentials(remote) }
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        if FileSystem.exists(root), !FileSystem.isDirectory(root) {
            throw .invalidArgument("'\(directory)' is a file, not a folder", hint: "pick a folder name for the plan repository")
        }
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw .io(path: root, action: "create the folder", reason: FileSystem.describe(error))
        }
        guard access(root, W_OK) == 0 else { throw .io(path: root, action: "write into", reason: String(cString: strerror(errno))) }
        var result = Result(root: root)

        // The git repository: reuse the one at this folder, or create one with `main`.
        let repository: Repository
        if FileSystem.exists(root + "/.git") {
            do { repository = try Repository.open(at: root) } catch { throw .git(error) }
        } else {
            do { repository = try Repository.create(at: root, initialBranch: "main") } catch { throw .git(error) }
            result.createdGitRepository = true
        }
        // A run again in a plan repository writes its config, hooks and maybe a commit: held like any
        // writing command (git lock files a killed abmsync left are taken away first).
        let hold = try WritingHold.take(git: repository, root: root)
        defer { hold.release() }

        // An existing plan repository (a clone: abmsync.yaml is in its history) is only set up here
        // (hooks, merge driver, attributes in .git/info): its shared files are the team's, so init
        // writes none of them and records nothing. A new one gets the templates where missing.
        let existingPlans = Self.hasCommittedPolicy(repository)
        let files: [(String, String)] = existingPlans ? [] : [
            (WorkspaceFile.policy, BundledFiles.policy),
            (WorkspaceFile.team, BundledFiles.team),
            (WorkspaceFile.accounts, BundledFiles.accounts),
            ("accounts/.gitkeep", ""), ("clusters/.gitkeep", ""), ("programs/.gitkeep", ""),
        ] + BundledFiles.schemas.map { (BundledFiles.schemaFolder + "/" + $0.name, $0.content) }
        for (path, content) in files {
            let file = try RepositoryPath(path, in: root)
            if try file.exists() { continue }
            if path.hasSuffix(".gitkeep"), FileSystem.isDirectory(root + "/" + path.dropLast(9)) { continue }
            try file.write(content)
            result.created.append(path)
        }
        if existingPlans {
            result.localAttributesAdded = try ensureLocalAttributes(repository, root: root)
        } else if try ensureAttributes(root: root) {
            result.created.append(".gitattributes")
        }
        result.mergeDriverConfigured = try configureMergeDriver(repository, executable: executable)

        if let remote {
            do {
                if let existing = try repository.remote(named: "origin") {
                    if existing.url != remote {
                        throw AbmsyncError.invalidArgument(
                            "this repository already shares with '\(existing.url)'",
                            hint: "use that remote, or change it with: git remote set-url origin \(remote)")
                    }
                } else {
                    try repository.addRemote(name: "origin", url: remote)
                    result.remoteAdded = remote
                }
            } catch {
                throw AbmsyncError.from(error)
            }
        }

        // First commit (or a commit of what init just added). The shared files someone wrote before
        // init (a team.yaml prepared by hand) go into a first commit too: who may change what is read
        // from the last commit, so left out they could only be added by someone no commit lists.
        var committed = result.created
        if !existingPlans, repository.isHeadUnborn {
            for path in [WorkspaceFile.policy, WorkspaceFile.team, WorkspaceFile.accounts] where !committed.contains(path) {
                if try RepositoryPath(path, in: root).exists() { committed.append(path) }
            }
        }
        if !result.created.isEmpty || repository.isHeadUnborn {
            result.commit = try commitInitialFiles(repository, paths: committed, result: &result)
        }
        result.hooks = try HookInstaller.install(in: repository, executable: executable)
        return result
    }

    /// Appends abmsync's merge lines to .gitattributes; true when the file changed.
    static func ensureAttributes(root: String) throws(AbmsyncError) -> Bool {
        // Read and written only as a regular file: a committed link here would make abmsync copy
        // whatever it points at (a private file, /proc/self/environ) into the next commit.
        let file = try RepositoryPath(".gitattributes", in: root)
        let existing = try file.read().map { String(decoding: $0, as: UTF8.self) } ?? ""
        let present = Set(existing.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) })
        let missing = attributes.filter { !present.contains($0) }
        guard !missing.isEmpty else { return false }
        var text = existing
        if !text.isEmpty, text.utf8.last != UInt8(ascii: "\n") { text += "\n" }
        if !text.contains("# abmsync:") { text += "# abmsync: merge plans field by field and section by section\n" }
        text += missing.joined(separator: "\n") + "\n"
        try file.write(text)
        return true
    }

    /// True when HEAD's tree holds abmsync.yaml: a plan repository someone already set up.
    static func hasCommittedPolicy(_ repository: Repository) -> Bool {
        guard let head = try? repository.headCommitID(), let tree = try? repository.commit(head).treeID else { return false }
        return ((try? repository.treeEntry(at: WorkspaceFile.policy, inTree: tree)) ?? nil) != nil
    }

    /// abmsync's merge lines that neither .gitattributes nor .git/info/attributes has.
    static func missingAttributes(_ repository: Repository, root: String) -> [String] {
        var present: Set<String> = []
        for path in [root + "/.gitattributes", repository.gitDirectory + "info/attributes"] {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                present.insert(line.trimmingCharacters(in: .whitespaces))
            }
        }
        return attributes.filter { !present.contains($0) }
    }

    /// Adds abmsync's missing merge lines to .git/info/attributes: git reads them like .gitattributes
    /// (with precedence), but they belong to this copy, so `git status` stays clean and nothing is
    /// recorded for the team. True when the file changed.
    static func ensureLocalAttributes(_ repository: Repository, root: String) throws(AbmsyncError) -> Bool {
        let missing = missingAttributes(repository, root: root)
        guard !missing.isEmpty else { return false }
        let folder = repository.gitDirectory + "info"
        let path = folder + "/attributes"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .io(path: folder, action: "create the folder", reason: FileSystem.describe(error))
        }
        var text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !text.isEmpty, text.utf8.last != UInt8(ascii: "\n") { text += "\n" }
        if !text.contains("# abmsync:") { text += "# abmsync: merge plans field by field and section by section (this copy)\n" }
        text += missing.joined(separator: "\n") + "\n"
        try FileSystem.writeAtomically(text, to: path)
        return true
    }

    /// Registers the merge driver in .git/config; true when it changed.
    static func configureMergeDriver(_ repository: Repository, executable: String) throws(AbmsyncError) -> Bool {
        let driver = "'\(executable.replacingOccurrences(of: "'", with: "'\\''"))' merge-driver %O %A %B %P"
        do {
            if try repository.configString("merge.abmsync.driver") == driver { return false }
            try repository.setConfig("merge.abmsync.name", to: "abmsync structure-aware merge of account plans")
            try repository.setConfig("merge.abmsync.driver", to: driver)
            return true
        } catch {
            throw .git(error)
        }
    }

    private static func commitInitialFiles(_ repository: Repository, paths: [String], result: inout Result)
        throws(AbmsyncError) -> String?
    {
        do {
            let index = try repository.index()
            for path in paths { try index.addFromWorkingTree(path: path) }
            try index.write()
            let tree = try index.writeTree(to: repository)
            let parent = try repository.headCommitID()
            if let parent, try repository.commit(parent).treeID == tree { return nil }
            var author = try repository.configuredSignature()
            if author == nil {
                result.usedFallbackIdentity = true
                author = Signature(name: "abmsync", email: "abmsync@localhost", time: Int64(Date().timeIntervalSince1970))
            }
            guard let author else { return nil }
            let id = try repository.createCommit(
                tree: tree, parents: parent.map { [$0] } ?? [], message: "Set up the abmsync plan repository\n",
                author: author)
            return id.short
        } catch {
            throw .git(error)
        }
    }
}

extension Initializer {
    /// For `hooks install` and `clone`: make sure the merge driver is configured and git knows which
    /// files it merges. Lines .gitattributes lacks go to .git/info/attributes (this copy only; the
    /// shared .gitattributes is the team's, and `git status` stays clean). Returns what changed, in words.
    public static func configureMergeDriverAndAttributes(_ repository: PlanRepository) throws(AbmsyncError) -> [String] {
        var changes: [String] = []
        if try ensureLocalAttributes(repository.git, root: repository.root) {
            changes.append("git now merges plans with abmsync (lines added to .git/info/attributes, this copy only)")
        }
        if try configureMergeDriver(repository.git, executable: HookInstaller.currentExecutable()) {
            changes.append("configured the abmsync merge driver for git merge")
        }
        return changes
    }
}
