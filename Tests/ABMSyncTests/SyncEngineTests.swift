import ABMCore
import ABMTestSupport
import Foundation
import GitKit
import Testing

@testable import ABMSync

/// pull / push / sync between two teammates' clones of one shared bare repository, over a path and
/// over file://; the git CLI checks what ended up in the shared history.
@Suite(.serialized) struct SyncEngineTests {
    init() { GitIsolation.apply() }

    let today = PlanDate(year: 2026, month: 11, day: 22)!

    struct Team {
        let temp = TemporaryDirectory("abmsync-sync")
        let remote: String
        let url: String

        init(scheme: String) throws {
            remote = temp.file("remote.git")
            GitCLI.run(["init", "-q", "--bare", "-b", "main", remote], in: temp.path)
            url = scheme == "file" ? "file://" + remote : remote
            let jane = temp.file("jane")
            temp.write("jane/team.yaml", PermissiveTeam.yaml)
            _ = try Initializer.run(at: jane, remote: url, executable: "/bin/true")
            try Repository.open(at: jane).setConfig("user.name", to: "Jane Doe")
            try Repository.open(at: jane).setConfig("user.email", to: "jane@example.com")
            temp.write("jane/programs/mid.md", "---\nprogram: mid\nname: Mid\nowner: ops\nintent: x\n---\n# Mid\n\n## Summary\nx\n")
            temp.write(
                "jane/accounts.yaml",
                "accounts:\n  initech:\n    name: Initech\n    tier: 3\n    program: mid\n    stage: target\n    tier_since: 2026-06-01\n    reviewed: 2026-10-01\n")
        }

        func engine(_ who: String) throws -> SyncEngine {
            SyncEngine(
                repository: try PlanRepository.locate(from: temp.file(who)), options: RemoteOptions(credentials: []),
                today: PlanDate(year: 2026, month: 11, day: 22)!)
        }

        func cloneSam() throws {
            _ = try CloneUseCase.run(url: url, directory: temp.file("sam"), options: RemoteOptions(credentials: []), executable: "/bin/true")
            try Repository.open(at: temp.file("sam")).setConfig("user.name", to: "Sam Lee")
            try Repository.open(at: temp.file("sam")).setConfig("user.email", to: "sam@example.com")
        }

        func edit(_ who: String, _ file: String, _ transform: (String) -> String) {
            temp.write("\(who)/\(file)", transform(temp.read("\(who)/\(file)") ?? ""))
        }
    }

    @Test(arguments: ["path", "file"]) func neighbouringEditsFromTwoTeammatesBothArrive(scheme: String) throws {
        let team = try Team(scheme: scheme)
        let first = try team.engine("jane").sync()
        #expect(first.pushedCommits == 1)
        #expect(first.checkpoint?.changes.map(\.description).contains("Initech: added as tier 3") == true)
        try team.cloneSam()

        team.edit("jane", "accounts.yaml") { $0.replacingOccurrences(of: "stage: target", with: "stage: engaged") }
        #expect(try team.engine("jane").sync().pushedCommits == 1)
        team.edit("sam", "accounts.yaml") { $0.replacingOccurrences(of: "    tier: 3\n", with: "    tier: 3\n    intent: 40\n") }
        let sam = try team.engine("sam").sync()
        #expect(sam.pullOutcome == .merged)
        #expect(sam.incoming.map(\.description) == ["Initech: stage target → engaged"])
        #expect(sam.incomingAuthors == ["Jane Doe"])
        #expect(sam.pushedCommits == 2)

        // The shared history, read by the git CLI: both edits, a merge, a sound repository.
        let shared = GitCLI.run(["--git-dir", team.remote, "show", "main:accounts.yaml"], in: team.temp.path).stdout
        #expect(shared.contains("    intent: 40\n") && shared.contains("    stage: engaged\n"))
        #expect(GitCLI.run(["--git-dir", team.remote, "fsck", "--strict"], in: team.temp.path).status == 0)
        let subjects = GitCLI.run(["--git-dir", team.remote, "log", "--format=%an|%s", "main"], in: team.temp.path).stdout
        #expect(subjects.hasPrefix("Sam Lee|Merge teammates' changes: Initech: stage target → engaged\nSam Lee|Initech: intent set to 40\n"))

        let jane = try team.engine("jane").pull()
        #expect(jane.pullOutcome == .fastForwarded)
        #expect(team.temp.read("jane/accounts.yaml") == team.temp.read("sam/accounts.yaml"))
    }

