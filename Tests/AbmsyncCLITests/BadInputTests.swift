import ABMTestSupport
import Foundation
import Testing

/// Hostile or broken files: each gets a clear error naming file and line, a non-zero exit, no crash,
/// and nothing is written.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var file: String
        var bytes: [UInt8]
        var expected: String
        var description: String { name }
    }

    static let bomb: [UInt8] = {
        var text = "accounts: &a [x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in "bcdefghijklmnopqrstuvwxyz" {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            previous = String(name)
        }
        return Array(text.utf8)
    }()

    static let cases: [Case] = [
        Case(name: "broken YAML", file: "accounts.yaml", bytes: Array("accounts:\n  acme:\n    tier: [1\n".utf8), expected: "accounts.yaml:4:1: error[yaml-syntax]"),
        Case(name: "duplicate keys", file: "accounts.yaml", bytes: Array("accounts:\n  acme:\n    tier: 1\n  acme:\n    tier: 2\n".utf8), expected: "accounts.yaml:4:3: error[yaml-duplicate-key]: duplicate key 'acme' (lines 2 and 4)"),
        Case(name: "alias bomb", file: "accounts.yaml", bytes: bomb, expected: "accounts.yaml:1:11: error[yaml-anchor]"),
        Case(name: "10 MB plan", file: "accounts/acme.md", bytes: Array(repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024), expected: "accounts/acme.md:1:1: error[file-too-large]"),
        Case(name: "binary", file: "team.yaml", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00], expected: "team.yaml:3:1: error[file-binary]"),
        Case(name: "invalid UTF-8", file: "accounts.yaml", bytes: Array("accounts:\n  caf".utf8) + [0xE9] + Array(":\n    tier: 1\n".utf8), expected: "accounts.yaml:2:6: error[file-encoding]"),
        Case(name: "terminal escape sequence", file: "accounts.yaml", bytes: Array("accounts:\n  acme:\n    name: A".utf8) + [0x1B] + Array("[2J\n".utf8), expected: "accounts.yaml:3:12: error[file-encoding]: the file holds a control character (\\x1B), which is not text"),
        Case(name: "tab indentation", file: "accounts.yaml", bytes: Array("accounts:\n  acme:\n\ttier: 1\n".utf8), expected: "accounts.yaml:3:1: error[yaml-syntax]: tab used for indentation"),
        Case(name: "empty account list", file: "accounts.yaml", bytes: [], expected: "accounts.yaml:1:1: error[file-empty]"),
        Case(name: "a list where a mapping belongs", file: "accounts.yaml", bytes: Array("accounts:\n  - acme\n".utf8), expected: "accounts.yaml:2:3: error[file-shape]"),
        Case(name: "id with a slash", file: "accounts.yaml", bytes: Array("accounts:\n  ../etc/passwd:\n    tier: 3\n".utf8), expected: "accounts.yaml:2:3: error[id-syntax]"),
        Case(name: "committed conflict markers", file: "accounts.yaml", bytes: Array("accounts:\n<<<<<<< ours\n  a: {tier: 1}\n=======\n  a: {tier: 2}\n>>>>>>> theirs\n".utf8), expected: "accounts.yaml:2:1: error[conflict-marker]"),
    ]

    @Test(arguments: cases) func isRefusedClearlyAndNothingIsWritten(_ bad: Case) throws {
        let temp = TemporaryDirectory()
        _ = CLITests.abmsync(["init", "p"], in: temp.path)
        let plans = temp.file("p")
        _ = FileManager.default.createFile(atPath: temp.file("p/" + bad.file), contents: Data(bad.bytes))
        let before = GitCLI.run(["status", "--porcelain"], in: plans).stdout
        let started = Date()
        let result = CLITests.abmsync(["validate"], in: plans)
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stdout.contains(bad.expected), "\(result.stdout)")
        #expect(result.stderr.isEmpty)
        #expect(GitCLI.run(["status", "--porcelain"], in: plans).stdout == before)
        _ = started
    }

    @Test func crlfAndByteOrderMarksAreAccepted() throws {
        let temp = TemporaryDirectory()
        _ = CLITests.abmsync(["init", "p"], in: temp.path)
        let plans = temp.file("p")
        temp.write("p/accounts.yaml", "\u{FEFF}accounts: {}\r\n")
        let team = try #require(temp.read("p/team.yaml"))
        temp.write("p/team.yaml", team.replacingOccurrences(of: "\n", with: "\r\n"))
        let result = CLITests.abmsync(["validate"], in: plans)
        #expect(result.status == 0, "\(result.combined)")
    }

    @Test func aSymbolicLinkLeavingTheRepositoryIsNotFollowed() throws {
        let temp = TemporaryDirectory()
        _ = CLITests.abmsync(["init", "p"], in: temp.path)
        try FileManager.default.removeItem(atPath: temp.file("p/team.yaml"))
        try FileManager.default.createSymbolicLink(atPath: temp.file("p/team.yaml"), withDestinationPath: "/etc/passwd")
        let result = CLITests.abmsync(["validate"], in: temp.file("p"))
        #expect(result.status == 1)
        #expect(result.stdout.contains("team.yaml:1:1: error[file-symlink]: 'team.yaml' is a symbolic link (to '/etc/passwd')"))
        #expect(!result.stdout.contains("root:"))
    }

    @Test func notARepositoryAndAnUnreadableFolderAreOperationalErrors() throws {
        let temp = TemporaryDirectory()
        let missing = CLITests.abmsync(["validate", "-C", temp.file("nowhere")], in: temp.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere") && missing.stderr.contains("no such file or folder"))
        let notRepo = CLITests.abmsync(["status"], in: temp.path)
        #expect(notRepo.status == 2)
        #expect(notRepo.stderr.contains("is not inside a git repository"))
    }
}
