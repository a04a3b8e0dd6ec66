import Foundation
import Testing
@testable import GitKit

@Suite struct RepositoryTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    @Test func createsWorkingTreeRepositoryOnMain() throws {
        let path = sandbox.path("plans")
        let repository = try Repository.create(at: path)
        #expect(repository.isBare == false)
        #expect(repository.workingDirectory == path + "/")
        #expect(repository.gitDirectory == path + "/.git/")
        #expect(repository.isHeadUnborn)
        #expect(try repository.headCommitID() == nil)
        #expect(try repository.headReferenceName() == "refs/heads/main")
        #expect(try repository.currentBranch() == "main")
        #expect(repository.state == .none)

        #expect(try sandbox.git("symbolic-ref", "HEAD", in: path).line == "refs/heads/main")
        #expect(try sandbox.git("rev-parse", "--is-bare-repository", in: path).line == "false")
        #expect(try sandbox.git("rev-parse", "--show-toplevel", in: path).line == path)
        try sandbox.git("fsck", "--strict", in: path)
    }

    @Test func createsBareRepositoryWithAnyInitialBranch() throws {
        let path = sandbox.path("plans.git")
        let repository = try Repository.create(at: path, initialBranch: "trunk", bare: true)
        #expect(repository.isBare)
        #expect(repository.workingDirectory == nil)
        #expect(repository.gitDirectory == path + "/")
        #expect(try repository.headReferenceName() == "refs/heads/trunk")

        #expect(try sandbox.git("rev-parse", "--is-bare-repository", in: path).line == "true")
        #expect(try sandbox.git("symbolic-ref", "HEAD", in: path).line == "refs/heads/trunk")
        #expect(!FileManager.default.fileExists(atPath: path + "/.git"))
        try sandbox.git("fsck", "--strict", in: path)
    }

    @Test func createMakesMissingParentFolders() throws {
        let path = sandbox.path("a/b/c/plans")
        _ = try Repository.create(at: path)
        #expect(try sandbox.git("symbolic-ref", "HEAD", in: path).line == "refs/heads/main")
    }

    @Test func opensRepositoryMadeByGit() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/a.txt", "a\n")
        let head = try sandbox.commitWithCLI(path, "first")
        let repository = try Repository.open(at: path)
        #expect(try repository.headCommitID()?.hex == head)
        #expect(repository.isHeadUnborn == false)
        #expect(try repository.currentBranch() == "main")
    }

    @Test func discoversRepositoryFromDeepSubfolder() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        let deep = path + "/accounts/emea/acme"
        try Files.makeFolder(deep)
        let repository = try Repository.discover(from: deep)
        #expect(repository.workingDirectory == path + "/")
        #expect(try sandbox.git("rev-parse", "--show-toplevel", in: deep).line + "/" == repository.workingDirectory)
    }

    @Test func discoversBareRepository() throws {
        let path = try sandbox.makeRepositoryWithCLI("bare.git", bare: true)
        let repository = try Repository.discover(from: path + "/refs/heads")
        #expect(repository.isBare)
        #expect(repository.gitDirectory == path + "/")
    }

    @Test func openOnlyAcceptsTheRepositoryFolderItself() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try Files.makeFolder(path + "/sub")
        let error = #expect(throws: GitError.self) { try Repository.open(at: path + "/sub") }
        #expect(error?.code == .notFound)
    }

    @Test func openOfPlainFolderIsNotFoundAndNamesThePath() throws {
        let plain = sandbox.path("not-a-repo")
        try Files.makeFolder(plain)
        let error = #expect(throws: GitError.self) { try Repository.open(at: plain) }
        #expect(error?.code == .notFound)
        #expect(error?.subject == plain)
        #expect(error?.description.hasPrefix("cannot open repository '\(plain)'") == true)
        // The CLI agrees that there is no repository there.
        let cli = try sandbox.git.run(["rev-parse", "--git-dir"], in: plain, environment: ["GIT_CEILING_DIRECTORIES": sandbox.root])
        #expect(cli.status != 0)
    }

    @Test(arguments: ["missing", "file.txt/below", "locked/inner"])
    func openOfUnreadablePathIsNotFoundAndNamesThePath(relative: String) throws {
        try Files.write(sandbox.path("file.txt"), "not a folder\n")
        try Files.makeFolder(sandbox.path("locked/inner"))
        chmod(sandbox.path("locked"), 0o000)
        let path = sandbox.path(relative)
        let error = #expect(throws: GitError.self) { try Repository.open(at: path) }
        #expect(error?.code == .notFound)
        #expect(error?.subject == path)
        #expect(error?.description.contains("'\(path)'") == true)
    }

    @Test func discoverOutsideAnyRepositoryIsNotFound() throws {
        let plain = sandbox.path("nowhere/deeper")
        try Files.makeFolder(plain)
        // Only meaningful when no folder above the sandbox is a repository.
        let cli = try sandbox.git.run(["rev-parse", "--git-dir"], in: plain)
        try #require(cli.status != 0)
        let error = #expect(throws: GitError.self) { try Repository.discover(from: plain) }
        #expect(error?.code == .notFound)
        #expect(error?.subject == plain)
    }

    @Test func reportsMergeStateAndCleansItUp() throws {
        let path = try makeConflictedMerge(in: sandbox)
        let repository = try Repository.open(at: path)
        #expect(repository.state == .merge)
        try repository.cleanupState()
        #expect(repository.state == .none)
        #expect(!FileManager.default.fileExists(atPath: path + "/.git/MERGE_HEAD"))
    }
}

