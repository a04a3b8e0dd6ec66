import ABMTestSupport
import Foundation
import Testing

/// `stale-account` judges "in tier 1 this long without a stage change" from the history of
/// accounts.yaml when there is one, from `tier_since` otherwise; won and lost deals are never stale.
@Suite struct StaleAccountTests {
    /// A plan repository whose tier 1 account Acme entered the tier 916 days before "today"
    /// (2026-11-22) and was committed then.
    func repository() -> (TemporaryDirectory, String) {
        let temp = TemporaryDirectory()
        precondition(CLITests.abmsync(["init", "p"], in: temp.path).status == 0)
        let root = temp.file("p")
        let added = CLITests.abmsync(
            ["new", "account", "acme", "--name", "Acme", "--tier", "1", "--ae", "jane", "--marketer", "sam",
             "--sponsor", "vp", "--acv", "450000"], in: root)
        precondition(added.status == 0, added.combined)
        edit(temp, "tier_since: 2026-11-22", "tier_since: 2024-05-20")
        commit(root, "Acme enters tier 1", at: "2024-05-20T10:00:00Z")
        return (temp, root)
    }

    func edit(_ temp: TemporaryDirectory, _ old: String, _ new: String) {
        let text = temp.read("p/accounts.yaml") ?? ""
        precondition(text.contains(old), "accounts.yaml has no '\(old)'")
        temp.write("p/accounts.yaml", text.replacingOccurrences(of: old, with: new))
    }

    func commit(_ root: String, _ message: String, at date: String) {
        let environment = GitCLI.environment(home: root).merging(["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date]) { $1 }
        runProcess(GitCLI.executable, ["add", "-A"], in: root, environment: environment)
        let made = runProcess(GitCLI.executable, ["commit", "-q", "--no-verify", "-m", message], in: root, environment: environment)
        precondition(made.status == 0, made.combined)
    }

    func staleLines(_ root: String, _ arguments: [String] = ["validate"]) -> [Substring] {
        CLITests.abmsync(arguments, in: root).stdout.split(separator: "\n").filter { $0.contains("stale-account") }
    }

    @Test func withoutAStageChangeTheTierSinceDateCounts() {
        let (temp, root) = repository()
        let lines = staleLines(root)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("'Acme' has been tier 1 at 'target' for 916 days without a stage change (it entered the tier on 2024-05-20)") == true, "\(lines)")
        withExtendedLifetime(temp) {}
    }

    @Test func aStageChangedInTheHistoryIsNotStale() {
        let (temp, root) = repository()
        edit(temp, "stage: target", "stage: engaged")
        commit(root, "engaged", at: "2026-11-22T09:00:00Z")
        edit(temp, "stage: engaged", "stage: opportunity")
        commit(root, "opportunity", at: "2026-11-22T11:00:00Z")
        #expect(staleLines(root).isEmpty, "\(staleLines(root))")
        #expect(staleLines(root, ["validate", "--staged"]).isEmpty)
        #expect(staleLines(root, ["validate", "--rev", "HEAD"]).isEmpty)
        // The commit before the first change still judges from tier_since.
        #expect(staleLines(root, ["validate", "--rev", "HEAD~2"]).count == 1)
    }

    @Test func aStageChangedLongAgoCountsFromThatChange() {
        let (temp, root) = repository()
        #expect(staleLines(root).first?.contains("(it entered the tier on 2024-05-20)") == true)
        // The answer kept for the commit before is brought forward by the one commit since.
        edit(temp, "stage: target", "stage: engaged")
        commit(root, "engaged", at: "2025-06-01T09:00:00Z")
        let lines = staleLines(root)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("for 539 days without a stage change (its stage last changed on 2025-06-01)") == true, "\(lines)")
    }

    @Test func aStageChangeNotCommittedYetCountsAsToday() {
        let (temp, root) = repository()
        edit(temp, "stage: target", "stage: engaged")
        #expect(staleLines(root).isEmpty, "\(staleLines(root))")
        GitCLI.run(["add", "accounts.yaml"], in: root)
        #expect(staleLines(root, ["validate", "--staged"]).isEmpty)
    }

    @Test func wonAndLostDealsAreNotStale() {
        let (temp, root) = repository()
        edit(temp, "stage: target", "stage: won")
        commit(root, "won", at: "2024-06-01T09:00:00Z")
        #expect(staleLines(root).isEmpty, "\(staleLines(root))")
    }
}
