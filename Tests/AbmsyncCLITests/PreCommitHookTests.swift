import ABMTestSupport
import Foundation
import Testing

/// The pre-commit hook judges exactly what git is about to commit, however git was called: `git commit -a`,
/// `git commit PATH` and `--amend` commit from an index of their own (GIT_INDEX_FILE), not .git/index.
@Suite struct PreCommitHookTests {
    /// A plan repository with a valid tier 1 account committed, and its hooks installed by init.
    func repository() -> (TemporaryDirectory, String) {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        precondition(CLITests.abmsync(["init", "plans"], in: temp.path).status == 0)
        let added = CLITests.abmsync(
            ["new", "account", "acme-corp", "--name", "Acme Corp", "--tier", "1", "--ae", "jane", "--marketer", "sam",
             "--sponsor", "vp", "--acv", "450000"], in: root)
        precondition(added.status == 0, added.combined)
        let base = git(["add", "-A"], in: root).status + git(["commit", "-q", "-m", "base"], in: root).status
        precondition(base == 0)
        return (temp, root)
    }

    /// `git` with the hook's abmsync pinned to the tests' day.
    func git(_ arguments: [String], in root: String) -> ProcessOutput {
        runProcess(
            GitCLI.executable, arguments, in: root,
            environment: GitCLI.environment(home: root).merging(["ABMSYNC_TODAY": "2026-11-22", "GIT_AUTHOR_EMAIL": "val@example.com"]) { $1 })
    }

    func head(_ root: String) -> String { git(["rev-parse", "HEAD"], in: root).stdout }

    func edit(_ temp: TemporaryDirectory, _ from: String, _ to: String) {
        let text = temp.read("plans/accounts.yaml") ?? ""
        precondition(text.contains(from))
        temp.write("plans/accounts.yaml", text.replacingOccurrences(of: from, with: to))
    }

    static let ways: [[String]] = [
        ["commit", "-a", "-m", "edit"],
        ["commit", "-m", "edit", "accounts.yaml"],
        ["commit", "--amend", "-a", "-m", "edit"],
        ["commit", "--amend", "-m", "edit", "--", "accounts.yaml"],
        ["commit", "--only", "-m", "edit", "accounts.yaml"],
    ]

    @Test(arguments: ways) func aBadEditIsRefusedAndAGoodOnePassesHoweverGitIsCalled(_ command: [String]) throws {
        let (temp, root) = repository()
        let before = head(root)
        edit(temp, "acv: 450000", "acv: lots")
        let refused = git(command, in: root)
        #expect(refused.status != 0, "\(command): \(refused.combined)")
        #expect(refused.combined.contains("accounts.yaml:"), "\(refused.combined)")
        #expect(refused.combined.contains("acv"), "\(refused.combined)")
        #expect(refused.combined.contains("Nothing was committed"), "\(refused.combined)")
        #expect(head(root) == before)
        #expect(git(["show", "HEAD:accounts.yaml"], in: root).stdout.contains("acv: 450000"))

        edit(temp, "acv: lots", "acv: 500000")
        let accepted = git(command, in: root)
        #expect(accepted.status == 0, "\(command): \(accepted.combined)")
        #expect(git(["show", "HEAD:accounts.yaml"], in: root).stdout.contains("acv: 500000"))
    }

    /// The staged snapshot being good does not let a bad `commit -a` through, and a bad temporary index
    /// judged first does not spoil the cache for the real one (the cache is keyed by blob id).
    @Test func theParseCacheStaysRightWhenGitCommitsFromAnotherIndex() throws {
        let (temp, root) = repository()
        // The real index stays valid (what `validate --staged` saw last) while the working file is bad.
        #expect(CLITests.abmsync(["validate", "--staged", "--quiet-ok"], in: root).status == 0)
        edit(temp, "acv: 450000", "acv: lots")
        #expect(git(["commit", "-a", "-m", "bad"], in: root).status != 0)
        let staged = CLITests.abmsync(["validate", "--staged", "--quiet-ok"], in: root)
        #expect(staged.status == 0, "\(staged.combined)")
        #expect(git(["commit", "-a", "-m", "bad"], in: root).status != 0)
        // Staged as well, plain commit is refused too; fixed, everything passes.
        git(["add", "accounts.yaml"], in: root)
        #expect(git(["commit", "-m", "bad"], in: root).status != 0)
        edit(temp, "acv: lots", "acv: 450001")
        #expect(git(["commit", "-a", "-m", "good"], in: root).status == 0)
        #expect(CLITests.abmsync(["validate", "--staged", "--quiet-ok"], in: root).status == 0)
    }

    /// A person can point `validate --staged` at another index the way git does, and a missing one is
    /// an error, never an empty (valid) snapshot.
    @Test func validateStagedReadsTheIndexGitIsCommitting() throws {
        let (temp, root) = repository()
        edit(temp, "acv: 450000", "acv: lots")
        let indexFile = temp.file("other-index")
        let env = GitCLI.environment(home: root).merging(["GIT_INDEX_FILE": indexFile]) { $1 }
        runProcess(GitCLI.executable, ["read-tree", "HEAD"], in: root, environment: env)
        runProcess(GitCLI.executable, ["add", "accounts.yaml"], in: root, environment: env)
        let validate = { (environment: [String: String]) in
            runProcess(
                CLITests.binary, ["validate", "--staged"], in: root,
                environment: GitCLI.environment(home: root).merging(environment) { $1 }.merging(["ABMSYNC_TODAY": "2026-11-22"]) { $1 })
        }
        let other = validate(["GIT_INDEX_FILE": indexFile])
        #expect(other.status == 1, "\(other.combined)")
        #expect(other.stdout.contains("accounts.yaml:"))
        #expect(validate([:]).status == 0)
        let missing = validate(["GIT_INDEX_FILE": temp.file("no-such-index")])
        #expect(missing.status == 2, "\(missing.combined)")
        #expect(missing.stderr.contains("no-such-index"), "\(missing.stderr)")
    }
}