/// A repository where `git merge side` stopped on conflicts in `plan.md` (both changed) and
/// `owner.md` (changed on main, deleted on side); `notes.md` merged cleanly.
func makeConflictedMerge(in sandbox: Sandbox) throws -> String {
    let path = try sandbox.makeRepositoryWithCLI()
    try Files.write(path + "/plan.md", "# Plan\nstage: lead\nowner: ann\n")
    try Files.write(path + "/owner.md", "ann\n")
    try Files.write(path + "/notes.md", "one\ntwo\nthree\n")
    try sandbox.commitWithCLI(path, "base")
    try sandbox.git("checkout", "-q", "-b", "side", in: path)
    try Files.write(path + "/plan.md", "# Plan\nstage: opportunity\nowner: ann\n")
    try Files.remove(path + "/owner.md")
    try Files.write(path + "/notes.md", "one\ntwo\nthree\nfour\n")
    try sandbox.commitWithCLI(path, "side")
    try sandbox.git("checkout", "-q", "main", in: path)
    try Files.write(path + "/plan.md", "# Plan\nstage: customer\nowner: ann\n")
    try Files.write(path + "/owner.md", "bob\n")
    try sandbox.commitWithCLI(path, "main")
    let merge = try sandbox.git.run(["merge", "-q", "--no-edit", "side"], in: path)
    guard merge.status == 1 else { throw TestSupportError("expected a conflicted merge, got \(merge.status)") }
    return path
}

@Suite struct LinkedWorktreeTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    /// A `git worktree add` folder has a `.git` file, not a folder.
    @Test func opensAndDiscoversLinkedWorktree() throws {
        let main = try sandbox.makeRepositoryWithCLI()
        try Files.write(main + "/a.md", "a\n")
        let head = try sandbox.commitWithCLI(main, "base")
        let linked = sandbox.path("linked")
        try sandbox.git("worktree", "add", "-q", "-b", "feature", linked, in: main)
        try Files.makeFolder(linked + "/sub")

        let opened = try Repository.open(at: linked)
        #expect(opened.workingDirectory == linked + "/")
        #expect(try opened.currentBranch() == "feature")
        #expect(try opened.headCommitID()?.hex == head)
        let discovered = try Repository.discover(from: linked + "/sub")
        #expect(discovered.workingDirectory == linked + "/")
        #expect(try discovered.currentBranch() == "feature")
    }
}
