import ABMCore
import GitKit

/// What `abmsync diff` compares.
public enum DiffSelection: Sendable, Equatable {
    /// The working files against a revision (HEAD by default), as `git diff [REV]`.
    case workingTree(against: String)
    /// The staged snapshot (what the next commit would contain) against HEAD.
    case staged
    /// One commit against another (`A..B`); with `fromMergeBase`, the common history of A and B
    /// against B (`A...B`: what B's branch did since it left A, the pull request view).
    case commits(from: String, to: String, fromMergeBase: Bool)

    /// `REV`, `A..B`, `A...B` (an empty side is HEAD); nil gives the working files against HEAD.
    public init(argument: String?, staged: Bool) {
        if staged {
            self = .staged
            return
        }
        guard let argument else {
            self = .workingTree(against: "HEAD")
            return
        }
        for (separator, mergeBase) in [("...", true), ("..", false)] {
            if let range = argument.range(of: separator) {
                let left = String(argument[..<range.lowerBound])
                let right = String(argument[range.upperBound...])
                self = .commits(from: left.isEmpty ? "HEAD" : left, to: right.isEmpty ? "HEAD" : right, fromMergeBase: mergeBase)
                return
            }
        }
        self = .workingTree(against: argument)
    }
}

/// `abmsync diff`: the two snapshots read through GitKit (commit trees, the index, the working
/// files), compared in plan terms (`PlanDiff`), with the findings the change introduces
/// (validation of both snapshots, through the parse cache).
public enum DiffUseCase {
    public static func run(at path: String, selection: DiffSelection, today: PlanDate, findings: Bool = true)
        throws(AbmsyncError) -> PlanDiff
    {
        let repository = try PlanRepository.locate(from: path)
        let git = repository.git
        let hint = "check the revision name with 'git log --oneline' (for example HEAD~1, main, or a commit id)"
        func commit(_ revision: String) throws(AbmsyncError) -> ObjectID {
            do {
                return try git.resolveCommit(revision)
            } catch {
                if error.code == .notFound || error.code == .ambiguous || error.code == .invalidSpec || error.code == .generic {
                    throw .notFound(what: "revision '\(revision)'", hint: hint)
                }
                throw .git(error, hint: hint)
            }
        }
        do {
            switch selection {
            case .workingTree(let revision):
                let base = try commit(revision)
                let old = try CommitSource(repository: git, commit: base)
                let new = WorkingTreeSource(root: repository.root).listingPlanFolders()
                var paths = try repository.changedFiles().map(\.path)
                if let head = try git.headCommitID(), head != base {
                    paths += try git.changedPaths(from: old.treeID, to: git.commit(head).treeID)
                }
                var diff = PlanDiff.compare(old: old, new: new, paths: paths)
                diff.oldLabel = "\(revision) (\(base.short))"
                if findings {
                    diff.findings = PlanDiff.introducedFindings(
                        old: try baseFindings(git, commit: base, today: today),
                        new: try validated(path, .workingTree, today: today))
                }
                return diff
            case .staged:
                let head = try git.headCommitID()
                let new = try StagedSource(repository: git)
                let paths = try repository.changedFiles().filter { !$0.flags.isDisjoint(with: .staged) }.map(\.path)
                var diff: PlanDiff
                if let head {
                    diff = PlanDiff.compare(old: try CommitSource(repository: git, commit: head), new: new, paths: paths)
                    diff.oldLabel = "HEAD (\(head.short))"
                } else {
                    diff = PlanDiff.compare(old: MemorySource([:], label: "no commit yet"), new: new, paths: paths)
                }
                if findings {
                    diff.findings = PlanDiff.introducedFindings(
                        old: try head.map { id in try baseFindings(git, commit: id, today: today) } ?? [],
                        new: try validated(path, .staged, today: today))
                }
                return diff
            case .commits(let from, let to, let fromMergeBase):
                let target = try commit(to)
                var base = try commit(from)
                if fromMergeBase {
                    guard let common = try git.mergeBase(base, target) else {
                        throw AbmsyncError.invalidArgument(
                            "'\(from)' and '\(to)' share no history", hint: "compare them directly: abmsync diff \(from)..\(to)")
                    }
                    base = common
                }
                let old = try CommitSource(repository: git, commit: base)
                let new = try CommitSource(repository: git, commit: target)
                var diff = PlanDiff.compare(old: old, new: new, paths: try git.changedPaths(from: old.treeID, to: new.treeID))
                diff.oldLabel = fromMergeBase ? "the common history of \(from) and \(to) (\(base.short))" : "\(from) (\(base.short))"
                diff.newLabel = "\(to) (\(target.short))"
                if findings {
                    diff.findings = PlanDiff.introducedFindings(
                        old: try baseFindings(git, commit: base, today: today),
                        new: try validated(path, .revision(target.hex), today: today))
                }
                return diff
            }
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// The old side's findings, through a parse cache of its own (`cache-v1-diff-base`): the new
    /// side's snapshot is the one validate, push and sync keep in `cache-v1`, and one cache for
    /// both would be rewritten for each side on every diff.
    private static func baseFindings(_ git: Repository, commit: ObjectID, today: PlanDate) throws -> [Finding] {
        let source = try CommitSource(repository: git, commit: commit)
        return ValidateUseCase.cachedReport(
            source, fingerprints: source.fingerprints,
            cachePath: ParseCacheStore.path(gitDirectory: git.gitDirectory) + "-diff-base", today: today,
            lastStageChange: StageHistory.lastChanges(in: git, head: commit, snapshot: .commit, today: today)
        ).findings
    }

    private static func validated(_ path: String, _ scope: ValidationScope, today: PlanDate) throws(AbmsyncError) -> [Finding] {
        try ValidateUseCase.run(at: path, scope: scope, today: today, freeingMemory: false).findings
    }
}
