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

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
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

struct TransportProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion with posix_spawn, output into files (never pipes, so a daemon the
/// program leaves behind cannot keep us waiting for end-of-file), with an empty signal mask and
/// default signal handlers. (Foundation's Process passes on the calling thread's mask, in which
/// the test runner's threads block SIGTERM: servers started that way ignored the stop signal.)
func runTransportProcess(_ executable: String, _ arguments: [String], environment: [String: String]) throws
    -> TransportProcessResult
{
    let stem = NSTemporaryDirectory() + "abmsync-process-\(UUID().uuidString)"
    let outPath = stem + ".out"
    let errPath = stem + ".err"
    defer {
        unlink(outPath)
        unlink(errPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard spawned == 0 else { throw TestFailure("cannot run \(executable): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw TestFailure("waitpid failed for \(executable): \(errno)") }
    }
    // WIFEXITED/WEXITSTATUS are C macros Swift does not import.
    let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return TransportProcessResult(
        status: exitCode,
        stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

/// One server from scripts/test-servers, started in its own folder and stopped by `stop()`.
final class TestServer {
    let name: String
    let directory: String
    let values: [String: String]
    /// Wall time of the start script, including key or certificate generation.
    let startSeconds: Double
    private var stopped = false

    static let scriptsFolder: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/test-servers").path

    /// Starts `scripts/test-servers/<name>.sh` in `directory`. Fails (never skips) when the server
    /// program is missing: the script says which apt package provides it.
    init(_ name: String, in directory: String) throws {
        self.name = name
        self.directory = directory
        let started = Date()
        let result = try runTransportProcess(
            "/bin/bash", ["\(TestServer.scriptsFolder)/\(name).sh", "start", directory],
            environment: ProcessInfo.processInfo.environment)
        startSeconds = Date().timeIntervalSince(started)
        guard result.status == 0 else {
            throw TestFailure("test server '\(name)' did not start: \(result.stderr)")
        }
        var values: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.values = values
        print("test server \(name): started in \(Int(startSeconds * 1000)) ms (script says \(values["STARTUP_MS"] ?? "?") ms)")
    }

    subscript(key: String) -> String {
        get throws {
            guard let value = values[key] else { throw TestFailure("test server '\(name)' did not report \(key)") }
            return value
        }
    }

    var repositories: String { directory + "/repos" }

    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? runTransportProcess(
            "/bin/bash", ["\(TestServer.scriptsFolder)/\(name).sh", "stop", directory],
            environment: ProcessInfo.processInfo.environment)
    }

    deinit { stop() }
}

/// Starts a server, runs `body`, and stops the server whatever happens.
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
