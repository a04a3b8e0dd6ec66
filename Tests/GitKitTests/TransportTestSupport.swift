import ABMTestSupport
import Foundation
import Testing

@testable import GitKit

// Helpers for the transport tests: a scratch folder per test, the git CLI run in isolation (as the
// independent reference), and the throw-away servers of scripts/test-servers.

/// Points libgit2's system/XDG/global configuration at an empty folder, once per process, so that
/// /etc/gitconfig (which rewrites URLs on these machines) and ~/.gitconfig cannot interfere.
enum TransportIsolation {
    /// The one isolation shared by every test target in the process (see ABMTestSupport).
    static func apply() throws {
        guard GitIsolation.apply() else { throw TestFailure("cannot isolate libgit2 from the machine's git configuration") }
    }
}

/// A fresh temporary folder, deleted when released. Also isolates libgit2's configuration.
final class TransportSandbox {
    let path: String
    let git: TransportGit

    init() throws {
        try TransportIsolation.apply()
        let template = NSTemporaryDirectory() + "abmsync-transport-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw TestFailure("mkdtemp failed: \(errno)") }
        path = String(cString: made)
        try FileManager.default.createDirectory(atPath: path + "/home", withIntermediateDirectories: true)
        git = TransportGit(home: path + "/home")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func sub(_ name: String) -> String { path + "/" + name }

    /// A bare repository `name` under `folder` with branch `main` holding one commit
    /// (README.md = "seed\n"), made with the git CLI.
    @discardableResult
    func makeSeededBareRepository(at bare: String) throws -> String {
        let work = sub("seed-\(UUID().uuidString)")
        try git.run(["init", "-q", "-b", "main", work])
        try "seed\n".write(toFile: work + "/README.md", atomically: true, encoding: .utf8)
        try git.run(["add", "README.md"], in: work)
        try git.run(["commit", "-q", "-m", "seed"], in: work)
        try git.run(["clone", "-q", "--bare", work, bare])
        try git.run(["--git-dir", bare, "remote", "remove", "origin"])
        return bare
    }
}

/// Runs the `git` CLI isolated from the machine: no system config, HOME in the sandbox, a fixed
/// identity and fixed dates. Throws with git's stderr when git fails.
struct TransportGit {
    let home: String

    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "LANG": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
            "GIT_AUTHOR_DATE": "2024-01-02T03:04:05Z",
            "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@example.com",
            "GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z",
        ]
    }

    @discardableResult
    func run(_ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:])
        throws -> String
    {
        let location = directory.map { ["-C", $0] } ?? []
        let result = try runTransportProcess(
            "/usr/bin/env", ["git"] + location + arguments, environment: environment.merging(extra) { $1 })
        guard result.status == 0 else {
            throw TestFailure("git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

func withServer<T>(_ name: String, in sandbox: TransportSandbox, _ body: (TestServer) throws -> T) throws -> T {
    let server = try TestServer(name, in: sandbox.sub("server-\(name)"))
    defer { server.stop() }
    return try body(server)
}

/// Collects progress reports; written from libgit2's callback on the calling thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [TransferProgress] = []

    var all: [TransferProgress] { lock.withLock { entries } }

    func record(_ progress: TransferProgress) { lock.withLock { entries.append(progress) } }
}

extension Repository {
    /// Writes `content` to `path` in the working tree and commits it on the current branch.
    @discardableResult
    func commitFile(_ path: String, _ content: String, message: String) throws -> ObjectID {
        guard let workdir = workingDirectory else { throw TestFailure("bare repository") }
        try content.write(toFile: workdir + path, atomically: true, encoding: .utf8)
        let index = try index()
        try index.addFromWorkingTree(path: path)
        try index.write()
        let tree = try index.writeTree(to: self)
        let parents = try headCommitID().map { [$0] } ?? []
        let author = Signature(name: "GitKit Test", email: "gitkit@example.com", time: 1_700_000_000)
        return try createCommit(tree: tree, parents: parents, message: message, author: author)
    }
}
