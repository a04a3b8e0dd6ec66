import ABMTestSupport
import Foundation
import Testing

/// MERGE_HEAD (and MERGE_MSG, MERGE_MODE), written when a sync stops on a conflict, go through the
/// atomic writer: a kill in the middle leaves no piece of one, and the next run finishes the step.
@Suite(.serialized) struct MergeStateFileTests {
    @Test(arguments: ["mid-write:MERGE_MSG", "mid-write:MERGE_HEAD", "after-write:MERGE_HEAD"])
    func aKillWhileRecordingTheMergeLeavesNoPieceAndTheNextRunFinishesIt(point: String) throws {
        let team = MessagesTests.Team()
        team.edit("sam", "accounts.yaml", "    stage: target\n", "    stage: won\n")
        #expect(team.sync(team.sam).status == 0)
        team.edit("jane", "accounts.yaml", "    stage: target\n", "    stage: lost\n")
        var environment = GitCLI.environment(home: team.jane)
        environment["ABMSYNC_TEST_CRASH_AT"] = point
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let killed = runProcess(CLITests.binary, ["sync"], in: team.jane, environment: environment)
        #expect(killed.status == 137, "\(killed.combined)")
        // Each file is there whole, or not at all.
        let git = team.jane + "/.git/"
        if let head = try? String(contentsOfFile: git + "MERGE_HEAD", encoding: .utf8) {
            #expect(head.count == 41 && head.hasSuffix("\n"), "MERGE_HEAD is a piece: '\(head)'")
        }
        if let message = try? String(contentsOfFile: git + "MERGE_MSG", encoding: .utf8) {
            #expect(message.hasPrefix("Merge teammates' changes (1 conflict settled)\n"), "MERGE_MSG is a piece: '\(message)'")
        }

        // The next run finishes the step: one conflict, the merge recorded for git, Sam's and Jane's values.
        let status = CLITests.abmsync(["conflicts"], in: team.jane)
        #expect(status.status == 1, "\(status.combined)")
        #expect(status.stdout.contains("Acme Corp · stage (both changed)"), "\(status.stdout)")
        let head = try String(contentsOfFile: git + "MERGE_HEAD", encoding: .utf8)
        #expect(head == GitCLI.run(["rev-parse", "origin/main"], in: team.jane).stdout)
        #expect(GitCLI.run(["status"], in: team.jane).stdout.contains("still merging"))
        // The next sync (still stopped on the conflict) takes away the killed run's temporary file.
        #expect(team.sync(team.jane).status == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: git).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
