import ABMCore
import Foundation
import GitKit

/// `abmsync status`: where this copy stands, in plan terms. Reads only local state (no network).
public enum StatusUseCase {
    public struct Status: Sendable {
        public var branch: String
        public var remoteURL: String?
        /// Commits here that the team does not have yet, and the other way round (as of the last sync).
        public var ahead: Int
        public var behind: Int
        public var localChanges: [PlanChange]
        public var mergeInProgress: Bool
        /// Places still marked as conflicts.
        public var conflictMarkers: [Finding]
        /// Files that cannot be read for another reason (broken YAML, bad bytes…): the first problem of each.
        public var unreadable: [Finding]
        /// True when sync would refuse until the conflicts are settled and every file reads.
        public var syncWaits: Bool { !conflictMarkers.isEmpty || !unreadable.isEmpty }
        public var errors: Int
        public var warnings: Int
        /// What this copy lacks of abmsync's set-up (hooks, merge driver).
        public var setupGaps: [SetupCheck.Gap] = []
    }

    public static func run(_ repository: PlanRepository, today: PlanDate) throws(AbmsyncError) -> Status {
        do {
            let git = repository.git
            let branch = try git.currentBranch() ?? "main"
            let remote = try git.remote(named: "origin")
            var ahead = 0
            var behind = 0
            if let head = try git.headCommitID(), let upstream = try git.referenceTarget("refs/remotes/origin/\(branch)") {
                (ahead, behind) = try git.aheadBehind(local: head, upstream: upstream)
            } else if let head = try git.headCommitID(), remote != nil {
                ahead = try git.log(from: head, limit: 10_000).count
            }
            let source = WorkingTreeSource(root: repository.root)
            let load = WorkspaceLoader.load(from: source)
            let report = ValidateUseCase.report(
                for: load, today: today,
                lastStageChange: ValidateUseCase.stageHistory(git, source: source, blob: nil, today: today))
            return Status(
                branch: branch, remoteURL: remote.map { RemoteDisplay.redacted($0.url) }, ahead: ahead, behind: behind,
                localChanges: try repository.localChanges(), mergeInProgress: try git.mergeHead() != nil,
                conflictMarkers: load.findings.filter { $0.rule == "conflict-marker" },
                unreadable: Self.firstProblemPerFile(load.findings), errors: report.errorCount,
                warnings: report.warningCount, setupGaps: SetupCheck.gaps(repository))
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// The first reason each file cannot be read, conflicts aside (they are listed on their own).
    static func firstProblemPerFile(_ findings: [Finding]) -> [Finding] {
        var seen: Set<String> = []
        return findings.filter { finding in
            finding.account == nil && finding.rule != "conflict-marker"
                && WorkspaceLoader.unreadableRules.contains(finding.rule) && seen.insert(finding.location.file).inserted
        }
    }
}
