import ABMTestSupport
import Foundation
import Testing

/// `abmsync clone` shows transfer progress on a terminal (objects, bytes, rate) and prints nothing
/// of it when its output goes to a file or a pipe, as in scripts and hooks. The remote is a git
/// daemon on loopback: a remote that is a folder on this machine (a path or file://) is copied,
/// with no transfer to show.
@Suite(.serialized) struct ProgressTests {
    @Test func cloneShowsProgressOnATerminalOnly() throws {
        let temp = TemporaryDirectory("abmsync-progress")
        let server = try TestServer("git-daemon", in: temp.file("server"))
        defer { server.stop() }
        try FileManager.default.createDirectory(atPath: server.repositories, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: ConcurrencyTests.setUpShared(temp), toPath: server.repositories + "/plans.git")
        let url = try server["URL"] + "/plans.git"

        // A pseudo-terminal from util-linux's `script`, as a person's shell would give.
        let command = [CLITests.binary, "clone", url, "on-terminal"].map { "'\($0)'" }.joined(separator: " ")
        let terminal = runProcess(
            "/usr/bin/script", ["-qec", command, "/dev/null"], in: temp.path,
            environment: GitCLI.environment(home: temp.path).merging(["ABMSYNC_TODAY": "2026-11-22"]) { $1 })
        #expect(terminal.status == 0, "\(terminal.combined)")
        let progress = try #require(
            // A terminal turns "\n" into "\r\n"; the progress line rewrites itself after each "\r".
            terminal.combined.components(separatedBy: .newlines).last { $0.hasPrefix("Receiving ") },
            "\(terminal.combined)")
        // `Receiving 12/12 objects (100%), 0.0 MiB, 0.1 MiB/s`
        #expect(progress.contains(" objects (100%), ") && progress.hasSuffix(" MiB/s"), "\(progress)")
        #expect(FileManager.default.fileExists(atPath: temp.file("on-terminal/accounts.yaml")))

        let piped = CLITests.abmsync(["clone", url, "in-a-pipe"], in: temp.path)
        #expect(piped.status == 0, "\(piped.combined)")
        #expect(!piped.combined.contains("Receiving"), "\(piped.combined)")
        #expect(!piped.combined.contains("\r"), "\(piped.combined)")

        let quiet = runProcess(
            "/usr/bin/script", ["-qec", command.replacingOccurrences(of: "on-terminal", with: "quiet") + " --quiet", "/dev/null"],
            in: temp.path, environment: GitCLI.environment(home: temp.path))
        #expect(quiet.status == 0, "\(quiet.combined)")
        #expect(!quiet.combined.contains("Receiving"), "\(quiet.combined)")
    }
}
