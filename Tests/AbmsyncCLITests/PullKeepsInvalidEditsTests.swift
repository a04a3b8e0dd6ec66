import ABMTestSupport
import Foundation
import Testing

/// A pull never puts invalid edits into the branch (from where the next sync would send them): they
/// are kept on a private ref and in the working files, teammates' changes are merged in around them,
/// and the person is told what is wrong.
@Suite(.serialized) struct PullKeepsInvalidEditsTests {
    struct Team {
        let temp = TemporaryDirectory("abmsync-pull-invalid")
        var remote: String { temp.file("shared.git") }
        var jane: String { temp.file("jane") }
        var sam: String { temp.file("sam") }

        init() {
            GitCLI.run(["init", "-q", "--bare", "-b", "main", temp.file("shared.git")], in: temp.path)
            temp.write("jane/team.yaml", PermissiveTeam.yaml)  // not about permissions
            precondition(CLITests.abmsync(["init", "jane", "--remote", temp.file("shared.git")], in: temp.path).status == 0)
            Self.identify(temp.file("jane"), "Jane Doe", "jane@example.com")
            let added = CLITests.abmsync(
                ["new", "account", "acme-corp", "--name", "Acme Corp", "--tier", "1", "--ae", "jane", "--marketer", "sam",
                 "--sponsor", "vp", "--acv", "450000"], in: temp.file("jane"))
            precondition(added.status == 0, added.combined)
            let first = CLITests.abmsync(["sync"], in: temp.file("jane"))
            precondition(first.status == 0, first.combined)
            precondition(CLITests.abmsync(["clone", temp.file("shared.git"), "sam"], in: temp.path).status == 0)
            Self.identify(temp.file("sam"), "Sam Lee", "sam@example.com")
        }

        static func identify(_ folder: String, _ name: String, _ email: String) {
            GitCLI.run(["config", "user.name", name], in: folder)
            GitCLI.run(["config", "user.email", email], in: folder)
        }

        func edit(_ who: String, _ file: String, _ from: String, _ to: String) {
            let text = temp.read("\(who)/\(file)") ?? ""
            precondition(text.contains(from), "\(who)/\(file) has no '\(from)'")
            temp.write("\(who)/\(file)", text.replacingOccurrences(of: from, with: to))
        }

        /// Every commit the shared remote holds, each checked as `abmsync validate --rev` would.
        func sharedCommitsThatFailValidation() -> [String] {
            GitCLI.run(["fetch", "-q", "origin"], in: jane)
            let commits = GitCLI.run(["--git-dir", remote, "rev-list", "main"], in: temp.path).stdout.split(separator: "\n")
            return commits.map(String.init).filter { CLITests.abmsync(["validate", "--quiet-ok", "--rev", $0], in: jane).status != 0 }
        }
    }

