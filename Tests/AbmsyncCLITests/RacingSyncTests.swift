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
        /// HOME for every abmsync run: nil for the teammate's folder; for ssh, a folder whose
        /// `.ssh/` holds the key the server accepts and its host key in known_hosts.
        var home: String? = nil
    }

    static func shared(_ transport: String, in temp: TemporaryDirectory, settings: [String: String] = [:]) throws
        -> Shared
    {
        switch transport {
        case "folder", "file":
            let bare = temp.file("shared.git")
            GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: temp.path)
            return Shared(url: transport == "file" ? "file://" + bare : bare, bare: bare, server: nil)
        case "sshd":
            let server = try TestServer(transport, in: temp.file("server"), settings: settings)
            let bare = server.repositories + "/plans.git"
            GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: temp.path)
            let home = temp.file("home")
            try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
            for (from, to) in [(try server["CLIENT_KEY"], "id_ed25519"), (try server["CLIENT_KEY"] + ".pub", "id_ed25519.pub"),
                               (try server["KNOWN_HOSTS"], "known_hosts")] {
                try FileManager.default.copyItem(atPath: from, toPath: home + "/.ssh/" + to)
            }
            chmod(home + "/.ssh/id_ed25519", 0o600)
            return Shared(url: try server["URL"] + "/plans.git", bare: bare, server: server, home: home)
        default:  // git-daemon, lighttpd (smart HTTP, anonymous push allowed)
            let server = try TestServer(transport, in: temp.file("server"))
            let bare = server.repositories + "/plans.git"
            GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: temp.path)
            GitCLI.run(["--git-dir", bare, "config", "http.receivepack", "true"], in: temp.path)
            return Shared(url: try server["URL"] + "/plans.git", bare: bare, server: server)
        }
    }

    /// `count` teammates' copies of a shared plan repository, each with one new account not yet synced.
    static func teammates(_ count: Int, sharing url: String, home: String? = nil, in temp: TemporaryDirectory) throws
        -> [String]
    {
        temp.write("seed/team.yaml", PermissiveTeam.yaml)  // not about permissions: anyone may add accounts
        _ = CLITests.abmsync(["init", "seed", "--remote", url], in: temp.path, home: home)
        let seed = temp.file("seed")
        GitCLI.run(["config", "user.name", "Ops Team"], in: seed)
        GitCLI.run(["config", "user.email", "ops@example.com"], in: seed)
        _ = CLITests.abmsync(["new", "programme", "mid", "--owner", "ops"], in: seed)
        let first = CLITests.abmsync(["sync", "--quiet"], in: seed, home: home)
        try #require(first.status == 0, "\(first.combined)")
        let template = ConcurrencyTests.clone(url, as: "teammate-0", home: home, in: temp)
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
                in: folder, home: home)
            try #require(added.status == 0, "\(added.combined)")
        }
        return folders
    }

    /// Runs one `abmsync sync` in every folder at the same moment.
    static func syncAtOnce(_ folders: [String], home: String? = nil) -> [ProcessOutput] {
        let results = Results()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for (number, folder) in folders.enumerated() {
            DispatchQueue.global().async(group: group) {
                start.wait()
                results.set(number, CLITests.abmsync(["sync", "--quiet"], in: folder, home: home))
            }
        }
        for _ in folders { start.signal() }
        group.wait()
        return results.all
    }

    @Test(arguments: ["folder", "file", "git-daemon", "lighttpd", "sshd"])
    func twentyTeammatesSyncingAtOnceAllGetThrough(transport: String) throws {
        let temp = TemporaryDirectory("abmsync-race-\(transport)")
        let shared = try Self.shared(transport, in: temp)
        defer { shared.server?.stop() }
        let folders = try Self.teammates(20, sharing: shared.url, home: shared.home, in: temp)

        let started = Date()
        let results = Self.syncAtOnce(folders, home: shared.home)
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

    /// A busy ssh server drops a connection before the handshake (sshd's MaxStartups, here 3, all
    /// taken by connections that never say hello; 1 made the setup's own logins flaky): the sync
    /// waits and tries again once the server has room, instead of calling the remote unreachable.
    /// `sync` meets the drop in its fetch, `push` in its push.
    @Test(arguments: ["sync", "push"]) func aConnectionABusyServerDroppedIsTriedAgain(command: String) throws {
        let temp = TemporaryDirectory("abmsync-race-busy-\(command)")
        let shared = try Self.shared("sshd", in: temp, settings: ["SSHD_MAX_STARTUPS": "3"])
        defer { shared.server?.stop() }
        let folders = try Self.teammates(1, sharing: shared.url, home: shared.home, in: temp)
        let log = shared.server!.directory + "/run/sshd.log"
        /// How many connections the server has dropped so far (its log says so once each).
        func drops() -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").components(separatedBy: "past MaxStartups").count - 1
        }
        let dropsBefore = drops()

        let port = UInt16(try shared.server!["PORT"])!
        let holders = try (0..<3).map { _ in try Self.connect(port: port) }
        let done = DispatchSemaphore(value: 0)
        let result = Results()
        let home = shared.home
        DispatchQueue.global().async {
            result.set(0, CLITests.abmsync([command, "--quiet"], in: folders[0], home: home))
            done.signal()
        }
        // Free the slot once the server has dropped abmsync's connection at least once.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if drops() > dropsBefore { break }
            usleep(20_000)
        }
        for holder in holders { close(holder) }
        done.wait()
        let sync = result.all[0]
        #expect(drops() > dropsBefore, "the server never dropped a connection: the test proved nothing")
        #expect(sync.status == 0, "\(sync.combined)")
        let accounts = GitCLI.run(["--git-dir", shared.bare, "show", "main:accounts.yaml"], in: temp.path).stdout
        #expect(accounts.contains("  account-0:\n"), "the edit did not reach the server")
    }

    /// A TCP connection to 127.0.0.1:`port` that sends nothing.
    static func connect(port: UInt16) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("cannot connect to port \(port)") }
        return descriptor
    }
}
