import ABMTestSupport
import Foundation
import Testing

/// A clone killed while libgit2 writes the working files: the checkout was journalled, so the next
/// run finishes it and nothing missing is recorded as the person's deletion.
@Suite(.serialized) struct CloneCheckoutJournalTests {
    @Test func aCloneKilledInTheMiddleOfItsCheckoutIsFinishedByTheNextSync() throws {
        let temp = TemporaryDirectory("abmsync-clone-kill")
        let remote = ConcurrencyTests.setUpShared(temp)
        // A few hundred files in the shared history.
        let seed = temp.file("seed")
        for number in 0..<300 { temp.write("seed/notes/note-\(number).txt", "note \(number)\n") }
        GitCLI.run(["add", "-A"], in: seed)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "notes"], in: seed)
        GitCLI.run(["push", "-q", "origin", "main"], in: seed)
        let shared = GitCLI.run(["--git-dir", remote, "rev-parse", "main"], in: temp.path).stdout

        var environment = GitCLI.environment(home: temp.path)
        environment["ABMSYNC_TEST_CRASH_AT"] = "mid-checkout"
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let killed = runProcess(CLITests.binary, ["clone", remote, "jane"], in: temp.path, environment: environment)
        #expect(killed.status == 137, "\(killed.combined)")
        let jane = temp.file("jane")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: jane + "/notes"))?.count ?? 0
        #expect(written < 300, "the kill came after the checkout (\(written) files)")
        GitCLI.run(["config", "user.name", "Ops Team"], in: jane)
        GitCLI.run(["config", "user.email", "ops@example.com"], in: jane)

        let synced = CLITests.abmsync(["sync"], in: jane)
        #expect(synced.status == 0, "\(synced.combined)")
        #expect(!synced.stdout.contains("removed") && !synced.stdout.contains("deleted"), "\(synced.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: jane + "/notes").count == 300)
        #expect(GitCLI.run(["status", "--porcelain"], in: jane).stdout == "")
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: jane).stdout == shared, "a commit was recorded")
        #expect(GitCLI.run(["--git-dir", remote, "rev-parse", "main"], in: temp.path).stdout == shared)
        #expect(!FileManager.default.fileExists(atPath: jane + "/.git/abmsync/checkout-journal"))
    }
}
