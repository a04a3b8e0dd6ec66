import ABMCore
import ABMTestSupport
import Foundation
import GitKit
import Testing

@testable import ABMSync

/// clone, sync (push and pull with a structure-aware merge) between two teammates over real servers
/// on loopback, started and stopped by the test: git daemon, smart HTTP behind lighttpd with basic
/// auth, HTTPS behind nginx with a self-signed certificate, and sshd with a key file.
@Suite(.serialized) struct SyncOverServersTests {
    init() { GitIsolation.apply() }

    struct Remote {
        var url: String
        var options: RemoteOptions
    }

    static func remote(_ transport: String, _ server: TestServer) throws -> Remote {
        switch transport {
        case "git-daemon":
            return Remote(url: try server["URL"] + "/plans.git", options: RemoteOptions(credentials: []))
        case "lighttpd":
            return Remote(
                url: try server["AUTH_URL"] + "/plans.git",
                options: RemoteOptions(credentials: [
                    .userPassword(username: try server["USERNAME"], password: Secret(try server["PASSWORD"]))
                ]))
        case "nginx":
            return Remote(
                url: try server["HTTPS_AUTH_URL"] + "/plans.git",
                options: RemoteOptions(
                    credentials: [.userPassword(username: try server["USERNAME"], password: Secret(try server["PASSWORD"]))],
                    certificatePolicy: .trustCertificateFile(try server["CERT"])))
        default:  // sshd
            let key = try server["CLIENT_KEY"]
            return Remote(
                url: try server["URL"] + "/plans.git",
                options: RemoteOptions(
                    credentials: [.sshKeyFile(username: nil, publicKeyPath: key + ".pub", privateKeyPath: key, passphrase: nil)],
                    certificatePolicy: .sshHostKeySHA256(try server["HOST_KEY_SHA256"])))
        }
    }

    @Test(arguments: ["git-daemon", "lighttpd", "nginx", "sshd"]) func twoTeammatesSyncThroughAServer(transport: String) throws {
        let temp = TemporaryDirectory("abmsync-\(transport)")
        let server = try TestServer(transport, in: temp.file("server"))
        defer { server.stop() }
        let bare = server.repositories + "/plans.git"
        let made = GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: temp.path)
        #expect(made.status == 0, "\(made.combined)")
        GitCLI.run(["--git-dir", bare, "config", "http.receivepack", "true"], in: temp.path)
        let remote = try Self.remote(transport, server)
        let today = PlanDate(year: 2026, month: 11, day: 22)!

        // Jane sets up the plans and shares them.
        let jane = temp.file("jane")
        temp.write("jane/team.yaml", PermissiveTeam.yaml)
        _ = try Initializer.run(at: jane, remote: remote.url, executable: "/bin/true")
        try Repository.open(at: jane).setConfig("user.name", to: "Jane Doe")
        try Repository.open(at: jane).setConfig("user.email", to: "jane@example.com")
        temp.write("jane/programs/mid.md", "---\nprogram: mid\nname: Mid\nowner: ops\nintent: x\n---\n# Mid\n\n## Summary\nx\n")
        temp.write("jane/accounts.yaml", "accounts:\n  initech:\n    name: Initech\n    tier: 3\n    program: mid\n    stage: target\n")
        let janeEngine = SyncEngine(repository: try PlanRepository.locate(from: jane), options: remote.options, today: today)
        #expect(try janeEngine.sync().pushedCommits == 1)

        // Sam clones; both edit neighbouring fields; both sync.
        let clone = try CloneUseCase.run(url: remote.url, directory: temp.file("sam"), options: remote.options, executable: "/bin/true")
        #expect(clone.accountCount == 1)
        try Repository.open(at: temp.file("sam")).setConfig("user.name", to: "Sam Lee")
        try Repository.open(at: temp.file("sam")).setConfig("user.email", to: "sam@example.com")
        let samEngine = SyncEngine(repository: try PlanRepository.locate(from: temp.file("sam")), options: remote.options, today: today)

