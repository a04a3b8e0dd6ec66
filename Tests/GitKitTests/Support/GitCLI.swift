import ABMTestSupport
import Foundation
@testable import GitKit

/// Process-wide test setup, done once before any libgit2 use: libgit2's system, XDG and global
/// configuration search paths point at an empty folder, so neither /etc/gitconfig (which on the
/// development machines rewrites URLs with `url.insteadOf`) nor ~/.gitconfig reaches the tests.
enum TestEnvironment {
    /// The empty folder libgit2 searches for system, XDG and global configuration, shared with every
    /// other test target in the process (they all run in one process, so there must be one setting).
    static let configurationSearchPath: String = {
        guard GitIsolation.apply() else {
            fatalError("cannot isolate libgit2 from the machine's git configuration")
        }
        return GitIsolation.configFolder
    }()

    /// Call before using libgit2 in a test; cheap after the first call.
    static func prepare() {
        _ = configurationSearchPath
    }
}

/// Runs the `git` command line tool as the independent reference, in an environment that
/// reads no system or user configuration and stamps every commit with fixed identities and dates.
final class GitCLI {
    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String

        var text: String { String(decoding: stdout, as: UTF8.self) }
        /// stdout without its final line break: the usual shape of a one-line answer.
        var line: String { text.trimmingTrailingNewlines() }
        var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    static let authorName = "Ada Author"
    static let authorEmail = "ada@example.com"
    static let committerName = "Cy Committer"
    static let committerEmail = "cy@example.com"
    /// 2023-11-14 22:13:20 UTC.
    static let time: Int64 = 1_700_000_000

    let home: String
    private let scratch: String
    private var runs = 0

    init(home: String, scratch: String) throws {
        self.home = home
        self.scratch = scratch
        try Files.makeFolder(home)
        try Files.makeFolder(scratch)
    }

    /// The environment every run gets; nothing is inherited except PATH.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": home + "/.config",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "TZ": "UTC",
            "GIT_AUTHOR_NAME": Self.authorName,
            "GIT_AUTHOR_EMAIL": Self.authorEmail,
            "GIT_AUTHOR_DATE": "\(Self.time) +0000",
            "GIT_COMMITTER_NAME": Self.committerName,
            "GIT_COMMITTER_EMAIL": Self.committerEmail,
            "GIT_COMMITTER_DATE": "\(Self.time) +0000",
        ]
        env.merge(extra) { _, new in new }
        return env
    }

    /// Runs `git args` in `folder` and returns what it printed, whatever its exit status.
    func run(
        _ arguments: [String], in folder: String, input: [UInt8]? = nil, environment extra: [String: String] = [:]
    ) throws -> Output {
        runs += 1
        let outPath = scratch + "/\(runs).out"
        let errPath = scratch + "/\(runs).err"
        let inPath = scratch + "/\(runs).in"
        try Files.write(outPath, [])
        try Files.write(errPath, [])
        try Files.write(inPath, input ?? [])
        defer {
            for path in [outPath, errPath, inPath] { try? Files.remove(path) }
        }
        // Files, not pipes: no deadlock however much either stream carries.
        guard let stdoutHandle = FileHandle(forWritingAtPath: outPath),
            let stderrHandle = FileHandle(forWritingAtPath: errPath),
            let stdinHandle = FileHandle(forReadingAtPath: inPath)
        else { throw TestSupportError("cannot open the files for git's output in '\(scratch)'") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = environment(extra)
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        process.standardInput = stdinHandle
        try process.run()
        process.waitUntilExit()
        try stdoutHandle.close()
        try stderrHandle.close()
        try stdinHandle.close()
        return Output(
            status: process.terminationStatus, stdout: try Files.read(outPath),
            stderr: String(decoding: try Files.read(errPath), as: UTF8.self))
    }

    /// Runs `git args` in `folder`, fails unless it exits 0, and returns its output.
    @discardableResult
    func callAsFunction(
        _ arguments: String..., in folder: String, input: [UInt8]? = nil, environment: [String: String] = [:]
    ) throws -> Output {
        let output = try run(arguments, in: folder, input: input, environment: environment)
        guard output.status == 0 else {
            throw TestSupportError(
                "git \(arguments.joined(separator: " ")) exited \(output.status) in '\(folder)': \(output.stderr)")
        }
        return output
    }
}

/// A temporary folder with a private HOME and a `git` runner: what every git test starts from.
final class Sandbox {
    let folder: TempDirectory
    let git: GitCLI

    init() throws {
        TestEnvironment.prepare()
        folder = try TempDirectory()
        git = try GitCLI(home: folder.url("home"), scratch: folder.url(".cli"))
    }

    var root: String { folder.path }

    func path(_ relative: String) -> String { folder.url(relative) }

    /// A repository made by `git init -b main` (the reference implementation, not GitKit).
    @discardableResult
    func makeRepositoryWithCLI(_ name: String = "repo", bare: Bool = false) throws -> String {
        let path = path(name)
        try Files.makeFolder(path)
        try git("init", "-q", "-b", "main", bare ? "--bare" : "--no-bare", in: path)
        return path
    }

    /// Stages everything in `repository` and commits it with the CLI; returns the new commit id.
    @discardableResult
    func commitWithCLI(_ repository: String, _ message: String) throws -> String {
        try git("add", "-A", in: repository)
        try git("commit", "-q", "--allow-empty", "-m", message, in: repository)
        return try git("rev-parse", "HEAD", in: repository).line
    }
}

extension Repository {
    /// Stages the whole working tree (`git add -A`) and commits it on HEAD with GitKit.
    @discardableResult
    func commitWorkingTree(_ message: String, time: Int64 = GitCLI.time) throws -> ObjectID {
        let index = try index()
        try index.addAll()
        try index.write()
        let tree = try index.writeTree(to: self)
        let parents = try headCommitID().map { [$0] } ?? []
        let signature = Signature(name: GitCLI.authorName, email: GitCLI.authorEmail, time: time)
        return try createCommit(tree: tree, parents: parents, message: message, author: signature)
    }
}
