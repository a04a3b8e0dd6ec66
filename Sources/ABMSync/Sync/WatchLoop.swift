import ABMCore
import Foundation

/// `abmsync sync --watch`: keeps a plan repository in sync while people edit it, like the auto-sync
/// of note-taking tools. Syncs after edits settle (debounce) and at a fixed interval; pauses, with one
/// message, while a conflict waits for a person; treats offline as a normal state.
public struct WatchLoop {
    public enum Event: Sendable, Equatable {
        case synced(SyncReport.Outcome?, sent: Int)
        case offline
        case waitingForConflicts
        case failed(String)
    }

    let root: String
    let interval: TimeInterval
    let debounce: TimeInterval
    let poll: TimeInterval

    public init(root: String, interval: TimeInterval, debounce: TimeInterval = 3, poll: TimeInterval = 1) {
        self.root = root
        self.interval = interval
        self.debounce = debounce
        self.poll = poll
    }

    /// Runs until `shouldStop` says so (checked every poll) or after `maxSyncs` sync attempts.
    public func run(
        maxSyncs: Int? = nil, shouldStop: () -> Bool, sync: () throws(AbmsyncError) -> SyncReport,
        report: (SyncReport?, Event) -> Void
    ) {
        var lastSync = Date.distantPast
        var seen = fingerprint()
        var changedAt: Date?
        var syncs = 0
        var pausedForConflicts = false
        while !shouldStop() {
            let now = Date()
            let current = fingerprint()
            if current != seen {
                seen = current
                changedAt = now
            }
            let editsSettled = changedAt.map { now.timeIntervalSince($0) >= debounce } ?? false
            let due = now.timeIntervalSince(lastSync) >= interval
            if editsSettled || due {
                changedAt = nil
                lastSync = now
                if hasConflictMarkers() {
                    if !pausedForConflicts { report(nil, .waitingForConflicts) }
                    pausedForConflicts = true
                } else {
                    pausedForConflicts = false
                    syncs += 1
                    do {
                        let result = try sync()
                        if result.offline {
                            report(result, .offline)
                        } else if result.pullOutcome == .conflicts {
                            report(result, .waitingForConflicts)
                            pausedForConflicts = true
                        } else {
                            report(result, .synced(result.pullOutcome, sent: result.pushedCommits))
                        }
                    } catch {
                        report(nil, .failed(error.rendered))
                    }
                    seen = fingerprint()  // our own sync rewrote files
                    if let maxSyncs, syncs >= maxSyncs { return }
                }
            }
            Thread.sleep(forTimeInterval: poll)
        }
    }

    /// Sizes and modification times of the plan files: cheap to compare, changes on every save.
    func fingerprint() -> [String: String] {
        var result: [String: String] = [:]
        var paths = [WorkspaceFile.policy, WorkspaceFile.team, WorkspaceFile.accounts]
        for kind in Plan.Kind.allCases {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + kind.folder)) ?? []
            paths += names.filter { $0.hasSuffix(".md") }.map { "\(kind.folder)/\($0)" }
        }
        for path in paths {
            var info = stat()
            if stat(root + "/" + path, &info) == 0 {
                result[path] = "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            }
        }
        return result
    }

    func hasConflictMarkers() -> Bool {
        WorkspaceLoader.load(from: WorkingTreeSource(root: root)).findings.contains { $0.rule == "conflict-marker" }
    }
}
