import ABMCore
import Foundation
import GitKit

/// `abmsync verify OLD..NEW`: every commit reachable from NEW and not from OLD, oldest first, judged
/// against the rules of `permissions:` with its own author (`ChangeJudge`).
///
/// - A commit with one parent: its change from that parent, under the parent's policy and team.
/// - A merge: when its tree is what abmsync's merge of its first two parents gives, it only combines
///   them and is judged by their commits (which the range holds, or which were accepted before).
///   When it adds something beyond that merge, what it adds is judged under its author: from the
///   clean merge's tree; or, when the merge had conflicts, each change that matches neither parent.
/// - A root commit has nothing before it to be judged by: it is listed, not judged.
public enum VerifyUseCase {
    public static func run(at path: String, range: String) throws(AbmsyncError) -> VerifyReport {
        let repository = try PlanRepository.locate(from: path)
        return try run(repository.git, range: range)
    }

    package static func run(_ git: Repository, range: String) throws(AbmsyncError) -> VerifyReport {
        let (from, to) = try resolve(range, in: git)
        return try judge(git, from: from, to: to)
    }

    /// Every commit `to` has and `from` does not (all of `to`'s when `from` is nil), oldest first,
    /// each judged with its own author: what `verify` reports and what `push` and `sync` check before
    /// sending.
    package static func judge(_ git: Repository, from: ObjectID?, to: ObjectID) throws(AbmsyncError) -> VerifyReport {
        do {
            let commits = try git.log(from: to, hiding: from.map { [$0] } ?? []).reversed()
            var snapshots = SnapshotCache(git: git)
            var judged: [VerifyReport.Judged] = []
            for commit in commits {
                judged.append(try judge(commit, git: git, snapshots: &snapshots))
            }
            return VerifyReport(commits: judged)
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// The change `validate --staged` is about to let git commit: HEAD's tree → the index `staged`
    /// reads, made by `authorEmail`, under HEAD's policy and team. Only the files whose blob differs
    /// are compared (from the two listings, no file read). Nil when there is no HEAD yet: the first
    /// commit has nothing before it to be judged by (as `verify` lists a root commit, unjudged).
    package static func judgeStaged(_ git: Repository, staged: StagedSource, authorEmail: String) throws(GitError)
        -> [Finding]?
    {
        guard let head = try git.headCommitID() else { return nil }
        let committed = try CommitSource(repository: git, commit: head)
        let before = committed.fingerprints
        let after = staged.fingerprints
        var paths: [String] = []
        for path in after.paths where before[path] != after[path] { paths.append(path) }
        for path in before.paths where after[path] == nil { paths.append(path) }
        guard !paths.isEmpty else { return [] }
        let sorted = paths.sorted()
        let (old, new) = SparseSnapshots.load(old: committed, new: staged, paths: sorted)
        return ChangeJudge.judge(old: old, new: new, authorEmail: authorEmail, paths: sorted)
    }

    /// Who git will record as the author of the commit being made: GIT_AUTHOR_EMAIL when set (git
    /// passes it to its hooks, and a person can set it for one commit), else `user.email`.
    package static func committerEmail(_ git: Repository) -> String {
        if let email = ProcessInfo.processInfo.environment["GIT_AUTHOR_EMAIL"], !email.isEmpty { return email }
        return ((try? git.configString("user.email")) ?? nil) ?? ""
    }

    /// `A..B` → (A, B); `A..` → (A, HEAD); `..B` → (nil… not allowed). Anything else is a usage error.
    static func resolve(_ range: String, in git: Repository) throws(AbmsyncError) -> (ObjectID?, ObjectID) {
        let hint = "give a range like origin/main..HEAD (the commits after the first revision, up to the second)"
        guard let separator = range.range(of: ".."), !range.contains("...") else {
            throw .invalidArgument("'\(range)' is not a range of commits", hint: hint)
        }
        let left = String(range[..<separator.lowerBound])
        let right = String(range[separator.upperBound...])
        guard !left.isEmpty else { throw .invalidArgument("'\(range)' names no first revision", hint: hint) }
        do {
            let from = try git.resolveCommit(left)
            let to = try git.resolveCommit(right.isEmpty ? "HEAD" : right)
            return (from, to)
        } catch {
            throw .git(error, hint: error.code == .notFound ? "check the revision names with 'git log --oneline'" : nil)
        }
    }

    private static func judge(_ commit: Commit, git: Repository, snapshots: inout SnapshotCache) throws
        -> VerifyReport.Judged
    {
        let email = commit.author.email
        func result(_ findings: [Finding], note: String? = nil) -> VerifyReport.Judged {
            VerifyReport.Judged(
                commit: commit.id.hex, summary: commit.summary, authorName: commit.author.name, authorEmail: email,
                findings: findings, note: note)
        }
        switch commit.parentIDs.count {
        case 0:
            return result([], note: "the first commit: nothing before it to judge it by")
        case 1:
            // Only the accounts the change touches are loaded (`SparseSnapshots`).
            let parentTree = try git.commit(commit.parentIDs[0]).treeID
            let paths = try git.changedPaths(from: parentTree, to: commit.treeID)
            let (old, sparseNew) = SparseSnapshots.load(
                old: CommitSource(repository: git, tree: parentTree, label: "tree \(parentTree.short)"),
                new: CommitSource(repository: git, tree: commit.treeID, label: "tree \(commit.treeID.short)"), paths: paths)
            return result(ChangeJudge.judge(old: old, new: sparseNew, authorEmail: email, paths: paths))
        default:
            let new = try snapshots.snapshot(tree: commit.treeID)
            let first = try git.commit(commit.parentIDs[0]).treeID
            let second = try git.commit(commit.parentIDs[1]).treeID
            var expected: ObjectID?
            var conflicted: ObjectID?
            switch try? CommitMerger.merge(git, ours: commit.parentIDs[0], theirs: commit.parentIDs[1]) {
            case .upToDate: expected = first
            case .fastForward(let id): expected = try git.commit(id).treeID
            case .merged(let tree): expected = tree
            case .conflicted(let tree, _): conflicted = tree
            case nil: break
            }
            if commit.parentIDs.count == 2, let expected {
                if expected == commit.treeID {
                    return result([], note: "a merge that only combines its parents: judged by their commits")
                }
                let old = try snapshots.snapshot(tree: expected)
                let paths = try git.changedPaths(from: expected, to: commit.treeID)
                return result(
                    ChangeJudge.judge(old: old, new: new, authorEmail: email, paths: paths),
                    note: "a merge: judged on what it adds beyond combining its parents")
            }
            // Conflicts were settled (or the merge could not be redone): what matches neither parent
            // is the author's own.
            let paths: [String]
            if let conflicted {
                paths = try git.changedPaths(from: conflicted, to: commit.treeID)
            } else {
                paths = Array(Set(try git.changedPaths(from: first, to: commit.treeID) + git.changedPaths(from: second, to: commit.treeID))).sorted()
            }
            let fromFirst = ChangeJudge.judge(
                old: try snapshots.snapshot(tree: first), new: new, authorEmail: email, paths: paths)
            let fromSecond = ChangeJudge.judge(
                old: try snapshots.snapshot(tree: second), new: new, authorEmail: email, paths: paths)
            let keys = Set(fromSecond.map { "\($0.rule)\u{0}\($0.location)" })
            return result(
                fromFirst.filter { keys.contains("\($0.rule)\u{0}\($0.location)") },
                note: "a merge with conflicts settled: judged on what matches neither parent")
        }
    }

    /// Loaded snapshots by tree: a commit's is its child's old one. Only the last few are kept.
    private struct SnapshotCache {
        let git: Repository
        var loaded: [(tree: ObjectID, snapshot: Snapshot)] = []

        mutating func snapshot(tree: ObjectID) throws(GitError) -> Snapshot {
            if let hit = loaded.first(where: { $0.tree == tree }) { return hit.snapshot }
            let source = CommitSource(repository: git, tree: tree, label: "tree \(tree.short)")
            let snapshot = Snapshot(loading: source)
            loaded.append((tree, snapshot))
            if loaded.count > 4 { loaded.removeFirst() }
            return snapshot
        }
    }
}

extension CommitSource {
    /// The files of a tree that is not (yet) a commit's: a merge's result.
    init(repository: Repository, tree: ObjectID, label: String) {
        self.repository = repository
        self.treeID = tree
        self.label = label
    }
}
