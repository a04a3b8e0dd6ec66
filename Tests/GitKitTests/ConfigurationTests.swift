import Foundation
import Testing
@testable import GitKit

/// The tests run against the libgit2 global options set once by `TestEnvironment`; nothing here
/// changes them (other test targets share the process), it only reads them.
@Suite(.serialized) struct ConfigurationIsolationTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    @Test func libgit2SearchesOnlyTheEmptyFolder() throws {
        let paths = try GitRuntime.configurationSearchPaths()
        let empty = TestEnvironment.configurationSearchPath
        #expect(paths.system == empty)
        #expect(paths.xdg == empty)
        #expect(paths.global == empty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
    }

    @Test func fakeGlobalConfigurationIsNotSeenButRepositoryValueIs() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        // A global file in the CLI's HOME; the CLI reads it, proving it is a real global configuration.
        try sandbox.git("config", "--global", "abmsync.probe", "from-global", in: path)
        try sandbox.git("config", "--global", "user.name", "Global Leak", in: path)
        try sandbox.git("config", "abmsync.local", "from-local", in: path)
        #expect(try sandbox.git("config", "--get", "abmsync.probe", in: path).line == "from-global")

        // libgit2 searches only the empty folder: the global value stays out, the local one is read.
        let repository = try Repository.open(at: path)
        #expect(try repository.configString("abmsync.probe") == nil)
        #expect(try repository.configString("user.name") == nil)
        #expect(try repository.configString("abmsync.local") == "from-local")
        #expect(try repository.configuredSignature() == nil)
    }

    @Test(.enabled(if: FileManager.default.isReadableFile(atPath: "/etc/gitconfig")))
    func systemConfigurationIsNotSeen() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        let keys = try sandbox.git("config", "--file", "/etc/gitconfig", "--name-only", "--list", in: path).lines
        let repository = try Repository.open(at: path)
        for key in keys {
            #expect(try repository.configString(key) == nil, "\(key) from /etc/gitconfig leaked into libgit2")
        }
    }
}

@Suite struct ConfigTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    @Test func setConfigWritesRepositoryFileThatGitReads() throws {
        let path = sandbox.path("repo")
        let repository = try Repository.create(at: path)
        try repository.setConfig("abmsync.owner", to: "ann@example.com")
        try repository.setConfig("user.name", to: "Ann Örnberg")
        #expect(try sandbox.git("config", "--get", "abmsync.owner", in: path).line == "ann@example.com")
        #expect(try sandbox.git("config", "--local", "--get", "user.name", in: path).line == "Ann Örnberg")
        #expect(try repository.configString("abmsync.owner") == "ann@example.com")
        #expect(try repository.configString("ABMSYNC.Owner") == "ann@example.com")

        try repository.setConfig("abmsync.owner", to: "bob@example.com")
        #expect(try sandbox.git("config", "--get-all", "abmsync.owner", in: path).lines == ["bob@example.com"])
        #expect(try repository.configString("abmsync.owner") == "bob@example.com")
    }

    @Test func configStringReadsValuesWrittenByGit() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try sandbox.git("config", "abmsync.spaced", "  two words ", in: path)
        try sandbox.git("config", "abmsync.empty", "", in: path)
        try sandbox.git("config", "branch.main.remote", "origin", in: path)
        let repository = try Repository.open(at: path)
        #expect(try repository.configString("abmsync.spaced") == "  two words ")
        #expect(try repository.configString("abmsync.empty") == "")
        #expect(try repository.configString("branch.main.remote") == "origin")
        #expect(try repository.configString("abmsync.missing") == nil)
    }

    @Test func invalidKeyIsAnError() throws {
        let repository = try Repository.create(at: sandbox.path("repo"))
        let error = #expect(throws: GitError.self) { try repository.setConfig("nodot", to: "x") }
        #expect(error?.subject == "nodot")
    }

    @Test func configuredSignatureUsesRepositoryIdentity() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        let repository = try Repository.open(at: path)
        #expect(try repository.configuredSignature() == nil)
        try sandbox.git("config", "user.name", "Ann Example", in: path)
        try sandbox.git("config", "user.email", "ann@example.com", in: path)
        let reopened = try Repository.open(at: path)
        let signature = try #require(try reopened.configuredSignature())
        #expect(signature.name == "Ann Example")
        #expect(signature.email == "ann@example.com")
        let now = Int64(Date().timeIntervalSince1970)
        #expect(abs(signature.time - now) < 120)
    }
}
