import ABMCore
import GitKit

/// What a teammate's commit may bring into the working tree, checked before anything is checked
/// out or merged. Repository content is untrusted: a teammate with push access can commit a
/// symbolic link where abmsync reads or writes (`accounts/` pointing at a private folder,
/// `.gitattributes` pointing at `/proc/self/environ`), or bytes that are not text in a plan file.
/// Either stops the pull with an error that names the file: nothing is checked out, merged,
/// rewritten or sent, and the user's own edits stay recorded.
enum IncomingCheck {
    /// The top-level names abmsync reads or writes (files, and folders with everything in them).
    static let protectedNames: Set<Substring> = [
        "abmsync.yaml", "team.yaml", "accounts.yaml", ".gitattributes", "accounts", "clusters", "programs",
        ".abmsync", "templates",
    ]

    static func isProtected(_ path: String) -> Bool {
        let top = path.split(separator: "/", maxSplits: 1).first ?? Substring(path)
        return protectedNames.contains(top)
    }

    /// The working tree's own top-level abmsync paths, before anything is recorded or checked out:
    /// a link there (made locally, or by other tools) stops the run, so no checkout writes through it.
    static func checkWorkingTree(root: String) throws(AbmsyncError) {
        for name in protectedNames.sorted() {
            let folder = !name.contains(".") || name == ".abmsync"
            if case .symbolicLink(let component, let target)? = RepositoryPath.problem(String(name), in: root, folder: folder) {
                throw AbmsyncError.unsafePath(path: component, problem: .symbolicLink(component: component, target: target))
            }
        }
    }

    /// Checks the files `theirs` changed since the common history with `head` (every file when
    /// there is no local history).
    static func check(_ git: Repository, theirs: ObjectID, head: ObjectID?) throws(AbmsyncError) {
        do {
            let base = try head.flatMap { (head) throws(GitError) in try git.mergeBase(head, theirs) }
            if base == theirs { return }
            let baseTree = try base.map { (id) throws(GitError) in try git.commit(id).treeID }
            try check(git, tree: try git.commit(theirs).treeID, since: baseTree)
        } catch let error as AbmsyncError {
            throw error
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// Checks the entries of `tree` that differ from `old` (all of them when nil).
    static func check(_ git: Repository, tree: ObjectID, since old: ObjectID?) throws(AbmsyncError) {
        do {
            for path in try git.changedPaths(from: old, to: tree) {
                guard isProtected(path), let entry = try git.treeEntry(at: path, inTree: tree) else { continue }
                if entry.isSymbolicLink {
                    let target = String(decoding: try git.blobData(entry.id), as: UTF8.self)
                    throw AbmsyncError.refusedIncoming(
                        file: DisplayText.escaped(path), location: nil,
                        reason: "it is a symbolic link (to '\(DisplayText.escaped(target))'), and abmsync never reads or writes through links",
                        hint: "a plan repository holds regular files and folders only; ask the teammate who committed the link to "
                            + "replace it with the real file or folder and send that; your own edits are kept")
                }
                if entry.kind != .blob { continue }
                guard WorkspaceFile.isPlanData(path) else { continue }
                let bytes = try git.blobData(entry.id)
                do {
                    _ = try PlanText.decode(bytes)
                } catch {
                    let file = DisplayText.escaped(path)
                    throw AbmsyncError.refusedIncoming(
                        file: file, location: SourceLocation(file: file, line: error.line, column: error.column),
                        reason: "\(error.message) (line \(error.line), column \(error.column)); nothing of it was merged or sent",
                        hint: "ask the teammate who changed it to fix it (\(error.fix)) and send it again, then run "
                            + "'abmsync sync'; your own edits are kept")
                }
            }
        } catch let error as AbmsyncError {
            throw error
        } catch {
            throw AbmsyncError.from(error)
        }
    }
}
