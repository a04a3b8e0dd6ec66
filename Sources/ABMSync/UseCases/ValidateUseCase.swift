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
                load = WorkspaceLoader.load(from: try StagedSource(repository: repository.git))
            } catch {
                throw .git(error)
            }
        case .revision(let revision):
            let repository = try PlanRepository.locate(from: path)
            do {
                let commit = try repository.git.resolveCommit(revision)
                load = WorkspaceLoader.load(from: try CommitSource(repository: repository.git, commit: commit))
            } catch {
                throw .git(error, hint: error.code == .notFound ? "check the revision name with 'git log --oneline'" : nil)
            }
        }
        return report(for: load, today: today)
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
