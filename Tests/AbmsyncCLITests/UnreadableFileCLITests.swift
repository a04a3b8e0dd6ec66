import ABMTestSupport
import Foundation
import Testing

/// One conflict or one broken line in accounts.yaml: `status` and `validate` say so once, where it
/// is, and name the command that helps; nothing else cascades from it.
@Suite struct UnreadableFileCLITests {
    /// A shared plan repository with three tier 3 accounts, sent once, then a merge of a teammate's
    /// branch that conflicts on Acme's stage (one field).
    func conflicted() -> (TemporaryDirectory, String) {
        let temp = TemporaryDirectory()
        let remote = temp.file("shared.git")
        GitCLI.run(["init", "-q", "--bare", "-b", "main", remote], in: temp.path)
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        precondition(CLITests.abmsync(["init", "p", "--remote", remote], in: temp.path).status == 0)
        let root = temp.file("p")
        GitCLI.run(["config", "user.email", "jane@example.com"], in: root)
        GitCLI.run(["config", "user.name", "Jane Doe"], in: root)
        precondition(CLITests.abmsync(["new", "programme", "mid", "--owner", "ops"], in: root).status == 0)
        for id in ["acme", "globex", "initech"] {
            let added = CLITests.abmsync(["new", "account", id, "--name", id.capitalized, "--tier", "3", "--program", "mid"], in: root)
            precondition(added.status == 0, added.combined)
        }
        let sent = CLITests.abmsync(["sync"], in: root)
        precondition(sent.status == 0, sent.combined)
        func setStage(_ stage: String) {
            let text = temp.read("p/accounts.yaml") ?? ""
            let range = text.range(of: "stage: target")!
            temp.write("p/accounts.yaml", text.replacingCharacters(in: range, with: "stage: \(stage)"))
        }
        GitCLI.run(["checkout", "-q", "-b", "teammate"], in: root)
        setStage("engaged")
        GitCLI.run(["commit", "-q", "--no-verify", "-am", "teammate"], in: root)
        GitCLI.run(["checkout", "-q", "main"], in: root)
        setStage("won")
        GitCLI.run(["commit", "-q", "--no-verify", "-am", "mine"], in: root)
        let merge = GitCLI.run(["merge", "teammate"], in: root)
        precondition(merge.status != 0, merge.combined)
        return (temp, root)
    }

    @Test func statusDuringAOneFieldConflictNamesTheConflictNotRemovals() {
        let (temp, root) = conflicted()
        let status = CLITests.abmsync(["status"], in: root)
        #expect(status.status == 1)
        #expect(!status.stdout.contains("removed from the account list"), "\(status.stdout)")
        #expect(!status.stdout.contains("run 'abmsync sync'"), "sync refuses while conflicts are open: \(status.stdout)")
        #expect(status.stdout.contains("accounts.yaml: conflicts waiting for a decision (line "), "\(status.stdout)")
        #expect(status.stdout.contains("'abmsync conflicts'"), "\(status.stdout)")
        #expect(status.stdout.contains("Plans: 1 error"), "\(status.stdout)")
        withExtendedLifetime(temp) {}
    }

    @Test func statusWithABrokenLineSaysWhereAndWhatHelps() {
        let (temp, root) = conflicted()
        GitCLI.run(["merge", "--abort"], in: root)
        let text = temp.read("p/accounts.yaml") ?? ""
        temp.write("p/accounts.yaml", text.replacingOccurrences(of: "    stage: won\n", with: "\tstage: won\n"))
        let status = CLITests.abmsync(["status"], in: root)
        #expect(status.status == 1)
        #expect(!status.stdout.contains("removed from the account list"), "\(status.stdout)")
        #expect(!status.stdout.contains("run 'abmsync sync'"), "\(status.stdout)")
        #expect(status.stdout.contains("accounts.yaml: cannot be read (line "), "\(status.stdout)")
        #expect(status.stdout.contains("'abmsync validate'"), "\(status.stdout)")
        let validate = CLITests.abmsync(["validate"], in: root)
        #expect(validate.status == 1)
        #expect(validate.stdout.hasSuffix("1 error, 0 warnings in 1 file\n"), "\(validate.stdout)")
        withExtendedLifetime(temp) {}
    }
}
