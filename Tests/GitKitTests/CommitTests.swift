import Foundation
import Testing
@testable import GitKit

@Suite struct CommitTests {
    let sandbox: Sandbox
    let path: String
    let repository: Repository

    init() throws {
        sandbox = try Sandbox()
        path = sandbox.path("repo")
        repository = try Repository.create(at: path)
    }

    @Test func commitsWorkingTreeWithNewModifiedAndDeletedFiles() throws {
        try Files.write(path + "/README.md", "# Plans\n")
        try Files.write(path + "/accounts/acme.md", "owner: ann\n")
        try Files.write(path + "/accounts/globex.md", "owner: bob\n")
        let first = try repository.commitWorkingTree("Add accounts")
        #expect(try sandbox.git("rev-parse", "HEAD", in: path).line == first.hex)
        #expect(try sandbox.git("ls-tree", "-r", "--name-only", "HEAD", in: path).lines
            == ["README.md", "accounts/acme.md", "accounts/globex.md"])
        #expect(try sandbox.git("status", "--porcelain", in: path).text == "")

        try Files.write(path + "/accounts/acme.md", "owner: carol\n")
        try Files.remove(path + "/accounts/globex.md")
        try Files.write(path + "/accounts/initech.md", "owner: dan\n")
        let second = try repository.commitWorkingTree("Reassign acme", time: GitCLI.time + 60)
        #expect(try sandbox.git("diff-tree", "--no-commit-id", "--name-status", "-r", "HEAD", in: path).lines
            == ["M\taccounts/acme.md", "D\taccounts/globex.md", "A\taccounts/initech.md"])
        #expect(try sandbox.git("rev-list", "--parents", "HEAD", in: path).lines
            == ["\(second.hex) \(first.hex)", first.hex])
        #expect(try sandbox.git("log", "--format=%s", in: path).lines == ["Reassign acme", "Add accounts"])
        #expect(try sandbox.git("status", "--porcelain", in: path).text == "")
        try sandbox.git("fsck", "--strict", "--no-dangling", in: path)

        let commit = try repository.commit(second)
        #expect(commit.parentIDs == [first])
        #expect(commit.summary == "Reassign acme")
        #expect(commit.treeID.hex == (try sandbox.git("rev-parse", "HEAD^{tree}", in: path).line))
    }

    @Test func preservesAuthorAndCommitterExactly() throws {
        let tree = try repository.makeInMemoryIndex().writeTree(to: repository)
        let author = Signature(name: "Ann Örnberg", email: "ann@example.com", time: 1_600_000_000, offsetMinutes: -90)
        let committer = Signature(name: "Bob Bot", email: "bot@example.org", time: 1_600_003_600, offsetMinutes: 345)
        let id = try repository.createCommit(
            tree: tree, parents: [], message: "Seed\n\nBody line.\n", author: author, committer: committer)

        let fields = try sandbox.git("log", "-1", "--format=%an%n%ae%n%at%n%ad%n%cn%n%ce%n%ct%n%cd", "--date=raw", in: path).lines
        #expect(fields == [
            "Ann Örnberg", "ann@example.com", "1600000000", "1600000000 -0130",
            "Bob Bot", "bot@example.org", "1600003600", "1600003600 +0545",
        ])
        let raw = try sandbox.git("cat-file", "-p", id.hex, in: path).text
        #expect(raw.contains("\nauthor Ann Örnberg <ann@example.com> 1600000000 -0130\n"))
        #expect(raw.contains("\ncommitter Bob Bot <bot@example.org> 1600003600 +0545\n"))
        #expect(raw.hasSuffix("\n\nSeed\n\nBody line.\n"))

        let read = try repository.commit(id)
        #expect(read.author == author)
        #expect(read.committer == committer)
        #expect(read.message == "Seed\n\nBody line.\n")
        #expect(read.parentIDs.isEmpty)
        try sandbox.git("fsck", "--strict", in: path)
    }

    /// Same tree, parent, identities, dates and message as `git commit-tree` ⇒ the same commit id,
    /// byte for byte (no extra headers).
    @Test func commitObjectIsIdenticalToGitCommitTree() throws {
        try Files.write(path + "/plan.md", "stage: lead\n")
        let parent = try repository.commitWorkingTree("base")
        try Files.write(path + "/plan.md", "stage: customer\n")
        let index = try repository.index()
        try index.addAll()
        let tree = try index.writeTree(to: repository)
        let message = "Promote acme\n\nstage: lead -> customer\n"
        let author = Signature(name: GitCLI.authorName, email: GitCLI.authorEmail, time: 1_700_000_500, offsetMinutes: 60)
        let committer = Signature(name: GitCLI.committerName, email: GitCLI.committerEmail, time: 1_700_000_900, offsetMinutes: -300)
        let ours = try repository.createCommit(
            tree: tree, parents: [parent], message: message, author: author, committer: committer, updating: nil)
        let theirs = try sandbox.git(
            "commit-tree", tree.hex, "-p", parent.hex, "-F", "-", in: path, input: Array(message.utf8),
            environment: ["GIT_AUTHOR_DATE": "1700000500 +0100", "GIT_COMMITTER_DATE": "1700000900 -0500"]
        ).line
        #expect(ours.hex == theirs)
        #expect(!(try sandbox.git("cat-file", "commit", ours.hex, in: path).text.contains("\nencoding ")))
        #expect(try sandbox.git("cat-file", "-p", ours.hex, in: path).text == (try sandbox.git("cat-file", "-p", theirs, in: path).text))
        // `updating: nil` leaves HEAD alone.
        #expect(try repository.headCommitID() == parent)
    }

    @Test func commitsInMemoryIndexToAnotherBranch() throws {
        try Files.write(path + "/README.md", "# Plans\n")
        let base = try repository.commitWorkingTree("base")

        let index = try repository.makeInMemoryIndex()
        try index.read(tree: try repository.commit(base).treeID, from: repository)
        let acme = try repository.writeBlob(Array("owner: ann\n".utf8))
        let script = try repository.writeBlob(Array("#!/bin/sh\necho sync\n".utf8))
        try index.add(path: "accounts/acme.md", blob: acme)
        try index.add(path: "bin/sync.sh", blob: script, mode: 0o100755)
        let tree = try index.writeTree(to: repository)
        let signature = Signature(name: GitCLI.authorName, email: GitCLI.authorEmail, time: GitCLI.time)
        let side = try repository.createCommit(
            tree: tree, parents: [base], message: "In memory", author: signature, updating: "refs/heads/side")

        #expect(try sandbox.git("rev-parse", "refs/heads/side", in: path).line == side.hex)
        #expect(try sandbox.git("rev-parse", "HEAD", in: path).line == base.hex)
        #expect(try sandbox.git("ls-tree", "-r", "refs/heads/side", in: path).lines == [
            "100644 blob \(try sandbox.git("rev-parse", "HEAD:README.md", in: path).line)\tREADME.md",
            "100644 blob \(acme.hex)\taccounts/acme.md",
            "100755 blob \(script.hex)\tbin/sync.sh",
        ])
        #expect(try sandbox.git("cat-file", "-p", "side:accounts/acme.md", in: path).text == "owner: ann\n")
        // The working tree and its index were not touched.
        #expect(try sandbox.git("status", "--porcelain", in: path).text == "")
        #expect(!FileManager.default.fileExists(atPath: path + "/accounts"))
        try sandbox.git("fsck", "--strict", in: path)
    }

    @Test func mergeCommitRecordsBothParentsInOrder() throws {
        try Files.write(path + "/a.md", "a\n")
        let base = try repository.commitWorkingTree("base")
        let tree = try repository.commit(base).treeID
        let signature = Signature(name: GitCLI.authorName, email: GitCLI.authorEmail, time: GitCLI.time)
        let left = try repository.createCommit(tree: tree, parents: [base], message: "left", author: signature)
        let right = try repository.createCommit(
            tree: tree, parents: [base], message: "right", author: signature, updating: "refs/heads/right")
        let merge = try repository.createCommit(tree: tree, parents: [left, right], message: "merge", author: signature)
        #expect(try sandbox.git("log", "-1", "--format=%P", in: path).line == "\(left.hex) \(right.hex)")
        #expect(try repository.commit(merge).parentIDs == [left, right])
    }

    @Test func updatingHeadRefusesWhenFirstParentIsNotTheTip() throws {
        try Files.write(path + "/a.md", "a\n")
        let base = try repository.commitWorkingTree("base")
        try Files.write(path + "/a.md", "b\n")
        let tip = try repository.commitWorkingTree("tip")
        let signature = Signature(name: GitCLI.authorName, email: GitCLI.authorEmail, time: GitCLI.time)
        let error = #expect(throws: GitError.self) {
            try repository.createCommit(
                tree: try repository.commit(base).treeID, parents: [base], message: "stale", author: signature)
        }
        #expect(error?.code == .modified)
        #expect(try sandbox.git("rev-parse", "HEAD", in: path).line == tip.hex)
    }

    @Test func resolvesRevisionsLikeGit() throws {
        try Files.write(path + "/a.md", "1\n")
        try repository.commitWorkingTree("one")
        try Files.write(path + "/a.md", "2\n")
        try repository.commitWorkingTree("two")
        try sandbox.git("tag", "-a", "-m", "v1", "v1", "HEAD~1", in: path)
        for revision in ["HEAD", "HEAD~1", "main", "refs/heads/main^", "v1"] {
            let expected = try sandbox.git("rev-parse", revision + "^{commit}", in: path).line
            #expect(try repository.resolveCommit(revision).hex == expected, "\(revision)")
        }
        let error = #expect(throws: GitError.self) { try repository.resolveCommit("nope") }
        #expect(error?.code == .notFound)
        #expect(error?.subject == "nope")
    }

    @Test func logListsHistoryNewestFirstLikeRevList() throws {
        var made: [ObjectID] = []
        for number in 1...5 {
            try Files.write(path + "/n.md", "\(number)\n")
            made.append(try repository.commitWorkingTree("commit \(number)", time: GitCLI.time + Int64(number)))
        }
        let head = try #require(try repository.headCommitID())
        let log = try repository.log(from: head)
        #expect(log.map(\.id.hex) == (try sandbox.git("rev-list", "HEAD", in: path).lines))
        #expect(log.map(\.id) == made.reversed())
        #expect(try repository.log(from: head, limit: 2).map(\.summary) == ["commit 5", "commit 4"])
        #expect(try repository.log(from: head, limit: 0).isEmpty)
    }
}
