import ABMCache
import ABMCore
import Foundation

/// `abmsync tiers score`: every account of the working tree scored against `scoring:`
/// (`TierScoring`, ABMCore). The files are read as `validate` reads them: the parse records that
/// validate keeps in `.git/abmsync` are reused for unchanged files (nothing is written to that
/// cache here), or every file is parsed with `ABMSYNC_NO_CACHE=1`. Only abmsync.yaml, team.yaml,
/// accounts.yaml and the account plans (for their stakeholders) are read.
public enum TierScoreUseCase {
    public struct Outcome: Sendable {
        /// Every account, in accounts.yaml order.
        public var scores: [TierScore]
        /// Errors met reading abmsync.yaml, accounts.yaml and the account plans: the scores use what
        /// could be read.
        public var readingErrors: [Finding]
        /// abmsync.yaml or accounts.yaml could not be read at all: there is nothing sound to score.
        public var unreadable: [String]
    }

    /// - Parameter freeingMemory: false for a process that ends right after (`ValidateUseCase.run`).
    public static func run(at path: String, freeingMemory: Bool = true) throws(AbmsyncError) -> Outcome {
        let repository = try PlanRepository.locate(from: path)
        let source = AccountPlansOnly(WorkingTreeSource(root: repository.root).listingPlanFolders())
        let load: WorkspaceLoad
        if ProcessInfo.processInfo.environment["ABMSYNC_NO_CACHE"] == "1" {
            load = WorkspaceLoader.load(from: source)
        } else {
            let cachePath = ParseCacheStore.path(gitDirectory: repository.git.gitDirectory, workingTree: true)
            let previous = ParseCacheStore.read(cachePath)
            let reuse = ParseReuse(fingerprints: source.base.fingerprints(), previous: previous.parses)
            load = RecordedFiles.read(from: source, reusing: reuse).assemble(source: source)
        }
        let scored: Set<String> = [WorkspaceFile.policy, WorkspaceFile.accounts]
        let errors = load.findings.filter {
            $0.severity == .error
                && (scored.contains($0.location.file) || WorkspaceFile.planKind(of: $0.location.file) == .account)
        }
        let unreadable = [WorkspaceFile.policy, WorkspaceFile.accounts].filter { load.workspace.isUnreadable($0) }
        if !freeingMemory { ProcessMemory.keepUntilExit(load) }
        return Outcome(scores: TierScoring.scores(load.workspace), readingErrors: errors, unreadable: unreadable)
    }
}

/// The working tree as scoring needs it: clusters/ and programs/ look empty, so their plans are
/// neither read nor parsed.
private struct AccountPlansOnly: ConcurrentWorkspaceSource {
    let base: WorkingTreeSource
    init(_ base: WorkingTreeSource) { self.base = base }
    var label: String { base.label }
    func read(_ path: String) throws(SourceError) -> [UInt8]? { try base.read(path) }
    func list(_ folder: String) throws(SourceError) -> [String] {
        folder == Plan.Kind.account.folder ? try base.list(folder) : []
    }
    func paths(in folder: String) throws(SourceError) -> [String] {
        folder == Plan.Kind.account.folder ? try base.paths(in: folder) : []
    }
}
