import Foundation
import GitKit

/// A temporary folder, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "abmsync-test") {
        let template = NSTemporaryDirectory() + "/\(label).XXXXXX"
        var bytes = Array(template.utf8CString)
        let made = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "cannot create a temporary folder")
        path = URL(fileURLWithPath: String(cString: made!)).resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ relative: String) -> String { path + "/" + relative }

    public func write(_ relative: String, _ text: String) {
        let full = file(relative)
        try? FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
    }

    public func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: file(relative)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// The outcome of running a program.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var combined: String { stdout + stderr }
}

/// Runs a program and waits for it (tests only: the product never starts processes).
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
    input: String? = nil
) -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inPipe = Pipe()
    process.standardInput = inPipe
    do {
        try process.run()
    } catch {
        return ProcessOutput(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)")
    }
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so neither fills up and blocks the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessOutput(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// The `git` command-line tool, as an independent reference for what abmsync wrote. Runs with no
/// system or user configuration and a fixed identity and clock.
public enum GitCLI {
    public static let executable = "/usr/bin/git"

    public static func environment(home: String) -> [String: String] {
        [
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": home, "XDG_CONFIG_HOME": home + "/.config",
            "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "val@example.com",
            "GIT_AUTHOR_DATE": "2026-01-01T12:00:00Z", "GIT_COMMITTER_NAME": "Test Committer",
            "GIT_COMMITTER_EMAIL": "committer@example.com", "GIT_COMMITTER_DATE": "2026-01-01T12:00:00Z",
        ]
    }

    @discardableResult
    public static func run(_ arguments: [String], in directory: String, home: String? = nil) -> ProcessOutput {
        runProcess(executable, arguments, in: directory, environment: environment(home: home ?? directory))
    }
}

/// Points libgit2 away from /etc/gitconfig and ~/.gitconfig (on these machines /etc/gitconfig rewrites
/// URLs). Call before any libgit2 use in a test process.
public enum GitIsolation {
    private static let emptyConfigFolder: String = {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("abmsync-empty-git-config-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    private static let applied: Bool = {
        do {
            try GitRuntime.isolateConfiguration(searchPath: emptyConfigFolder)
            return true
        } catch {
            return false
        }
    }()

    @discardableResult
    public static func apply() -> Bool { applied }

    public static var configFolder: String { emptyConfigFolder }
}

/// For tests that are not about `permissions:`: init's sample team with every person an admin too,
/// so any change anyone makes is theirs to make (write it as team.yaml before `init`, which keeps it).
public enum PermissiveTeam {
    public static let yaml = """
        people:
          jane: {name: Jane Doe, email: jane@example.com, roles: [ae, admin]}
          sam: {name: Sam Lee, email: sam@example.com, roles: [marketing, admin]}
          ops: {name: Ops Team, email: ops@example.com, roles: [marketing-ops, admin]}
          vp: {name: Val Park, email: val@example.com, roles: [exec, admin]}

        """
}