    @Test func aRealConflictStopsWithMarkersAndLosesNothing() throws {
        let team = try Team(scheme: "path")
        _ = try team.engine("jane").sync()
        try team.cloneSam()
        team.edit("jane", "accounts.yaml") { $0.replacingOccurrences(of: "stage: target", with: "stage: opportunity") }
        _ = try team.engine("jane").sync()
        team.edit("sam", "accounts.yaml") { $0.replacingOccurrences(of: "stage: target", with: "stage: lost") }
        team.edit("sam", "programs/mid.md") { $0 + "\n## Review Log\n- sam was here\n" }
        let sam = try team.engine("sam").sync()
        #expect(sam.pullOutcome == .conflicts)
        #expect(sam.conflicts.map(\.summary) == ["Initech · stage: ours \"lost\", theirs \"opportunity\" (base \"target\")"])
        #expect(sam.pushedCommits == 0)
        let text = try #require(team.temp.read("sam/accounts.yaml"))
        #expect(text.contains("<<<<<<< ours — Initech · stage (both changed)\n    stage: lost\n=======\n    stage: opportunity\n>>>>>>> theirs"))
        #expect(team.temp.read("sam/programs/mid.md")?.contains("- sam was here") == true)
        // Sam's own version is safe in history whatever happens next.
        #expect(GitCLI.run(["show", "HEAD:accounts.yaml"], in: team.temp.file("sam")).stdout.contains("stage: lost"))
        #expect(FileManager.default.fileExists(atPath: team.temp.file("sam/.git/MERGE_HEAD")))

        // Syncing again before deciding is refused, with what to do.
        #expect(throws: AbmsyncError.self) { try team.engine("sam").sync() }

        // Sam keeps Jane's value; the next sync finishes the merge and sends it.
        team.edit("sam", "accounts.yaml") { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter {
                !$0.hasPrefix("<<<<<<<") && !$0.hasPrefix("=======") && !$0.hasPrefix(">>>>>>>") && $0 != "    stage: lost"
            }.joined(separator: "\n")
        }
        let done = try team.engine("sam").sync()
        #expect(done.pushedCommits == 2)
        #expect(!FileManager.default.fileExists(atPath: team.temp.file("sam/.git/MERGE_HEAD")))
        let parents = GitCLI.run(["--git-dir", team.remote, "log", "-1", "--format=%p", "main"], in: team.temp.path).stdout
        #expect(parents.split(separator: " ").count == 2)
        let shared = GitCLI.run(["--git-dir", team.remote, "show", "main:programs/mid.md"], in: team.temp.path).stdout
        #expect(shared.contains("- sam was here"))
    }

    @Test func anUnreachableRemoteKeepsEditsLocallyAndALaterSyncSendsThem() throws {
        let team = try Team(scheme: "path")
        _ = try team.engine("jane").sync()
        let jane = try Repository.open(at: team.temp.file("jane"))
        try jane.setRemoteURL(name: "origin", url: "http://127.0.0.1:9/abm.git")  // discard port: nothing listens
        team.edit("jane", "accounts.yaml") { $0.replacingOccurrences(of: "stage: target", with: "stage: engaged") }
        let offline = try team.engine("jane").sync()
        #expect(offline.offline)
        #expect(offline.checkpoint?.changes.map(\.description) == ["Initech: stage target → engaged"])
        #expect(GitCLI.run(["status", "--porcelain"], in: team.temp.file("jane")).stdout == "")
        try jane.setRemoteURL(name: "origin", url: team.url)
        let online = try team.engine("jane").sync()
        #expect(!online.offline && online.pushedCommits == 1)
        #expect(GitCLI.run(["--git-dir", team.remote, "show", "main:accounts.yaml"], in: team.temp.path).stdout.contains("stage: engaged"))
    }

    @Test func invalidPlansAreNeverSent() throws {
        let team = try Team(scheme: "path")
        _ = try team.engine("jane").sync()
        let before = GitCLI.run(["--git-dir", team.remote, "rev-parse", "main"], in: team.temp.path).stdout
        team.edit("jane", "accounts.yaml") { $0.replacingOccurrences(of: "program: mid", with: "program: nowhere") }
        do {
            _ = try team.engine("jane").push()
            Issue.record("an invalid plan was pushed")
        } catch {
            #expect((error as? AbmsyncError)?.rendered.contains("error[unknown-program]") == true)
        }
        #expect(GitCLI.run(["--git-dir", team.remote, "rev-parse", "main"], in: team.temp.path).stdout == before)
        // Nothing was lost either: the edit is still in the file.
        #expect(team.temp.read("jane/accounts.yaml")?.contains("program: nowhere") == true)
    }

    @Test func aRemoteThatMovedIsMergedAndThePushRetried() throws {
        let team = try Team(scheme: "path")
        _ = try team.engine("jane").sync()
        try team.cloneSam()
        team.edit("sam", "accounts.yaml") { $0.replacingOccurrences(of: "stage: target", with: "stage: engaged") }
        _ = try team.engine("sam").sync()
        team.edit("jane", "programs/mid.md") { $0 + "\n## Plays\n- [ ] webinar\n" }
        let push = try team.engine("jane").push()
        #expect(push.pullOutcome == .merged)
        #expect(push.pushedCommits == 2)
    }

    @Test func aMissingIdentityStopsBeforeAnythingIsWritten() throws {
        let team = try Team(scheme: "path")
        try Repository.open(at: team.temp.file("jane")).setConfig("user.email", to: "stranger@example.com")
        let before = GitCLI.run(["rev-parse", "HEAD"], in: team.temp.file("jane")).stdout
        do {
            _ = try team.engine("jane").sync()
            Issue.record("no error")
        } catch {
            #expect((error as? AbmsyncError)?.rendered.contains("your git email 'stranger@example.com' matches nobody in team.yaml") == true)
        }
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: team.temp.file("jane")).stdout == before)
    }

    @Test func redactedURLsNeverShowPasswords() {
        #expect(RemoteDisplay.redacted("https://alice:s3cret@host/x.git") == "https://host/x.git")
        #expect(RemoteDisplay.redacted("ssh://git@host/x.git") == "ssh://git@host/x.git")
        #expect(RemoteDisplay.redacted("/srv/x.git") == "/srv/x.git")
    }
}
