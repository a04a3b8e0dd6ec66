import ABMTestSupport
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
        url: String, bareRepository: String, options: RemoteOptions, sandbox: TransportSandbox
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
        print(
            "round trip \(redactedURL(url)): 2 clones \(ms(cloned.timeIntervalSince(started))) ms, "
                + "commit+push+2 fetches \(ms(finished.timeIntervalSince(cloned))) ms")
    }

    private func ms(_ seconds: TimeInterval) -> Int { Int(seconds * 1000) }

    private static let noCredentials = RemoteOptions(credentials: [])
    private static let alice = RemoteOptions(credentials: [.userPassword(username: "alice", password: Secret("s3cret"))])

    @Test(arguments: ["path", "file"])
    func localRoundTrip(scheme: String) throws {
        let sandbox = try TransportSandbox()
        let bare = try sandbox.makeSeededBareRepository(at: sandbox.sub("remote.git"))
        let url = scheme == "file" ? "file://" + bare : bare
        try roundTrip(url: url, bareRepository: bare, options: Self.noCredentials, sandbox: sandbox)
    }

    @Test func gitDaemonRoundTrip() throws {
        let sandbox = try TransportSandbox()
        try withServer("git-daemon", in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            try roundTrip(
                url: try server["URL"] + "/plans.git", bareRepository: bare, options: Self.noCredentials,
                sandbox: sandbox)
        }
    }

    @Test(arguments: ["anonymous", "basic auth"])
    func lighttpdRoundTrip(access: String) throws {
        let sandbox = try TransportSandbox()
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
        let sandbox = try TransportSandbox()
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
        let sandbox = try TransportSandbox()
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

// MARK: - Failures: authentication, certificates, rejections, unreachable remotes

extension TransportTests {
    /// Runs `body`, which must throw a GitError, and returns it with the time it took.
    private func expectGitError(_ body: () throws -> Void) throws -> (error: GitError, seconds: Double) {
        let started = Date()
        do {
            try body()
        } catch let error as GitError {
            return (error, Date().timeIntervalSince(started))
        }
        throw TestFailure("expected a GitError, but the operation succeeded")
    }

    @Test func httpAuthenticationFailuresAreClearAndDoNotLoop() throws {
        let sandbox = try TransportSandbox()
        try withServer("lighttpd", in: sandbox) { server in
            try sandbox.makeSeededBareRepository(at: server.repositories + "/private.git")
            let url = try server["AUTH_URL"] + "/private.git"

            // A wrong password: an authentication error naming the URL and what was tried, fast.
            let wrong = RemoteOptions(credentials: [.userPassword(username: "alice", password: Secret("not-it"))])
            let (error, seconds) = try expectGitError {
                _ = try Repository.clone(from: url, to: sandbox.sub("wrong"), options: wrong)
            }
            #expect(error.code == .auth)
            #expect(error.isAuthenticationFailure && !error.isNetworkUnreachable)
            #expect(error.subject == url)
            #expect(error.libraryMessage?.contains("tried password for 'alice'") == true)
            #expect(error.hint?.contains("ABMSYNC_GIT_TOKEN") == true)
            #expect(!"\(error) \(error.hint ?? "")".contains("not-it"))
            #expect(seconds < 5)
            print("wrong password: \(error) after \(Int(seconds * 1000)) ms")

            // Many wrong credentials: libgit2 would ask forever; GitKit stops at the cap.
            let many = RemoteOptions(
                credentials: (1...10).map { .userPassword(username: "user\($0)", password: Secret("x")) },
                maxCredentialAttempts: 3)
            let (capped, _) = try expectGitError { _ = try Repository.remoteBranches(at: url, options: many) }
            #expect(capped.code == .auth)
            #expect(capped.libraryMessage?.contains("gave up after 3 attempts") == true)
            #expect(capped.libraryMessage?.contains("'user3'") == true)
            #expect(capped.libraryMessage?.contains("'user4'") == false)

            // No credentials at all.
            let (none, _) = try expectGitError {
                _ = try Repository.remoteBranches(at: url, options: RemoteOptions(credentials: []))
            }
            #expect(none.code == .auth)
            #expect(none.libraryMessage?.contains("no credential was offered") == true)

            // A password inside the URL never shows up in the error.
            let withUserInfo = url.replacingOccurrences(of: "http://", with: "http://alice:hunter2@")
            let (leaked, _) = try expectGitError {
                _ = try Repository.remoteBranches(at: withUserInfo, options: RemoteOptions(credentials: []))
            }
            #expect(leaked.code == .auth)
            #expect(!"\(leaked)".contains("hunter2"))
            #expect(leaked.subject == url)

            // A token from environment variables (names unique to this test process).
            let userVariable = "ABMSYNC_TEST_USER_\(getpid())"
            let tokenVariable = "ABMSYNC_TEST_TOKEN_\(getpid())"
            setenv(userVariable, "alice", 1)
            setenv(tokenVariable, "s3cret", 1)
            defer {
                unsetenv(userVariable)
                unsetenv(tokenVariable)
            }
            let fromEnvironment = RemoteOptions(
                credentials: [.environment(usernameVariable: userVariable, tokenVariable: tokenVariable)])
            #expect(try Repository.remoteBranches(at: url, options: fromEnvironment).map(\.name) == ["main"])
        }
    }

    @Test func httpsCertificatePolicies() throws {
        let sandbox = try TransportSandbox()
        try withServer("nginx", in: sandbox) { server in
            try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            let url = try server["HTTPS_URL"] + "/plans.git"

            let (untrusted, _) = try expectGitError {
                _ = try Repository.remoteBranches(at: url, options: RemoteOptions(credentials: []))
            }
            #expect(untrusted.code == .certificate)
            #expect(untrusted.isCertificateFailure && !untrusted.isNetworkUnreachable)

            var pinned = RemoteOptions(credentials: [])
            pinned.certificatePolicy = .trustCertificateFile(try server["CERT"])
            #expect(try Repository.remoteBranches(at: url, options: pinned).map(\.name) == ["main"])

            var anything = RemoteOptions(credentials: [])
            anything.certificatePolicy = .acceptAny
            #expect(try Repository.remoteBranches(at: url, options: anything).map(\.name) == ["main"])

            // A certificate file that does not hold the server's certificate.
            let other = sandbox.sub("other.crt")
            _ = try runTransportProcess(
                "/usr/bin/env",
                [
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=localhost", "-keyout", sandbox.sub("other.key"), "-out", other,
                ], environment: ProcessInfo.processInfo.environment)
            var wrongPin = RemoteOptions(credentials: [])
            wrongPin.certificatePolicy = .trustCertificateFile(other)
            let (mismatch, _) = try expectGitError { _ = try Repository.remoteBranches(at: url, options: wrongPin) }
            #expect(mismatch.code == .certificate)
            #expect(mismatch.libraryMessage?.contains(other) == true)
        }
    }

    @Test func sshHostKeyAndKeyFailures() throws {
        let sandbox = try TransportSandbox()
        try withServer("sshd", in: sandbox) { server in
            try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            let url = try server["URL"] + "/plans.git"
            let key = try server["CLIENT_KEY"]
            let pin = RemoteOptions.CertificatePolicy.sshHostKeySHA256(try server["HOST_KEY_SHA256"])
            let goodKey = RemoteOptions.CredentialSource.sshKeyFile(
                username: nil, publicKeyPath: key + ".pub", privateKeyPath: key, passphrase: nil)

            let wrongPin = RemoteOptions(
                credentials: [goodKey], certificatePolicy: .sshHostKeySHA256("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
            let (hostKey, _) = try expectGitError { _ = try Repository.remoteBranches(at: url, options: wrongPin) }
            #expect(hostKey.code == .certificate)
            #expect(hostKey.libraryMessage?.contains(try server["HOST_KEY_SHA256"]) == true)

            let otherKey = try server["OTHER_KEY"]
            let unknown = RemoteOptions(
                credentials: [.sshKeyFile(username: nil, publicKeyPath: nil, privateKeyPath: otherKey, passphrase: nil)],
                certificatePolicy: pin)
            let (refused, seconds) = try expectGitError {
                _ = try Repository.remoteBranches(at: url, options: unknown)
            }
            #expect(refused.code == .auth)
            #expect(refused.libraryMessage?.contains("ssh key \(otherKey)") == true)
            #expect(refused.hint?.contains("public key") == true)
            #expect(seconds < 5)
            print("unknown ssh key: \(refused) after \(Int(seconds * 1000)) ms")

            let missing = RemoteOptions(
                credentials: [
                    .sshKeyFile(username: nil, publicKeyPath: nil, privateKeyPath: sandbox.sub("nope"), passphrase: nil),
                    goodKey,
                ], certificatePolicy: pin)
            #expect(try Repository.remoteBranches(at: url, options: missing).map(\.name) == ["main"])

            // No user in the URL: libgit2 first asks for a user name, then for the key.
            let user = try server["USER"]
            let withoutUser = url.replacingOccurrences(of: "ssh://\(user)@", with: "ssh://")
            let named = RemoteOptions(
                credentials: [.sshKeyFile(username: user, publicKeyPath: nil, privateKeyPath: key, passphrase: nil)],
                certificatePolicy: pin)
            #expect(try Repository.remoteBranches(at: withoutUser, options: named).map(\.name) == ["main"])

            // The key held by a running ssh-agent (this test's own agent, on its own socket).
            let socket = sandbox.sub("agent.sock")
            let agent = try runTransportProcess(
                "/usr/bin/env", ["ssh-agent", "-a", socket, "-s"], environment: ProcessInfo.processInfo.environment)
            guard agent.status == 0, let pidLine = agent.stdout.split(separator: ";").first(where: { $0.contains("SSH_AGENT_PID=") }),
                let agentPID = Int32(pidLine.split(separator: "=").last ?? "")
            else { throw TestFailure("ssh-agent did not start: \(agent.stderr)") }
            defer { kill(agentPID, SIGTERM) }
            var agentEnvironment = ProcessInfo.processInfo.environment
            agentEnvironment["SSH_AUTH_SOCK"] = socket
            let added = try runTransportProcess("/usr/bin/env", ["ssh-add", "-q", key], environment: agentEnvironment)
            #expect(added.status == 0, "ssh-add: \(added.stderr)")
            let previous = getenv("SSH_AUTH_SOCK").map { String(cString: $0) }
            setenv("SSH_AUTH_SOCK", socket, 1)
            defer {
                if let previous { setenv("SSH_AUTH_SOCK", previous, 1) } else { unsetenv("SSH_AUTH_SOCK") }
            }
            let viaAgent = RemoteOptions(credentials: [.sshAgent(username: nil)], certificatePolicy: pin)
            #expect(try Repository.remoteBranches(at: url, options: viaAgent).map(\.name) == ["main"])
        }
    }

    @Test(arguments: ["git-daemon", "lighttpd"])
    func pushRejectedByHookIsReportedAsRejected(serverName: String) throws {
        let sandbox = try TransportSandbox()
        try withServer(serverName, in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/guarded.git")
            let hook = bare + "/hooks/pre-receive"
            try "#!/bin/sh\necho 'policy: plans are frozen' >&2\nexit 1\n".write(
                toFile: hook, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
            let before = try sandbox.git.run(["--git-dir", bare, "rev-parse", "main"])

            let options = RemoteOptions(credentials: [])
            let clone = try Repository.clone(from: try server["URL"] + "/guarded.git", to: sandbox.sub("c"), options: options)
            try clone.commitFile("plan.md", "x\n", message: "blocked")
            let (error, _) = try expectGitError { _ = try clone.push(refspecs: ["main"], options: options) }
            #expect(error.code == .pushRejected)
            #expect(error.rejectedReferences == [PushRejection(reference: "refs/heads/main", reason: "pre-receive hook declined")])
            #expect(error.libraryMessage?.contains("policy: plans are frozen") == true)
            #expect(!error.isNetworkUnreachable)
            print("rejected push: \(error)")
            #expect(try sandbox.git.run(["--git-dir", bare, "rev-parse", "main"]) == before)
        }
    }

    @Test func staleBranchPushIsRefusedAsNonFastForward() throws {
        let sandbox = try TransportSandbox()
        try withServer("git-daemon", in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            let url = try server["URL"] + "/plans.git"
            let options = RemoteOptions(credentials: [])
            let first = try Repository.clone(from: url, to: sandbox.sub("first"), options: options)
            let second = try Repository.clone(from: url, to: sandbox.sub("second"), options: options)
            let winner = try first.commitFile("a.md", "a\n", message: "first")
            try first.push(refspecs: ["main"], options: options)
            try second.commitFile("b.md", "b\n", message: "second")
            let (error, _) = try expectGitError { _ = try second.push(refspecs: ["main"], options: options) }
            #expect(error.code == .nonFastForward)
            #expect(!error.isNetworkUnreachable)
            #expect(try sandbox.git.run(["--git-dir", bare, "rev-parse", "main"]) == winner.hex)
        }
    }

    /// A port nobody listens on (checked by the same helper the server scripts use).
    private func closedPort() throws -> String {
        let result = try runTransportProcess(
            "/bin/bash", ["-c", "source \"$1/common.sh\" && free_port", "bash", TestServer.scriptsFolder],
            environment: ProcessInfo.processInfo.environment)
        let port = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, Int(port) != nil else { throw TestFailure("no free port: \(result.stderr)") }
        return port
    }

    @Test func unreachableRemotesAreClassifiedAsUnreachable() throws {
        let sandbox = try TransportSandbox()
        let port = try closedPort()
        let urls = [
            "git://127.0.0.1:\(port)/plans.git",
            "http://127.0.0.1:\(port)/git/plans.git",
            "https://localhost:\(port)/git/plans.git",
            "ssh://git@127.0.0.1:\(port)/plans.git",
            "http://abmsync-no-such-host.invalid/plans.git",
        ]
        for url in urls {
            let (error, seconds) = try expectGitError {
                _ = try Repository.clone(from: url, to: sandbox.sub("clone-\(UUID().uuidString)"))
            }
            #expect(error.isNetworkUnreachable, "\(url): \(error) [\(String(describing: error.errorClass))]")
            #expect(error.hint != nil)
            #expect(seconds < 10)
            print("unreachable \(url): \(error) [\(String(describing: error.errorClass))] in \(Int(seconds * 1000)) ms")
        }

        // Reached, but wrong: not "unreachable".
        let missingPath = sandbox.sub("does-not-exist.git")
        let (notFound, _) = try expectGitError {
            _ = try Repository.clone(from: missingPath, to: sandbox.sub("x"), options: RemoteOptions(credentials: []))
        }
        #expect(!notFound.isNetworkUnreachable, "\(notFound)")
        try withServer("lighttpd", in: sandbox) { server in
            let (http404, _) = try expectGitError {
                _ = try Repository.remoteBranches(at: try server["URL"] + "/missing.git", options: RemoteOptions(credentials: []))
            }
            #expect(!http404.isNetworkUnreachable, "\(http404)")
            print("missing repository over http: \(http404) [\(String(describing: http404.errorClass))]")
        }
    }
}

// MARK: - Empty remotes, progress, listing, redaction

extension TransportTests {
    @Test(arguments: ["path", "git-daemon"])
    func cloningAnEmptyRemoteStartsBranchMain(transport: String) throws {
        let sandbox = try TransportSandbox()
        let run = { (url: String, bare: String) throws in
            let clone = try Repository.clone(from: url, to: sandbox.sub("clone"), options: RemoteOptions(credentials: []))
            #expect(clone.isHeadUnborn)
            #expect(try clone.headReferenceName() == "refs/heads/main")
            #expect(try clone.configString("branch.main.remote") == "origin")
            #expect(try clone.configString("branch.main.merge") == "refs/heads/main")
            let commit = try clone.commitFile("plan.md", "first\n", message: "first plan")
            try clone.push(refspecs: ["main"], options: RemoteOptions(credentials: []))
            #expect(try sandbox.git.run(["--git-dir", bare, "rev-parse", "refs/heads/main"]) == commit.hex)
            try sandbox.git.run(["--git-dir", bare, "fsck", "--strict", "--no-progress"])
        }
        if transport == "path" {
            let bare = sandbox.sub("empty.git")
            try sandbox.git.run(["init", "-q", "--bare", "-b", "trunk", bare])
            try run(bare, bare)
        } else {
            try withServer("git-daemon", in: sandbox) { server in
                let bare = server.repositories + "/empty.git"
                try sandbox.git.run(["init", "-q", "--bare", "-b", "trunk", bare])
                try run(try server["URL"] + "/empty.git", bare)
            }
        }
    }

    @Test func progressIsReportedForDownloadAndUpload() throws {
        let sandbox = try TransportSandbox()
        try withServer("git-daemon", in: sandbox) { server in
            try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            let log = ProgressLog()
            let options = RemoteOptions(credentials: [], progress: { log.record($0) })
            let clone = try Repository.clone(from: try server["URL"] + "/plans.git", to: sandbox.sub("c"), options: options)
            let download = try #require(log.all.last { $0.direction == .download })
            #expect(download.totalObjects == 3)  // commit, tree, blob
            #expect(download.receivedObjects == download.totalObjects)
            #expect(download.indexedObjects == download.totalObjects)
            #expect(download.bytes > 0)

            try clone.commitFile("plan.md", String(repeating: "line\n", count: 1000), message: "big")
            let result = try clone.push(refspecs: ["main"], options: options)
            let upload = try #require(log.all.last { $0.direction == .upload })
            #expect(upload.totalObjects == 3)
            #expect(upload.bytes > 0)
            #expect(result.sentBytes == upload.bytes)
        }
    }

    @Test func listingRemoteBranches() throws {
        let sandbox = try TransportSandbox()
        try withServer("git-daemon", in: sandbox) { server in
            let bare = try sandbox.makeSeededBareRepository(at: server.repositories + "/plans.git")
            try sandbox.git.run(["--git-dir", bare, "branch", "feature", "main"])
            let url = try server["URL"] + "/plans.git"
            let main = try #require(ObjectID(hex: try sandbox.git.run(["--git-dir", bare, "rev-parse", "main"])))
            let options = RemoteOptions(credentials: [])

            let anonymous = try Repository.remoteBranches(at: url, options: options)
            #expect(anonymous.map(\.name).sorted() == ["feature", "main"])
            #expect(anonymous.allSatisfy { $0.target == main })

            let clone = try Repository.clone(from: url, to: sandbox.sub("c"), options: options)
            #expect(try clone.remoteBranches(options: options).map(\.name).sorted() == ["feature", "main"])
            let (missing, _) = try expectGitError { _ = try clone.fetch(remote: "upstream", options: options) }
            #expect(missing.code == .notFound)
        }
    }

    @Test func urlsAndSecretsAreRedacted() {
        #expect(redactedURL("https://alice:s3cret@example.com/a/b.git") == "https://example.com/a/b.git")
        #expect(redactedURL("ssh://git@example.com:22/a.git") == "ssh://example.com:22/a.git")
        #expect(redactedURL("https://example.com/a@b.git") == "https://example.com/a@b.git")
        #expect(redactedURL("git@example.com:a/b.git") == "git@example.com:a/b.git")
        #expect(redactedURL("/srv/git/a.git") == "/srv/git/a.git")
        let source = RemoteOptions.CredentialSource.userPassword(username: "alice", password: Secret("s3cret"))
        #expect(!"\(source)".contains("s3cret"))
        #expect(!String(reflecting: source).contains("s3cret"))
        var dumped = ""
        dump(RemoteOptions(credentials: [source]), to: &dumped)
        #expect(!dumped.contains("s3cret"))
        #expect(base64Encoded(Array("abmsync".utf8), padded: false) == "YWJtc3luYw")
        #expect(base64Decoded("YWJtc3luYw==") == Array("abmsync".utf8))
    }
}