    @Test func invalidEditsAreKeptOutOfTheSharedHistoryAndTheUserIsTold() throws {
        let team = Team()
        // Sam moves the deal on and shares it; meanwhile Jane mistypes her own id.
        team.edit("sam", "accounts.yaml", "stage: target", "stage: engaged")
        #expect(CLITests.abmsync(["sync"], in: team.sam).status == 0)
        team.edit("jane", "accounts.yaml", "ae: jane", "ae: jnae")
        let janeHead = GitCLI.run(["rev-parse", "HEAD"], in: team.jane).stdout

        let pull = CLITests.abmsync(["pull"], in: team.jane)
        #expect(pull.status == 1, "\(pull.combined)")
        // She is told her edits have problems, what they are, and that they were kept but not shared.
        #expect(pull.combined.contains("Got teammates' changes from Sam Lee:"), "\(pull.combined)")
        #expect(pull.combined.contains("Acme Corp: stage target → engaged"), "\(pull.combined)")
        #expect(pull.combined.contains("your edits were kept here but not recorded for the team: they have 1 error"), "\(pull.combined)")
        #expect(pull.combined.contains("accounts.yaml:"), "\(pull.combined)")
        #expect(pull.combined.contains("jnae"), "\(pull.combined)")
        #expect(!pull.combined.contains("Checkpoint"), "\(pull.combined)")
        // The branch took Sam's commit only; the working file holds both Sam's change and hers.
        let log = GitCLI.run(["log", "-p", "main"], in: team.jane).stdout
        #expect(!log.contains("jnae"), "the invalid edit was committed to the branch")
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: team.jane).stdout == GitCLI.run(["--git-dir", team.remote, "rev-parse", "main"], in: team.temp.path).stdout)
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: team.jane).stdout != janeHead)
        let working = try #require(team.temp.read("jane/accounts.yaml"))
        #expect(working.contains("ae: jnae") && working.contains("stage: engaged"), "\(working)")
        // The edits are also safe in a commit on a private ref, whatever happens to the files.
        let kept = GitCLI.run(["show", "refs/abmsync/checkpoint:accounts.yaml"], in: team.jane)
        #expect(kept.status == 0 && kept.stdout.contains("ae: jnae"), "\(kept.combined)")
        #expect(GitCLI.run(["ls-remote", team.remote], in: team.jane).stdout.contains("refs/abmsync") == false)

        // A sync does not send them while they are invalid, and says why with exit 1.
        let refused = CLITests.abmsync(["sync"], in: team.jane)
        #expect(refused.status == 1, "\(refused.combined)")
        #expect(refused.combined.contains("jnae"))
        #expect(team.sharedCommitsThatFailValidation().isEmpty)

        // Fixed, the next sync sends them: every commit the team has passes validation.
        team.edit("jane", "accounts.yaml", "ae: jnae", "ae: jane")
        team.edit("jane", "accounts.yaml", "acv: 450000", "acv: 480000")
        let sent = CLITests.abmsync(["sync"], in: team.jane)
        #expect(sent.status == 0, "\(sent.combined)")
        #expect(sent.stdout.contains("Acme Corp: acv 450000 → 480000"), "\(sent.stdout)")
        #expect(team.sharedCommitsThatFailValidation().isEmpty)
        let shared = GitCLI.run(["--git-dir", team.remote, "log", "-p", "main"], in: team.temp.path).stdout
        #expect(!shared.contains("jnae"))
        #expect(GitCLI.run(["status", "--porcelain"], in: team.jane).stdout == "")
    }

    @Test func validEditsArePulledAsBeforeAndTheNextSyncSendsThem() throws {
        let team = Team()
        team.edit("sam", "accounts.yaml", "stage: target", "stage: engaged")
        #expect(CLITests.abmsync(["sync"], in: team.sam).status == 0)
        team.edit("jane", "accounts.yaml", "acv: 450000", "acv: 480000")
        let pull = CLITests.abmsync(["pull"], in: team.jane)
        #expect(pull.status == 0, "\(pull.combined)")
        #expect(pull.stdout.contains("Recorded your edits ("), "\(pull.stdout)")
        #expect(GitCLI.run(["status", "--porcelain"], in: team.jane).stdout == "")
        #expect(CLITests.abmsync(["sync"], in: team.jane).status == 0)
        #expect(team.sharedCommitsThatFailValidation().isEmpty)
        let shared = GitCLI.run(["--git-dir", team.remote, "show", "main:accounts.yaml"], in: team.temp.path).stdout
        #expect(shared.contains("acv: 480000") && shared.contains("stage: engaged"))
    }

    /// Invalid edits on a line a teammate also changed: the working file gets markers around the two
    /// versions, nothing is committed on the branch, the pull says both.
    @Test func invalidEditsThatConflictWithATeammateAreMarkedInTheFile() throws {
        let team = Team()
        team.edit("sam", "accounts.yaml", "acv: 450000", "acv: 500000")
        #expect(CLITests.abmsync(["sync"], in: team.sam).status == 0)
        team.edit("jane", "accounts.yaml", "acv: 450000", "acv: lots")
        let pull = CLITests.abmsync(["pull"], in: team.jane)
        #expect(pull.status == 1, "\(pull.combined)")
        #expect(pull.combined.contains("need"), "\(pull.combined)")
        let working = try #require(team.temp.read("jane/accounts.yaml"))
        #expect(working.contains("acv: lots") && working.contains("acv: 500000") && working.contains("<<<<<<<"), "\(working)")
        #expect(!GitCLI.run(["log", "-p", "main"], in: team.jane).stdout.contains("acv: lots"))
        #expect(GitCLI.run(["show", "refs/abmsync/checkpoint:accounts.yaml"], in: team.jane).stdout.contains("acv: lots"))
        #expect(team.sharedCommitsThatFailValidation().isEmpty)
    }

    /// A pull with invalid edits killed at each step: the edits are in the files or on the private ref,
    /// the next pull finishes, and nothing invalid is ever on the branch.
    @Test(arguments: ["after-checkpoint", "after-fetch", "after-merge-commit", "after-checkout"])
    func aPullKilledMidwayLosesNoEditAndCommitsNothingInvalid(point: String) throws {
        let team = Team()
        team.edit("sam", "accounts.yaml", "stage: target", "stage: engaged")
        #expect(CLITests.abmsync(["sync"], in: team.sam).status == 0)
        // Jane has a valid commit of her own not sent yet (so the pull merges), then mistypes.
        team.edit("jane", "accounts.yaml", "acv: 450000", "acv: 480000")
        let committed = runProcess(
            GitCLI.executable, ["commit", "-qam", "acv"], in: team.jane,
            environment: GitCLI.environment(home: team.jane).merging(["ABMSYNC_TODAY": "2026-11-22"]) { $1 })
        #expect(committed.status == 0, "\(committed.combined)")
        team.edit("jane", "accounts.yaml", "ae: jane", "ae: jnae")

        var environment = GitCLI.environment(home: team.jane)
        environment["ABMSYNC_TEST_CRASH_AT"] = point
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let crashed = runProcess(CLITests.binary, ["pull", "--quiet"], in: team.jane, environment: environment)
        #expect(crashed.status == 137, "\(crashed.combined)")
        let files = team.temp.read("jane/accounts.yaml") ?? ""
        let kept = GitCLI.run(["show", "refs/abmsync/checkpoint:accounts.yaml"], in: team.jane).stdout
        #expect(files.contains("ae: jnae") || kept.contains("ae: jnae"))
        #expect(!GitCLI.run(["log", "-p", "main"], in: team.jane).stdout.contains("jnae"))

        let again = CLITests.abmsync(["pull"], in: team.jane)
        #expect(again.status == 1, "\(again.combined)")
        let working = team.temp.read("jane/accounts.yaml") ?? ""
        #expect(working.contains("ae: jnae") && working.contains("stage: engaged") && working.contains("acv: 480000"), "\(working)")
        #expect(!GitCLI.run(["log", "-p", "main"], in: team.jane).stdout.contains("jnae"))
        team.edit("jane", "accounts.yaml", "ae: jnae", "ae: jane")
        let sent = CLITests.abmsync(["sync"], in: team.jane)
        #expect(sent.status == 0, "\(sent.combined)")
        #expect(team.sharedCommitsThatFailValidation().isEmpty)
        #expect(GitCLI.run(["status", "--porcelain"], in: team.jane).stdout == "")
        #expect(GitCLI.run(["fsck", "--strict"], in: team.jane).status == 0)
    }
}
