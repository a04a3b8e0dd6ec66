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
        let load: WorkspaceLoad
        switch scope {
        case .workingTree:
            // A plan folder outside git can still be validated from its files.
            if !FileSystem.exists(path + "/.git"), FileSystem.exists(path + "/" + WorkspaceFile.policy),
                (try? Repository.discover(from: path)) == nil
            {
                load = WorkspaceLoader.load(from: WorkingTreeSource(root: path))
            } else {
                let repository = try PlanRepository.locate(from: path)
                load = WorkspaceLoader.load(from: WorkingTreeSource(root: repository.root))
            }
        case .staged:
            let repository = try PlanRepository.locate(from: path)
            do {
                let source = try StagedSource(repository: repository.git)
                load = cachedLoad(source, fingerprints: source.fingerprints, gitDirectory: repository.git.gitDirectory)
            } catch {
                throw .git(error)
            }
        case .revision(let revision):
            let repository = try PlanRepository.locate(from: path)
            do {
                let commit = try repository.git.resolveCommit(revision)
                let source = try CommitSource(repository: repository.git, commit: commit)
                load = cachedLoad(source, fingerprints: source.fingerprints, gitDirectory: repository.git.gitDirectory)
            } catch {
                throw .git(error, hint: error.code == .notFound ? "check the revision name with 'git log --oneline'" : nil)
            }
        }
        return report(for: load, today: today)
    }

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
        let load = WorkspaceLoader.load(from: source, reusing: ParseReuse(fingerprints: fingerprints, previous: previous))
        if load.reparsed > 0 || load.parses.count != previous.count {
            ParseCacheStore.write(load.parses, to: cachePath)
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
