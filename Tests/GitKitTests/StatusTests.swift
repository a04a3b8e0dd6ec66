import Foundation
import Testing
@testable import GitKit

@Suite struct StatusTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    /// The two-letter `git status --porcelain` code for our flags.
    static func porcelainCode(_ flags: FileStatus.Flags) -> String {
        if flags.contains(.conflicted) { return "U" }
        if flags == .workTreeNew { return "??" }
        let x: Character =
            flags.contains(.indexNew) ? "A" : flags.contains(.indexModified) ? "M"
            : flags.contains(.indexDeleted) ? "D" : flags.contains(.indexRenamed) ? "R" : " "
        let y: Character =
            flags.contains(.workTreeModified) ? "M" : flags.contains(.workTreeDeleted) ? "D" : " "
        return String([x, y])
    }

    /// `git status --porcelain -uall` as (code, path), taking the new name of a rename.
    func porcelain(_ path: String) throws -> [String] {
        try sandbox.git("status", "--porcelain", "-uall", in: path).lines.map { line in
            let code = String(line.prefix(2))
            var file = String(line.dropFirst(3))
            if let arrow = file.range(of: " -> ") { file = String(file[arrow.upperBound...]) }
            return (code.contains("U") || code == "AA" || code == "DD" ? "U" : code) + " " + file
        }
    }

    @Test func flagsMatchGitStatusPorcelain() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        let long = (1...20).map { "line \($0) of a file long enough to be seen as renamed" }.joined(separator: "\n") + "\n"
        for name in ["keep", "staged", "unstaged", "both", "gone-staged", "gone-unstaged"] {
            try Files.write(path + "/\(name).md", "\(name)\n")
        }
        try Files.write(path + "/old-name.md", long)
        try Files.write(path + "/.gitignore", "*.log\n")
        try sandbox.commitWithCLI(path, "base")

        try Files.write(path + "/staged.md", "staged, changed\n")
        try Files.write(path + "/unstaged.md", "unstaged, changed\n")
        try Files.write(path + "/both.md", "both, staged change\n")
        try Files.write(path + "/new-staged.md", "new\n")
        try sandbox.git("add", "staged.md", "both.md", "new-staged.md", in: path)
        try Files.write(path + "/both.md", "both, staged change, then more\n")
        try sandbox.git("rm", "-q", "gone-staged.md", in: path)
        try Files.remove(path + "/gone-unstaged.md")
        try sandbox.git("mv", "old-name.md", "new-name.md", in: path)
        try Files.write(path + "/drafts/emea/untracked.md", "draft\n")
        try Files.write(path + "/debug.log", "ignored\n")

        let status = try Repository.open(at: path).status()
        let ours = status.map { Self.porcelainCode($0.flags) + " " + $0.path }
        let expected = try porcelain(path)
        #expect(ours.sorted() == expected.sorted())
        // Spot checks, so that a shared mistake in the mapping cannot hide a wrong flag.
        #expect(status.first { $0.path == "both.md" }?.flags == [.indexModified, .workTreeModified])
        #expect(status.first { $0.path == "new-name.md" }?.flags == [.indexRenamed])
        #expect(status.first { $0.path == "drafts/emea/untracked.md" }?.flags == [.workTreeNew])
        #expect(!status.contains { $0.path == "debug.log" || $0.path == "keep.md" })
        #expect(expected.count == 8)
    }

    @Test func cleanRepositoryHasNoStatus() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/a.md", "a\n")
        try sandbox.commitWithCLI(path, "base")
        #expect(try Repository.open(at: path).status().isEmpty)
        #expect(try sandbox.git("status", "--porcelain", in: path).text == "")
    }

    @Test func unbornRepositoryListsNewFiles() throws {
        let path = sandbox.path("repo")
        let repository = try Repository.create(at: path)
        try Files.write(path + "/a.md", "a\n")
        try Files.write(path + "/b.md", "b\n")
        try sandbox.git("add", "b.md", in: path)
        let ours = try repository.status().map { Self.porcelainCode($0.flags) + " " + $0.path }
        #expect(ours.sorted() == (try porcelain(path)).sorted())
        #expect(ours.sorted() == ["?? a.md", "A  b.md"])
    }

    @Test func conflictedPathsMatchGit() throws {
        let path = try makeConflictedMerge(in: sandbox)
        let status = try Repository.open(at: path).status()
        let conflicted = status.filter { $0.flags.contains(.conflicted) }.map(\.path).sorted()
        #expect(conflicted == ["owner.md", "plan.md"])
        #expect(status.map { Self.porcelainCode($0.flags) + " " + $0.path }.sorted() == (try porcelain(path)).sorted())
    }
}

