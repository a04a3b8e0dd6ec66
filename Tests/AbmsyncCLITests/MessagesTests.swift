import ABMTestSupport
import Foundation
import Testing

/// What sync, status, conflicts and resolve say, as Jane reads it while Sam edits the same plans:
/// one short line per change, "yours" and the teammate's name, the next command that really helps.
@Suite struct MessagesTests {
    /// A shared remote, Jane's copy (`jane`) with Acme Corp, and Sam's clone (`sam`), in step.
    struct Team {
        let temp = TemporaryDirectory("abmsync-messages")
        var jane: String { temp.file("jane") }
        var sam: String { temp.file("sam") }

        init() {
            let remote = temp.file("shared.git")
            GitCLI.run(["init", "-q", "--bare", "-b", "main", remote], in: temp.path)
            temp.write("jane/team.yaml", PermissiveTeam.yaml)  // not about permissions
            precondition(CLITests.abmsync(["init", "jane", "--remote", remote], in: temp.path).status == 0)
            identify(jane, "Jane Doe", "jane@example.com")
            let added = CLITests.abmsync(
                ["new", "account", "acme", "--name", "Acme Corp", "--tier", "1", "--ae", "jane", "--marketer", "sam",
                 "--sponsor", "vp", "--acv", "450000"], in: jane)
            precondition(added.status == 0, added.combined)
            precondition(CLITests.abmsync(["sync"], in: jane).status == 0)
            precondition(CLITests.abmsync(["clone", remote, "sam"], in: temp.path).status == 0)
            identify(sam, "Sam Lee", "sam@example.com")
        }

        func identify(_ folder: String, _ name: String, _ email: String) {
            GitCLI.run(["config", "user.name", name], in: folder)
            GitCLI.run(["config", "user.email", email], in: folder)
        }

        func edit(_ who: String, _ file: String, _ from: String, _ to: String) {
            let path = "\(who)/\(file)"
            let text = temp.read(path) ?? ""
            precondition(text.contains(from), "\(path) has no '\(from)'")
            temp.write(path, text.replacingOccurrences(of: from, with: to))
        }

        func sync(_ folder: String) -> ProcessOutput { CLITests.abmsync(["sync"], in: folder) }

        /// Sam sets the stage to won and sends it; Jane sets it to lost and syncs: one conflict.
        func stageConflict() -> ProcessOutput {
            edit("sam", "accounts.yaml", "    stage: target\n", "    stage: won\n")
            precondition(sync(sam).status == 0)
            edit("jane", "accounts.yaml", "    stage: target\n", "    stage: lost\n")
            return sync(jane)
        }
    }

