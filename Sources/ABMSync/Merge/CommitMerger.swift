import ABMCore
import GitKit

/// Merges another commit into HEAD the abmsync way: libgit2 merges the trees, and every abmsync file
/// that conflicts or changed on both sides goes through the structure-aware merge.
public enum CommitMerger {
    public enum Outcome {
        case upToDate
        /// HEAD can simply move forward to `theirs`.
        case fastForward(ObjectID)
        /// A merged tree with no conflict, ready to commit.
        case merged(tree: ObjectID)
        /// Conflicts remain: `tree` holds every merged file, the conflicted ones with markers.
        case conflicted(tree: ObjectID, conflicts: [MergeConflict])
    }

    public static func merge(_ repository: Repository, ours: ObjectID, theirs: ObjectID) throws(AbmsyncError) -> Outcome {
        do {
            let base: ObjectID?
            switch try repository.relation(ours: ours, theirs: theirs) {
            case .upToDate: return .upToDate
            case .fastForward: return .fastForward(theirs)
            case .diverged(let b): base = b
            }
            let baseTree = try base.map { (id) throws(GitError) in try repository.commit(id).treeID }
            let ourTree = try repository.commit(ours).treeID
            let theirTree = try repository.commit(theirs).treeID
            // abmsync's files that both sides changed are merged below, so libgit2 leaves them alone.
            let index = try repository.mergeTrees(
                base: baseTree, ours: ourTree, theirs: theirTree, contentMergedByCaller: { WorkspaceFile.isPlanData($0) })

            // Which files need abmsync: conflicted ones, and abmsync files both sides changed.
            var paths: [String] = []
            var seen: Set<String> = []
            for conflict in try index.conflicts() where seen.insert(conflict.path).inserted { paths.append(conflict.path) }
            let ourChanges = Set(try repository.changedPaths(from: baseTree, to: ourTree))
            for path in try repository.changedPaths(from: baseTree, to: theirTree)
            where ourChanges.contains(path) && WorkspaceFile.isPlanData(path) && seen.insert(path).inserted {
                paths.append(path)
            }

            var conflicts: [MergeConflict] = []
            for path in paths {
                let b = try baseTree.flatMap { (tree) throws in try text(repository, tree, path) }
                let o = try text(repository, ourTree, path)
                let t = try text(repository, theirTree, path)
                let merged: String
                switch (o, t) {
                case (nil, nil):
                    try? index.remove(path: path)
                    continue
                case (let kept?, nil), (nil, let kept?):
                    // Deleted on one side: if the other side changed it, that is a conflict to settle.
                    if let b, b == kept {
                        try? index.remove(path: path)
                        continue
                    }
                    merged = kept
                    conflicts.append(
                        MergeConflict(
                            file: path, path: [path], kind: .deleteModify, base: b, ours: o, theirs: t, line: 1))
                case (let ours?, let theirs?):
                    let outcome = StructuredMerge.merge(
                        path: path, base: b, ours: ours, theirs: theirs, lineMerger: GitLineMerger())
                    merged = outcome.text
                    conflicts += outcome.conflicts
                    if !outcome.isClean, outcome.conflicts.isEmpty {
                        conflicts.append(
                            MergeConflict(file: path, path: [path], kind: .bothChanged, base: nil, ours: nil, theirs: nil, line: 1))
                    }
                }
                let blob = try repository.writeBlob(Array(merged.utf8))
                try index.add(path: path, blob: blob)
            }
            let tree = try index.writeTree(to: repository)
            return conflicts.isEmpty ? .merged(tree: tree) : .conflicted(tree: tree, conflicts: conflicts)
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// The text of `path` in `tree`, nil when absent. Bytes that are not text (invalid UTF-8, NUL,
    /// control characters) are never decoded lossily and merged: that would rewrite them to U+FFFD
    /// and send the damage on. The merge stops with the file and line:column instead (teammates'
    /// files are checked before this by `IncomingCheck`; this catches the rest).
    static func text(_ repository: Repository, _ tree: ObjectID, _ path: String) throws -> String? {
        guard let entry = try repository.treeEntry(at: path, inTree: tree), entry.kind == .blob else { return nil }
        do {
            return try PlanText.decode(try repository.blobData(entry.id))
        } catch let problem as PlanText.Problem {
            let file = DisplayText.escaped(path)
            throw AbmsyncError.editFailed(
                file: file, reason: "\(file):\(problem.line):\(problem.column): \(problem.message), so it cannot be merged",
                hint: problem.fix)
        }
    }
}
