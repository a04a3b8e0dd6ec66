import Foundation
import Testing
@testable import GitKit

@Suite struct RemoteTests {
    let sandbox: Sandbox
    let path: String
    let repository: Repository

    init() throws {
        sandbox = try Sandbox()
        path = sandbox.path("repo")
        repository = try Repository.create(at: path)
    }

    @Test func addedRemoteIsWhatGitRemoteShows() throws {
        // A github.com URL: /etc/gitconfig on the development machines rewrites it with
        // url.insteadOf; isolation must keep it as written.
        let url = "https://github.com/acme/abm-plans.git"
        try repository.addRemote(name: "origin", url: url)
        try repository.addRemote(name: "backup", url: sandbox.path("backup.git"))
        #expect(try sandbox.git("remote", "-v", in: path).lines == [
            "backup\t\(sandbox.path("backup.git")) (fetch)", "backup\t\(sandbox.path("backup.git")) (push)",
            "origin\t\(url) (fetch)", "origin\t\(url) (push)",
        ])
        #expect(try sandbox.git("config", "--get", "remote.origin.fetch", in: path).line
            == "+refs/heads/*:refs/remotes/origin/*")
        #expect(try repository.remote(named: "origin") == RemoteInfo(name: "origin", url: url, pushURL: nil))
        #expect(try repository.remoteNames().sorted() == ["backup", "origin"])
    }

    @Test func readsRemotesConfiguredByGit() throws {
        try sandbox.git("remote", "add", "upstream", "ssh://git@example.com/plans.git", in: path)
        try sandbox.git("remote", "set-url", "--push", "upstream", "ssh://git@example.com/push.git", in: path)
        #expect(try repository.remote(named: "upstream")
            == RemoteInfo(name: "upstream", url: "ssh://git@example.com/plans.git", pushURL: "ssh://git@example.com/push.git"))
        #expect(try repository.remote(named: "nope") == nil)
        #expect(try repository.remoteNames() == ["upstream"])
    }

    @Test func setRemoteURLChangesWhatGitUses() throws {
        try repository.addRemote(name: "origin", url: "https://example.com/old.git")
        try repository.setRemoteURL(name: "origin", url: "https://example.com/new.git")
        #expect(try sandbox.git("remote", "get-url", "origin", in: path).line == "https://example.com/new.git")
        #expect(try repository.remote(named: "origin")?.url == "https://example.com/new.git")
    }

    @Test func addingAnExistingRemoteIsRefused() throws {
        try repository.addRemote(name: "origin", url: "https://example.com/a.git")
        let error = #expect(throws: GitError.self) { try repository.addRemote(name: "origin", url: "https://example.com/b.git") }
        #expect(error?.code == .exists)
        #expect(error?.subject == "origin")
        #expect(try sandbox.git("remote", "get-url", "origin", in: path).line == "https://example.com/a.git")
    }

    @Test func invalidRemoteNameIsRefused() throws {
        let error = #expect(throws: GitError.self) { try repository.addRemote(name: "bad name", url: "https://example.com/a.git") }
        #expect(error?.subject == "bad name")
        #expect(try sandbox.git("remote", in: path).text == "")
    }
}