    /// A sync that stops before recording anything (an email nobody in team.yaml has) does not
    /// claim the edits were recorded: it says they are still in the files, and they are.
    @Test func aSyncStoppedBeforeRecordingDoesNotSayTheEditsWereRecorded() throws {
        let team = Team()
        team.identify(team.sam, "Sam Lee", "sam@personal.example")
        team.edit("sam", "accounts.yaml", "    stage: target\n", "    stage: engaged\n")
        let before = GitCLI.run(["rev-parse", "HEAD"], in: team.sam).stdout
        let stopped = team.sync(team.sam)
        #expect(stopped.status == 2, "\(stopped.combined)")
        #expect(stopped.stderr.contains("matches nobody in team.yaml"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("recorded here"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("Nothing was recorded or sent: your edits are still in your files."), "\(stopped.stderr)")
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: team.sam).stdout == before)
        #expect(team.temp.read("sam/accounts.yaml")?.contains("    stage: engaged\n") == true)
    }

    @Test func aMultiLineValueIsOneShortLineInSyncOutputAndTheCommitSubject() throws {
        let team = Team()
        team.edit("sam", "accounts.yaml", "    stage: target\n", "    stage: target\n    notes: |\n      Renewal in Q2\n      CFO wants a pilot first\n")
        let sent = team.sync(team.sam)
        #expect(sent.status == 0, "\(sent.combined)")
        #expect(sent.stdout.contains("  Acme Corp: notes set to \"Renewal in Q2 …\" (2 lines)\n"), "\(sent.stdout)")
        #expect(!sent.stdout.contains("CFO wants"), "\(sent.stdout)")
        let subject = GitCLI.run(["log", "-1", "--format=%s"], in: team.sam).stdout
        #expect(subject == "Acme Corp: notes set to \"Renewal in Q2 …\" (2 lines)\n", "\(subject)")
        let got = team.sync(team.jane)
        #expect(got.stdout.contains("  Acme Corp: notes set to \"Renewal in Q2 …\" (2 lines)\n"), "\(got.stdout)")
        #expect(!got.stdout.contains("CFO wants"), "\(got.stdout)")
    }

    @Test func conflictsAndResolveSpeakOfYoursAndTheTeammateAndNameTheNextCommand() throws {
        let team = Team()
        let synced = team.stageConflict()
        #expect(synced.status == 1, "\(synced.combined)")
        #expect(synced.stdout.contains("Acme Corp · stage: yours \"lost\", Sam Lee's \"won\" (before \"target\")"), "\(synced.stdout)")
        let listed = CLITests.abmsync(["conflicts"], in: team.jane)
        #expect(listed.status == 1)
        #expect(listed.stdout.contains("  yours:     lost\n  Sam Lee's: won\n"), "\(listed.stdout)")
        #expect(listed.stdout.contains("--ours (keeps yours) or --theirs (keeps Sam Lee's)"), "\(listed.stdout)")
        #expect(listed.stdout.contains("run 'abmsync sync'"), "\(listed.stdout)")
        #expect(!listed.stdout.contains("git add") && !listed.stdout.contains("git commit"), "\(listed.stdout)")
        #expect(!listed.stdout.contains("  ours:") && !listed.stdout.contains("  theirs:"), "\(listed.stdout)")
        let settled = CLITests.abmsync(["resolve", "acme", "--theirs"], in: team.jane)
        #expect(settled.status == 0, "\(settled.combined)")
        #expect(settled.stdout.contains("Acme Corp · stage: kept Sam Lee's (won)"), "\(settled.stdout)")
        #expect(settled.stdout.contains("run 'abmsync sync'"), "\(settled.stdout)")
        #expect(!settled.stdout.contains("git add") && !settled.stdout.contains("git commit"), "\(settled.stdout)")
    }

    @Test func keepingADeletedSideSaysSoOnce() throws {
        let team = Team()
        team.edit(
            "jane", "accounts.yaml", "    stage: target\n",
            "<<<<<<< ours — Acme Corp · acv (changed in ours, deleted in theirs)\n    acv: 500000\n=======\n>>>>>>> theirs\n    stage: target\n")
        team.edit("jane", "accounts.yaml", "    acv: 450000\n", "")
        let settled = CLITests.abmsync(["resolve", "acme", "--theirs"], in: team.jane)
        #expect(settled.status == 0, "\(settled.combined)")
        #expect(settled.stdout.contains("(deleted)") && !settled.stdout.contains("((deleted))"), "\(settled.stdout)")
        #expect(!settled.stdout.contains("kept theirs"), "\(settled.stdout)")
    }

    @Test func afterAMergeYourEditsAreYoursAndTheTeammatesAreTheirs() throws {
        let team = Team()
        team.edit("sam", "accounts.yaml", "    stage: target\n", "    stage: won\n    domain: acme.com\n")
        #expect(team.sync(team.sam).status == 0)
        team.edit("jane", "accounts.yaml", "    stage: target\n", "    stage: lost\n")
        #expect(team.sync(team.jane).status == 1)
        team.edit("jane", "accounts.yaml", "acv: 450000", "acv: 470000")
        #expect(CLITests.abmsync(["resolve", "acme", "--theirs"], in: team.jane).status == 0)
        let finished = team.sync(team.jane)
        #expect(finished.status == 0, "\(finished.combined)")
        let out = finished.stdout
        #expect(out.contains("Finished the merge with the changes from Sam Lee"), "\(out)")
        #expect(!out.contains("Recorded your edits"), "Sam's stage and domain are not Jane's edits: \(out)")
        let got = try #require(out.range(of: "Got from Sam Lee:\n"))
        let keeps = try #require(out.range(of: "Your edits it keeps:\n"))
        let theirs = out[got.upperBound..<keeps.lowerBound]
        let yours = out[keeps.upperBound...]
        #expect(theirs.contains("Acme Corp: stage lost → won") && theirs.contains("Acme Corp: domain set to acme.com"), "\(out)")
        #expect(yours.contains("Acme Corp: acv 450000 → 470000") && !yours.contains("stage") && !yours.contains("domain"), "\(out)")
        let subject = GitCLI.run(["log", "-1", "--format=%s"], in: team.jane).stdout
        #expect(subject == "Merge changes from Sam Lee; yours: Acme Corp: acv 450000 → 470000\n", "\(subject)")
    }

    @Test func teammatesChangesOutsideThePlansAreNotAnEmptyList() throws {
        let team = Team()
        team.temp.write("sam/NOTES.txt", "team notes\n")
        GitCLI.run(["add", "NOTES.txt"], in: team.sam)
        GitCLI.run(["commit", "-q", "-m", "notes"], in: team.sam)
        #expect(team.sync(team.sam).status == 0)
        let got = team.sync(team.jane)
        #expect(got.status == 0, "\(got.combined)")
        // (GitCLI commits as its fixed test identity.)
        #expect(got.stdout.contains("Got teammates' changes from Test Author; they change nothing in the plans."), "\(got.stdout)")
        #expect(!got.stdout.contains("changes from Test Author:\n"), "\(got.stdout)")
    }

    @Test func statusSaysWhoAndWhatChangedInTheTeam() throws {
        let team = Team()
        team.edit("jane", "team.yaml", "email: ops@example.com", "email: ops-team@example.com")
        let status = CLITests.abmsync(["status"], in: team.jane)
        #expect(status.stdout.contains("team.yaml: Ops Team (ops): email ops@example.com → ops-team@example.com"), "\(status.stdout)")
        #expect(!status.stdout.contains("team.yaml: edited"), "\(status.stdout)")
        let text = try #require(team.temp.read("jane/team.yaml"))
        team.temp.write("jane/team.yaml", text + "  lee:\n    name: Lee Park\n    email: lee@example.com\n    roles: [sdr]\n")
        let added = CLITests.abmsync(["status"], in: team.jane)
        #expect(added.stdout.contains("team.yaml: Lee Park (lee) added to the team"), "\(added.stdout)")
    }

    /// Block text and sections: the summary shows the lines that differ, not a shared prefix twice.
    @Test func aConflictInBlockTextShowsTheLinesThatDiffer() throws {
        let team = Team()
        let shared = "owner_notes: |\n  Renewal of the platform deal, procurement runs through the regional office\n  Budget owner: CFO\n"
        team.edit("jane", "accounts/acme.md", "owner_notes: \"\"\n", shared)
        #expect(team.sync(team.jane).status == 0)
        #expect(team.sync(team.sam).status == 0)
        team.edit("sam", "accounts/acme.md", "  Budget owner: CFO\n", "  Budget owner: CIO\n")
        #expect(team.sync(team.sam).status == 0)
        team.edit("jane", "accounts/acme.md", "  Budget owner: CFO\n", "  Budget owner: COO\n")
        let synced = team.sync(team.jane)
        #expect(synced.status == 1, "\(synced.combined)")
        #expect(synced.stdout.contains("yours \"Budget owner: COO\", Sam Lee's \"Budget owner: CIO\""), "\(synced.stdout)")
        #expect(!synced.stdout.contains("owner_notes: |…"), "\(synced.stdout)")
    }
}