        temp.write("jane/accounts.yaml", temp.read("jane/accounts.yaml")!.replacingOccurrences(of: "stage: target", with: "stage: engaged"))
        #expect(try janeEngine.sync().pushedCommits == 1)
        temp.write("sam/accounts.yaml", temp.read("sam/accounts.yaml")!.replacingOccurrences(of: "    tier: 3\n", with: "    tier: 3\n    intent: 40\n"))
        let sam = try samEngine.sync()
        #expect(sam.pullOutcome == .merged && sam.pushedCommits == 2)
        #expect(try janeEngine.pull().pullOutcome == .fastForwarded)

        // The server's repository, read directly by the git CLI.
        let shared = GitCLI.run(["--git-dir", bare, "show", "main:accounts.yaml"], in: temp.path).stdout
        #expect(shared.contains("    intent: 40\n") && shared.contains("    stage: engaged\n"))
        #expect(GitCLI.run(["--git-dir", bare, "fsck", "--strict"], in: temp.path).status == 0)
        #expect(temp.read("jane/accounts.yaml") == temp.read("sam/accounts.yaml"))
    }
}

extension SyncOverServersTests {
    /// The server dies in the middle of receiving a push (its pre-receive hook kills receive-pack):
    /// a clear message, local work intact, and the next sync completes once the server is back.
    @Test func theRemoteGoingAwayMidPushLosesNothing() throws {
        let temp = TemporaryDirectory("abmsync-midpush")
        let server = try TestServer("git-daemon", in: temp.file("server"))
        defer { server.stop() }
        let bare = server.repositories + "/plans.git"
        GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: temp.path)
        let remote = try Self.remote("git-daemon", server)
        let today = PlanDate(year: 2026, month: 11, day: 22)!
        let jane = temp.file("jane")
        temp.write("jane/team.yaml", PermissiveTeam.yaml)
        _ = try Initializer.run(at: jane, remote: remote.url, executable: "/bin/true")
        try Repository.open(at: jane).setConfig("user.name", to: "Jane Doe")
        try Repository.open(at: jane).setConfig("user.email", to: "jane@example.com")
        temp.write("jane/programs/mid.md", "---\nprogram: mid\nname: Mid\nowner: ops\nintent: x\n---\n# Mid\n\n## Summary\nx\n")
        let engine = SyncEngine(repository: try PlanRepository.locate(from: jane), options: remote.options, today: today)

        temp.write("server/repos/plans.git/hooks/pre-receive", "#!/bin/sh\nkill -9 $PPID\n")
        chmod(temp.file("server/repos/plans.git/hooks/pre-receive"), 0o755)
        var message = ""
        do {
            let report = try engine.sync()
            message = report.offline ? "offline: \(report.offlineReason ?? "")" : "no error"
        } catch {
            message = error.rendered
        }
        #expect(message != "no error", "the broken push was reported as a success")
        #expect(message.contains(remote.url) || message.hasPrefix("offline"), "\(message)")
        // Local work is intact: recorded in a commit, working tree clean, repository sound.
        #expect(GitCLI.run(["log", "-1", "--format=%s"], in: jane).stdout.contains("mid programme plan: created"))
        #expect(GitCLI.run(["status", "--porcelain"], in: jane).stdout == "")
        #expect(GitCLI.run(["fsck", "--strict"], in: jane).status == 0)
        #expect(GitCLI.run(["--git-dir", bare, "rev-parse", "--verify", "-q", "main"], in: temp.path).stdout.isEmpty)

        try FileManager.default.removeItem(atPath: temp.file("server/repos/plans.git/hooks/pre-receive"))
        let later = try engine.sync()
        #expect(later.pushedCommits >= 1)
        #expect(GitCLI.run(["--git-dir", bare, "show", "main:programs/mid.md"], in: temp.path).stdout.contains("program: mid"))
        #expect(GitCLI.run(["--git-dir", bare, "fsck", "--strict"], in: temp.path).status == 0)
    }
}
