import ABMTestSupport
import Foundation
import Testing

/// Teammates syncing at the same moment, each through one plain `abmsync sync`: a push that loses the
/// race is merged and retried by abmsync itself, on every transport, and every edit reaches the
/// shared history (checked with the git CLI). Long runs: scripts/trials/concurrent-sync.sh.
@Suite(.serialized) struct RacingSyncTests {
    /// The shared repository for `transport`: its URL, its folder on disk, and the server (if any).
    struct Shared {
        var url: String
        var bare: String
        var server: TestServer?
    }

    static func shared(_ transport: String, in temp: TemporaryDirectory) throws -> Shared {
        switch transport {
        case "folder", "file":
            let bare = temp.file("shared.git")
            GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: temp.path)
            return Shared(url: transport == "file" ? "file://" + bare : bare, bare: bare, server: nil)
        default:  // git-daemon, lighttpd (smart HTTP, anonymous push allowed)
            let server = try TestServer(transport, in: temp.file("server"))
            let bare = server.repositories + "/plans.git"
            GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: temp.path)
            GitCLI.run(["--git-dir", bare, "config", "http.receivepack", "true"], in: temp.path)
            return Shared(url: try server["URL"] + "/plans.git", bare: bare, server: server)
        }
    }

    /// `count` teammates' copies of a shared plan repository, each with one new account not yet synced.
    static func teammates(_ count: Int, sharing url: String, in temp: TemporaryDirectory) throws -> [String] {
        temp.write("seed/team.yaml", PermissiveTeam.yaml)  // not about permissions: anyone may add accounts
        _ = CLITests.abmsync(["init", "seed", "--remote", url], in: temp.path)
        let seed = temp.file("seed")
        GitCLI.run(["config", "user.name", "Ops Team"], in: seed)
        GitCLI.run(["config", "user.email", "ops@example.com"], in: seed)
        _ = CLITests.abmsync(["new", "programme", "mid", "--owner", "ops"], in: seed)
        let first = CLITests.abmsync(["sync", "--quiet"], in: seed)
        try #require(first.status == 0, "\(first.combined)")
        let template = ConcurrencyTests.clone(url, as: "teammate-0", in: temp)
        var folders = [template]
        for number in 1..<count {
            let folder = temp.file("teammate-\(number)")
            let copied = runProcess("/bin/cp", ["-a", template, folder], in: temp.path, environment: [:])
            try #require(copied.status == 0, "\(copied.combined)")
            folders.append(folder)
        }
        for (number, folder) in folders.enumerated() {
            let added = CLITests.abmsync(
                ["new", "account", "account-\(number)", "--name", "Account \(number)", "--tier", "3", "--program", "mid"],
                in: folder)
            try #require(added.status == 0, "\(added.combined)")
        }
        return folders
    }

    /// Runs one `abmsync sync` in every folder at the same moment.
    static func syncAtOnce(_ folders: [String]) -> [ProcessOutput] {
        let results = Results()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for (number, folder) in folders.enumerated() {
            DispatchQueue.global().async(group: group) {
                start.wait()
                results.set(number, CLITests.abmsync(["sync", "--quiet"], in: folder))
            }
        }
        for _ in folders { start.signal() }
        group.wait()
        return results.all
    }

    @Test(arguments: ["folder", "file", "git-daemon", "lighttpd"])
    func twentyTeammatesSyncingAtOnceAllGetThrough(transport: String) throws {
        let temp = TemporaryDirectory("abmsync-race-\(transport)")
        let shared = try Self.shared(transport, in: temp)
        defer { shared.server?.stop() }
        let folders = try Self.teammates(20, sharing: shared.url, in: temp)

        let started = Date()
        let results = Self.syncAtOnce(folders)
        let seconds = Date().timeIntervalSince(started)

        let failed = results.enumerated().filter { $0.element.status != 0 }
        #expect(failed.isEmpty, "\(failed.count) of 20 syncs failed: \(failed.map { "teammate-\($0.offset) exit \($0.element.status): \($0.element.combined)" })")
        // Every teammate's recorded edit is in the shared history, and the list has every account.
        for (number, folder) in folders.enumerated() {
            let recorded = GitCLI.run(["log", "-1", "--format=%H", "--grep", "Account \(number): added"], in: folder).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!recorded.isEmpty, "teammate-\(number) recorded no commit")
            let inHistory = GitCLI.run(["--git-dir", shared.bare, "merge-base", "--is-ancestor", recorded, "main"], in: temp.path)
            #expect(inHistory.status == 0, "teammate-\(number)'s edit \(recorded) is not in the shared history")
        }
        let accounts = GitCLI.run(["--git-dir", shared.bare, "show", "main:accounts.yaml"], in: temp.path).stdout
        for number in 0..<20 { #expect(accounts.contains("  account-\(number):\n"), "account-\(number) is missing") }
        #expect(GitCLI.run(["--git-dir", shared.bare, "fsck", "--strict"], in: temp.path).status == 0)
        print("race \(transport): 20 concurrent syncs, \(20 - failed.count) exit 0, \(String(format: "%.1f", seconds)) s")
    }

    /// A server hook that refuses every push is a refusal, reported once with the server's reason,
    /// not a race to retry: no waiting, exit 2, the edits recorded locally.
    @Test func aHookThatRefusesIsNotRetried() throws {
        let temp = TemporaryDirectory("abmsync-race-hook")
        let shared = try Self.shared("git-daemon", in: temp)
        defer { shared.server?.stop() }
        let folders = try Self.teammates(1, sharing: shared.url, in: temp)
        temp.write("server/repos/plans.git/hooks/pre-receive", "#!/bin/sh\necho 'abm-guard: REFUSED: direct pushes to main' >&2\nexit 1\n")
        chmod(temp.file("server/repos/plans.git/hooks/pre-receive"), 0o755)
        let started = Date()
        let result = CLITests.abmsync(["sync", "--quiet"], in: folders[0])
        #expect(result.status == 2, "\(result.combined)")
        #expect(result.stderr.contains("pre-receive hook declined"), "\(result.stderr)")
        #expect(result.stderr.contains("REFUSED: direct pushes to main"), "\(result.stderr)")
        #expect(result.stderr.contains("Your edits are recorded here ("), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 5, "a refusal was retried")
    }
}
