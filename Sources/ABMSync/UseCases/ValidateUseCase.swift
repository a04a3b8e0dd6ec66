import ABMCache
import ABMCore
import Foundation
import GitKit

/// What to validate.
public enum ValidationScope: Sendable, Equatable {
    case workingTree
    /// The index: exactly what the next commit would contain.
    case staged
    /// The index stored in this file (absolute, or relative to the current folder): what git passes
    /// its hooks in GIT_INDEX_FILE, the snapshot `git commit -a`, `git commit PATH` or `--amend` is
    /// about to commit.
    case index(file: String)
    case revision(String)
}

/// `abmsync validate`: reads the workspace from the chosen snapshot and checks it.
public enum ValidateUseCase {
    /// - Parameter freeingMemory: false for a process that ends right after (the command line): what
    ///   the run built (the repository with its index, the copy of the index, the parse records) is
    ///   then left to the operating system, which takes the whole process back at once, instead of
    ///   being freed one object at a time; at 10,000 plans that is about 5% of a warm
    ///   `validate --staged`. (Compilers do the same with their syntax trees: clang's -disable-free.)
    public static func run(at path: String, scope: ValidationScope, today: PlanDate, freeingMemory: Bool = true)
        throws(AbmsyncError) -> ValidationReport
    {
        switch scope {
        case .workingTree:
            // A plan folder outside git can still be validated from its files.
            if !FileSystem.exists(path + "/.git"), FileSystem.exists(path + "/" + WorkspaceFile.policy),
                (try? Repository.discover(from: path)) == nil
            {
                return report(for: WorkspaceLoader.load(from: WorkingTreeSource(root: path)), today: today)
            }
            let repository = try PlanRepository.locate(from: path)
            let source = WorkingTreeSource(root: repository.root).listingPlanFolders()
            let outcome = validated(
                source, fingerprints: source.fingerprints(), cachePath: ParseCacheStore.path(
                    gitDirectory: repository.git.gitDirectory, workingTree: true), today: today,
                lastStageChange: stageHistory(repository.git, source: source, blob: nil, today: today))
            if !freeingMemory { ProcessMemory.keepUntilExit((repository, outcome)) }
            return outcome.report
        case .staged, .index:
            let repository = try PlanRepository.locate(from: path)
            do {
                var index: Index?
                if case .index(let file) = scope { index = try repository.git.index(file: file) }
                let source = try StagedSource(repository: repository.git, index: index)
                let outcome = validated(
                    source, fingerprints: source.fingerprints,
                    cachePath: ParseCacheStore.path(gitDirectory: repository.git.gitDirectory), today: today,
                    lastStageChange: stageHistory(
                        repository.git, source: source, blob: source.fingerprints[WorkspaceFile.accounts], today: today),
                    keepNewAccountList: committedAccountList(source.fingerprints, in: repository.git))
                if !freeingMemory { ProcessMemory.keepUntilExit((repository, source, outcome)) }
                // What is about to be committed must also be the committer's to make (`permissions:`).
                let refusals = try VerifyUseCase.judgeStaged(
                    repository.git, staged: source, authorEmail: VerifyUseCase.committerEmail(repository.git)) ?? []
                guard !refusals.isEmpty else { return outcome.report }
                return ValidationReport(
                    findings: outcome.report.findings + refusals, accountNames: outcome.report.accountNames)
            } catch {
                throw .git(error)
            }
        case .revision(let revision):
            let repository = try PlanRepository.locate(from: path)
            do {
                let commit = try repository.git.resolveCommit(revision)
                let source = try CommitSource(repository: repository.git, commit: commit)
                let outcome = validated(
                    source, fingerprints: source.fingerprints,
                    cachePath: ParseCacheStore.path(gitDirectory: repository.git.gitDirectory), today: today,
                    lastStageChange: StageHistory.lastChanges(in: repository.git, head: commit, snapshot: .commit, today: today))
                if !freeingMemory { ProcessMemory.keepUntilExit((repository, source, outcome)) }
                return outcome.report
            } catch {
                throw .git(error, hint: error.code == .notFound ? "check the revision name with 'git log --oneline'" : nil)
            }
        }
    }