@Suite struct CheckoutTests {
    let sandbox: Sandbox
    let path: String
    let repository: Repository

    init() throws {
        sandbox = try Sandbox()
        path = sandbox.path("repo")
        repository = try Repository.create(at: path)
        try Files.write(path + "/plan.md", "stage: lead\n")
        try Files.write(path + "/owner.md", "ann\n")
        try repository.commitWorkingTree("base")
    }

    @Test func forcedCheckoutHeadRestoresTrackedFilesAndKeepsUntracked() throws {
        try Files.write(path + "/plan.md", "stage: scribbled over\n")
        try Files.remove(path + "/owner.md")
        try Files.write(path + "/scratch.md", "mine\n")
        try repository.checkoutHead(force: true)
        #expect(try Files.read(path + "/plan.md") == Array("stage: lead\n".utf8))
        #expect(try Files.read(path + "/owner.md") == Array("ann\n".utf8))
        #expect(try sandbox.git("status", "--porcelain", in: path).lines == ["?? scratch.md"])
    }

    @Test func safeCheckoutHeadKeepsLocalChanges() throws {
        try Files.write(path + "/plan.md", "stage: my edit\n")
        try repository.checkoutHead(force: false)
        #expect(try Files.read(path + "/plan.md") == Array("stage: my edit\n".utf8))
        #expect(try sandbox.git("status", "--porcelain", in: path).lines == [" M plan.md"])
    }

    /// The fast-forward order: write the new tree while HEAD still names the old commit, then move
    /// the branch; git then sees a clean working tree at the new commit.
    @Test func checkoutTreeThenMoveBranchIsAFastForward() throws {
        let old = try #require(try repository.headCommitID())
        let index = try repository.makeInMemoryIndex()
        try index.read(tree: try repository.commit(old).treeID, from: repository)
        try index.add(path: "plan.md", blob: try repository.writeBlob(Array("stage: customer\n".utf8)))
        try index.add(path: "accounts/acme.md", blob: try repository.writeBlob(Array("acme\n".utf8)))
        let tree = try index.writeTree(to: repository)
        let signature = Signature(name: GitCLI.authorName, email: GitCLI.authorEmail, time: GitCLI.time)
        let new = try repository.createCommit(
            tree: tree, parents: [old], message: "remote work", author: signature, updating: nil)

        try repository.checkoutTree(tree, force: false)
        try repository.setReference("refs/heads/main", to: new, expected: old, logMessage: "fast-forward")
        #expect(try sandbox.git("status", "--porcelain", in: path).text == "")
        #expect(try sandbox.git("rev-parse", "HEAD", in: path).line == new.hex)
        #expect(try Files.read(path + "/accounts/acme.md") == Array("acme\n".utf8))
    }

    @Test func safeCheckoutTreeRefusesToOverwriteLocalChange() throws {
        let old = try #require(try repository.headCommitID())
        let index = try repository.makeInMemoryIndex()
        try index.read(tree: try repository.commit(old).treeID, from: repository)
        try index.add(path: "plan.md", blob: try repository.writeBlob(Array("stage: customer\n".utf8)))
        let tree = try index.writeTree(to: repository)
        try Files.write(path + "/plan.md", "stage: my unsaved edit\n")

        let error = #expect(throws: GitError.self) { try repository.checkoutTree(tree, force: false) }
        #expect(error?.code == .conflict)
        #expect(try Files.read(path + "/plan.md") == Array("stage: my unsaved edit\n".utf8))

        try repository.checkoutTree(tree, force: true)
        #expect(try Files.read(path + "/plan.md") == Array("stage: customer\n".utf8))
    }
}
