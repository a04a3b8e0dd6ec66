import ABMCore
import Foundation
import GitKit

/// What to validate.
public enum ValidationScope: Sendable, Equatable {
    case workingTree
    /// The index: exactly what the next commit would contain.
    case staged
    case revision(String)
}

/// `abmsync validate`: reads the workspace from the chosen snapshot and checks it.
public enum ValidateUseCase {
    public static func run(at path: String, scope: ValidationScope, today: PlanDate) throws(AbmsyncError) -> ValidationReport {
        switch scope {
        case .workingTree:
            // A plan folder outside git can still be validated from its files.
            if !FileSystem.exists(path + "/.git"), FileSystem.exists(path + "/" + WorkspaceFile.policy),
                (try? Repository.discover(from: path)) == nil
            {
                return report(for: WorkspaceLoader.load(from: WorkingTreeSource(root: path)), today: today)
            }
            let repository = try PlanRepository.locate(from: path)
            let source = WorkingTreeSource(root: repository.root)
            return cachedReport(
                source, fingerprints: source.fingerprints(), cachePath: ParseCacheStore.path(
                    gitDirectory: repository.git.gitDirectory, workingTree: true), today: today)
        case .staged:
            let repository = try PlanRepository.locate(from: path)
            do {
                let source = try StagedSource(repository: repository.git)
                return cachedReport(source, fingerprints: source.fingerprints, gitDirectory: repository.git.gitDirectory, today: today)
            } catch {
                throw .git(error)
            }
        case .revision(let revision):
            let repository = try PlanRepository.locate(from: path)
            do {
                let commit = try repository.git.resolveCommit(revision)
                let source = try CommitSource(repository: repository.git, commit: commit)
                return cachedReport(source, fingerprints: source.fingerprints, gitDirectory: repository.git.gitDirectory, today: today)
            } catch {
                throw .git(error, hint: error.code == .notFound ? "check the revision name with 'git log --oneline'" : nil)
            }
        }
    }

    /// A snapshot's report (the index or a commit), redoing only what changed since the last run:
    /// files whose blob is unchanged are not read, and the cross-file rules run only when one of
    /// their inputs changed (`CachedValidation`). Same findings as a full run; the cache is updated
    /// when anything was redone.
    public static func cachedReport(
        _ source: some WorkspaceSource, fingerprints: [String: String], gitDirectory: String, today: PlanDate,
        lastStageChange: [String: PlanDate] = [:]
    ) -> ValidationReport {
        cachedReport(
            source, fingerprints: fingerprints, cachePath: ParseCacheStore.path(gitDirectory: gitDirectory), today: today,
            lastStageChange: lastStageChange)
    }

    static func cachedReport(
        _ source: some WorkspaceSource, fingerprints: [String: String], cachePath: String, today: PlanDate,
        lastStageChange: [String: PlanDate] = [:]
    ) -> ValidationReport {
        let previous = ParseCacheStore.read(cachePath)
        let outcome = CachedValidation.run(
            source, reusing: ParseReuse(fingerprints: fingerprints, previous: previous.parses), memo: previous.memo,
            validator: Validator(today: today, lastStageChange: lastStageChange))
        // Rewriting the whole cache costs more than parsing a few files again: a run that only
        // re-read a handful of changed files leaves it as it is (the next run parses those again,
        // with the same result); new cross-file findings or many new files are always kept.
        if outcome.memo != previous.memo || outcome.reparsed > rewriteAfterReparsing
            || (outcome.reparsed > 0 && previous.parses.isEmpty)
        {
            ParseCacheStore.write(outcome.records, memo: outcome.memo, to: cachePath)
        }
        return outcome.report
    }

    /// How many files a run may parse again before it rewrites the cache.
    static let rewriteAfterReparsing = 32

    /// The index's workspace through the parse cache.
    static func stagedLoad(_ source: StagedSource, gitDirectory: String) -> WorkspaceLoad {
        cachedLoad(source, fingerprints: source.fingerprints, gitDirectory: gitDirectory)
    }

    /// A snapshot's workspace (the index or a commit), reusing the parse cache for every file whose
    /// blob is unchanged (git gives each file's blob id without reading it) and updating the cache
    /// when anything was parsed. Same result as a full load.
    public static func cachedLoad(_ source: some WorkspaceSource, fingerprints: [String: String], gitDirectory: String)
        -> WorkspaceLoad
    {
        let cachePath = ParseCacheStore.path(gitDirectory: gitDirectory)
        let previous = ParseCacheStore.read(cachePath)
        let load = WorkspaceLoader.load(from: source, reusing: ParseReuse(fingerprints: fingerprints, previous: previous.parses))
        if load.reparsed > 0 || load.parses.count != previous.parses.count {
            ParseCacheStore.write(load.parses, memo: previous.memo, to: cachePath)
        }
        return load
    }

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