    /// `source`'s report through the cache at `cachePath` (the run's outcome with it, to keep until
    /// exit), or by the plain path when `ABMSYNC_NO_CACHE=1`.
    private static func validated(
        _ source: some WorkspaceSource, fingerprints: @autoclosure () -> FileFingerprints, cachePath: String,
        today: PlanDate, lastStageChange: [String: PlanDate], keepNewAccountList: @autoclosure () -> Bool = true
    ) -> (report: ValidationReport, outcome: IncrementalValidation.Outcome?) {
        if cacheDisabled {
            return (report(for: WorkspaceLoader.load(from: source), today: today, lastStageChange: lastStageChange), nil)
        }
        let outcome = cachedOutcome(
            source, fingerprints: fingerprints(), cachePath: cachePath, today: today, lastStageChange: lastStageChange,
            keepNewAccountList: keepNewAccountList())
        return (outcome.report, outcome)
    }

    /// When each account's stage last changed, for files not committed yet (`source`) on top of HEAD.
    static func stageHistory(_ git: Repository, source: some WorkspaceSource, blob: String?, today: PlanDate)
        -> [String: PlanDate]
    {
        StageHistory.lastChanges(
            in: git, head: (try? git.headCommitID()) ?? nil,
            snapshot: .uncommitted(blob: blob, read: { (try? source.read(WorkspaceFile.accounts)) ?? nil }), today: today)
    }

    /// A snapshot's report (the index or a commit), redoing only what changed since the last run:
    /// files whose blob is unchanged are not read, and the cross-file rules run only when one of
    /// their inputs changed (`IncrementalValidation`, module ABMCache). Same findings as a full run; the cache is updated
    /// when anything was redone.
    public static func cachedReport(
        _ source: some WorkspaceSource, fingerprints: FileFingerprints, gitDirectory: String, today: PlanDate,
        lastStageChange: [String: PlanDate] = [:]
    ) -> ValidationReport {
        cachedReport(
            source, fingerprints: fingerprints, cachePath: ParseCacheStore.path(gitDirectory: gitDirectory), today: today,
            lastStageChange: lastStageChange)
    }

    static func cachedReport(
        _ source: some WorkspaceSource, fingerprints: FileFingerprints, cachePath: String, today: PlanDate,
        lastStageChange: [String: PlanDate] = [:]
    ) -> ValidationReport {
        if cacheDisabled { return report(for: WorkspaceLoader.load(from: source), today: today, lastStageChange: lastStageChange) }
        return cachedOutcome(
            source, fingerprints: fingerprints, cachePath: cachePath, today: today, lastStageChange: lastStageChange
        ).report
    }

    /// True when the staged accounts.yaml is the one HEAD has: a state that stays. A staged one that
    /// differs may still change (the commit it is checked for can be refused and edited again).
    static func committedAccountList(_ fingerprints: FileFingerprints, in repository: Repository) -> Bool {
        guard let staged = fingerprints[WorkspaceFile.accounts], let head = try? repository.headCommitID(),
            let tree = try? repository.commit(head).treeID,
            let entry = try? repository.treeEntry(at: WorkspaceFile.accounts, inTree: tree)
        else { return true }
        return entry.id.hex == staged
    }

    /// `cachedReport` with what it reused and redid (`IncrementalValidation.run`, the cache at
    /// `cachePath`).
    static func cachedOutcome(
        _ source: some WorkspaceSource, fingerprints: FileFingerprints, cachePath: String, today: PlanDate,
        lastStageChange: [String: PlanDate] = [:], keepNewAccountList: Bool = true
    ) -> IncrementalValidation.Outcome {
        IncrementalValidation.run(
            source, fingerprints: fingerprints, store: ParseCacheStore(path: cachePath),
            validator: Validator(today: today, lastStageChange: lastStageChange), keepNewAccountList: keepNewAccountList)
    }

    /// True when `ABMSYNC_NO_CACHE=1`: every validation takes the plain path (every file read and
    /// parsed, every rule run, no cache read or written), which gives the same report.
    static var cacheDisabled: Bool { ProcessInfo.processInfo.environment["ABMSYNC_NO_CACHE"] == "1" }

    /// Every finding for a loaded workspace: what the loader met, then the rules.
    public static func report(for load: WorkspaceLoad, today: PlanDate, lastStageChange: [String: PlanDate] = [:])
        -> ValidationReport
    {
        let findings = Validator(today: today, lastStageChange: lastStageChange).validate(load)
        var names: [String: String] = [:]
        for account in load.workspace.accounts { names[account.id.value] = account.displayName }
        return ValidationReport(findings: findings, accountNames: names)
    }

    public static func report(for source: some WorkspaceSource, today: PlanDate) -> ValidationReport {
        report(for: WorkspaceLoader.load(from: source), today: today)
    }
}
