import Foundation
import Testing
@testable import GitKit

@Suite struct MergeTreesTests {
    let sandbox: Sandbox
    let repository: Repository
    var base: ObjectID
    var ours: ObjectID
    var theirs: ObjectID

    /// Two files both sides changed on different lines (each would merge cleanly by line), one file
    /// only their side changed.
    init() throws {
        sandbox = try Sandbox()
        let path = sandbox.path("repo")
        repository = try Repository.create(at: path)
        try Files.write(path + "/plan.md", "one\ntwo\nthree\nfour\nfive\n")
        try Files.write(path + "/notes.txt", "a\nb\nc\nd\ne\n")
        try Files.write(path + "/theirs-only.txt", "x\n")
        let baseCommit = try repository.commitWorkingTree("base")
        base = try repository.commit(baseCommit).treeID
        try Files.write(path + "/plan.md", "ONE\ntwo\nthree\nfour\nfive\n")
        try Files.write(path + "/notes.txt", "A\nb\nc\nd\ne\n")
        ours = try repository.commit(try repository.commitWorkingTree("ours", time: GitCLI.time + 60)).treeID
        try Files.write(path + "/plan.md", "one\ntwo\nthree\nfour\nFIVE\n")
        try Files.write(path + "/notes.txt", "a\nb\nc\nd\nE\n")
        try Files.write(path + "/theirs-only.txt", "y\n")
        theirs = try repository.commit(try repository.commitWorkingTree("theirs", time: GitCLI.time + 120)).treeID
    }

    @Test func libgit2MergesEveryFileByDefault() throws {
        let index = try repository.mergeTrees(base: base, ours: ours, theirs: theirs)
        #expect(!index.hasConflicts)
        let plan = try #require(index.entry(at: "plan.md"))
        #expect(try repository.blobData(plan.id) == Array("ONE\ntwo\nthree\nfour\nFIVE\n".utf8))
    }

    /// Files the caller merges itself are left as conflicts with all three versions; the others
    /// get libgit2's line merge as before.
    @Test func filesTheCallerMergesStayConflicted() throws {
        let index = try repository.mergeTrees(
            base: base, ours: ours, theirs: theirs, contentMergedByCaller: { $0.hasSuffix(".md") })
        let conflicts = try index.conflicts()
        #expect(conflicts.map(\.path) == ["plan.md"])
        #expect(try conflicts[0].ours.map { try repository.blobData($0.id) } == Array("ONE\ntwo\nthree\nfour\nfive\n".utf8))
        #expect(try conflicts[0].theirs.map { try repository.blobData($0.id) } == Array("one\ntwo\nthree\nfour\nFIVE\n".utf8))
        #expect(conflicts[0].ancestor != nil)
        let notes = try #require(index.entry(at: "notes.txt"))
        #expect(try repository.blobData(notes.id) == Array("A\nb\nc\nd\nE\n".utf8))
        let other = try #require(index.entry(at: "theirs-only.txt"))
        #expect(try repository.blobData(other.id) == Array("y\n".utf8))

        // The predicate applies to that call only.
        #expect(!(try repository.mergeTrees(base: base, ours: ours, theirs: theirs).hasConflicts))
    }
}
