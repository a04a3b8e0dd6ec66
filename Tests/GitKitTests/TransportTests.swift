import Foundation
import Testing

@testable import GitKit

/// Clone, fetch and push against real servers on 127.0.0.1 (scripts/test-servers), checked with
/// the git CLI. Serialized: the suite starts servers and changes libgit2's global options.
@Suite(.serialized)
struct TransportTests {
    // MARK: - The round trip every transport must pass

    /// Clones `url` twice, commits and pushes from the first clone, fetches into the second,
    /// and checks with the git CLI that the server's repository got exactly that commit.
    private func roundTrip(
        url: String, bareRepository: String, options: RemoteOptions, sandbox: Sandbox,
        cliEnvironment: [String: String] = [:]
    ) throws {
        let started = Date()
        let first = try Repository.clone(from: url, to: sandbox.sub("first"), options: options)
        let second = try Repository.clone(from: url, to: sandbox.sub("second"), options: options)
        let cloned = Date()
        #expect(try first.currentBranch() == "main")
        let readme = try String(contentsOfFile: sandbox.sub("first/README.md"), encoding: .utf8)
        #expect(readme == "seed\n")

        let commit = try first.commitFile("plan.md", "# Plan\n", message: "add plan")
        let pushed = try first.push(refspecs: ["refs/heads/main:refs/heads/main"], options: options)
        #expect(pushed.updatedReferences == ["refs/heads/main"])
        #expect(try first.referenceTarget("refs/remotes/origin/main") == commit)

        let fetched = try second.fetch(options: options)
        let finished = Date()
        #expect(fetched.updatedReferences.contains { $0.name == "refs/remotes/origin/main" && $0.newTarget == commit })
        #expect(fetched.receivedObjects > 0)
        #expect(try second.referenceTarget("refs/remotes/origin/main") == commit)
        let refetched = try second.fetch(options: options)
        #expect(refetched.isUpToDate)

        // The reference: what does git itself see on the server side?
        let git = sandbox.git
        #expect(try git.run(["--git-dir", bareRepository, "rev-parse", "refs/heads/main"]) == commit.hex)
        #expect(try git.run(["--git-dir", bareRepository, "log", "--format=%s", "main"]) == "add plan\nseed")
        try git.run(["--git-dir", bareRepository, "fsck", "--strict", "--no-progress"])
        #expect(try git.run(["--git-dir", bareRepository, "show", "main:plan.md"]) == "# Plan")
        _ = cliEnvironment
        print(
            "round trip \(redactedURL(url)): 2 clones \(ms(cloned.timeIntervalSince(started))) ms, "
                + "commit+push+2 fetches \(ms(finished.timeIntervalSince(cloned))) ms")
    }

    private func ms(_ seconds: TimeInterval) -> Int { Int(seconds * 1000) }

    private static let noCredentials = RemoteOptions(credentials: [])
    private static let alice = RemoteOptions(credentials: [.userPassword(username: "alice", password: Secret("s3cret"))])

    @Test(arguments: ["path", "file"])
    func localRoundTrip(scheme: String) throws {
        let sandbox = try Sandbox()
        let bare = try sandbox.makeSeededBareRepository(at: sandbox.sub("remote.git"))
        let url = scheme == "file" ? "file://" + bare : bare
        try roundTrip(url: url, bareRepository: bare, options: Self.noCredentials, sandbox: sandbox)
    }

    @Test func gitDaemonRoundTrip() throws {
        let sandbox = try Sandbox()
        try withServer("git-daemon", in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            try roundTrip(
                url: try server["URL"] + "/plans.git", bareRepository: bare, options: Self.noCredentials,
                sandbox: sandbox)
        }
    }

    @Test(arguments: ["anonymous", "basic auth"])
    func lighttpdRoundTrip(access: String) throws {
        let sandbox = try Sandbox()
        try withServer("lighttpd", in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            let base = access == "anonymous" ? try server["URL"] : try server["AUTH_URL"]
            try roundTrip(
                url: base + "/plans.git", bareRepository: bare,
                options: access == "anonymous" ? Self.noCredentials : Self.alice, sandbox: sandbox)
        }
    }

    @Test(arguments: ["http anonymous", "http basic auth", "https basic auth"])
    func nginxRoundTrip(access: String) throws {
        let sandbox = try Sandbox()
        try withServer("nginx", in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            switch access {
            case "http anonymous":
                try roundTrip(
                    url: try server["URL"] + "/plans.git", bareRepository: bare, options: Self.noCredentials,
                    sandbox: sandbox)
            case "http basic auth":
                try roundTrip(
                    url: try server["AUTH_URL"] + "/plans.git", bareRepository: bare, options: Self.alice,
                    sandbox: sandbox)
            default:
                var options = Self.alice
                options.certificatePolicy = .trustCertificateFile(try server["CERT"])
                try roundTrip(
                    url: try server["HTTPS_AUTH_URL"] + "/plans.git", bareRepository: bare, options: options,
                    sandbox: sandbox)
            }
        }
    }

    @Test func sshRoundTripWithKeyFileAndPinnedHostKey() throws {
        let sandbox = try Sandbox()
        try withServer("sshd", in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            let key = try server["CLIENT_KEY"]
            let options = RemoteOptions(
                credentials: [
                    .sshKeyFile(username: nil, publicKeyPath: key + ".pub", privateKeyPath: key, passphrase: nil)
                ],
                certificatePolicy: .sshHostKeySHA256(try server["HOST_KEY_SHA256"]))
            try roundTrip(url: try server["URL"] + "/plans.git", bareRepository: bare, options: options, sandbox: sandbox)
        }
    }
}
