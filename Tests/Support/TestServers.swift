import Foundation

// Throw-away servers from scripts/test-servers (git daemon, lighttpd, nginx + fcgiwrap, sshd) for
// tests that talk to real remotes on loopback, and the process runner they need.

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public struct TransportProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion with posix_spawn, output into files (never pipes, so a daemon the
/// program leaves behind cannot keep us waiting for end-of-file), with an empty signal mask and
/// default signal handlers. (Foundation's Process passes on the calling thread's mask, in which
/// the test runner's threads block SIGTERM: servers started that way ignored the stop signal.)
public func runTransportProcess(_ executable: String, _ arguments: [String], environment: [String: String]) throws
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
public final class TestServer {
    public let name: String
    public let directory: String
    public let values: [String: String]
    /// Wall time of the start script, including key or certificate generation.
    public let startSeconds: Double
    private var stopped = false

    public static let scriptsFolder: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/test-servers").path

    /// Starts `scripts/test-servers/<name>.sh` in `directory`. Fails (never skips) when the server
    /// program is missing: the script says which apt package provides it. `settings` are extra
    /// environment variables for the script (e.g. `SSHD_MAX_STARTUPS`).
    public init(_ name: String, in directory: String, settings: [String: String] = [:]) throws {
        self.name = name
        self.directory = directory
        let started = Date()
        let result = try runTransportProcess(
            "/bin/bash", ["\(TestServer.scriptsFolder)/\(name).sh", "start", directory],
            environment: ProcessInfo.processInfo.environment.merging(settings) { $1 })
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

    public subscript(key: String) -> String {
        get throws {
            guard let value = values[key] else { throw TestFailure("test server '\(name)' did not report \(key)") }
            return value
        }
    }

    public var repositories: String { directory + "/repos" }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? runTransportProcess(
            "/bin/bash", ["\(TestServer.scriptsFolder)/\(name).sh", "stop", directory],
            environment: ProcessInfo.processInfo.environment)
    }

    deinit { stop() }
}

/// Starts a server, runs `body`, and stops the server whatever happens.
