import ABMCore
import ABMTestSupport
import Foundation
import Testing

@testable import ABMSync

@Suite struct WatchLoopTests {
    @Test func aWaitingConflictPausesSyncingWithOneMessage() {
        let temp = TemporaryDirectory()
        temp.write("abmsync.yaml", "version: 1\n")
        temp.write("accounts.yaml", "accounts:\n<<<<<<< ours\n  a: {tier: 1}\n=======\n  a: {tier: 2}\n>>>>>>> theirs\n")
        let loop = WatchLoop(root: temp.path, interval: 0.05, debounce: 0.01, poll: 0.01)
        var polls = 0
        var syncs = 0
        var events: [WatchLoop.Event] = []
        loop.run(
            shouldStop: {
                polls += 1
                if polls == 20 { temp.write("accounts.yaml", "accounts:\n  a: {tier: 2}\n") }  // settled by hand
                return polls > 40
            },
            sync: { () throws(AbmsyncError) in
                syncs += 1
                return SyncReport()
            },
            report: { _, event in events.append(event) })
        #expect(events.first == .waitingForConflicts)
        #expect(events.filter { $0 == .waitingForConflicts }.count == 1)
        #expect(syncs >= 1, "syncing resumes once the conflict is settled")
        #expect(events.dropFirst().allSatisfy { $0 != .waitingForConflicts })
    }
}
