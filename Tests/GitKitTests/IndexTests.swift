import Foundation
import Testing
@testable import GitKit

@Suite struct IndexTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    /// `git ls-files -s` line: "<mode> <id> <stage>\t<path>".
    static func lsFilesLine(_ entry: IndexEntry) -> String {
        "\(String(entry.mode, radix: 8)) \(entry.id.hex) \(entry.stage)\t\(entry.path)"
    }

    @Test func entriesMatchLsFiles() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/a.md", "a\n")
        try Files.write(path + "/dir/b.md", "bb\n")
        try sandbox.git("add", "-A", in: path)
        let index = try Repository.open(at: path).index()
        #expect(index.entries.map(Self.lsFilesLine) == (try sandbox.git("ls-files", "-s", in: path).lines))
        let entry = try #require(index.entry(at: "dir/b.md"))
        #expect(entry.stage == 0)
        #expect(entry.fileSize == 3)
        #expect(index.entry(at: "missing") == nil)
        #expect(index.hasConflicts == false)
        #expect(try index.conflicts().isEmpty)
    }

    @Test func conflictsAfterCLIMergeSurfaceAllStages() throws {
        let path = try makeConflictedMerge(in: sandbox)
        let repository = try Repository.open(at: path)
        let index = try repository.index()
        #expect(index.hasConflicts)

        // git ls-files -u: "<mode> <id> <stage>\t<path>" for every conflict stage.
        let unmerged = try sandbox.git("ls-files", "-u", in: path).lines
        var fromIndex: [String] = []
        let conflicts = try index.conflicts()
        for conflict in conflicts {
            for entry in [conflict.ancestor, conflict.ours, conflict.theirs].compactMap({ $0 }) {
                #expect(entry.path == conflict.path)
                fromIndex.append(Self.lsFilesLine(entry))
            }
        }
        #expect(fromIndex.sorted() == unmerged.sorted())
        #expect(conflicts.map(\.path).sorted() == ["owner.md", "plan.md"])

        let plan = try #require(conflicts.first { $0.path == "plan.md" })
        #expect(plan.ancestor?.stage == 1)
        #expect(plan.ours?.stage == 2)
        #expect(plan.theirs?.stage == 3)
        #expect(try plan.ours.map { try repository.blobData($0.id) } == Array("# Plan\nstage: customer\nowner: ann\n".utf8))
        #expect(try plan.theirs.map { try repository.blobData($0.id) } == Array("# Plan\nstage: opportunity\nowner: ann\n".utf8))

        // Deleted on their side: no stage 3.
        let owner = try #require(conflicts.first { $0.path == "owner.md" })
        #expect(owner.ancestor != nil)
        #expect(owner.ours != nil)
        #expect(owner.theirs == nil)

        // The cleanly merged file is a normal entry.
        #expect(index.entry(at: "notes.md")?.stage == 0)
        #expect(index.entry(at: "plan.md") == nil)
    }

    @Test func resolvingConflictWithAddClearsStagesForGit() throws {
        let path = try makeConflictedMerge(in: sandbox)
        let repository = try Repository.open(at: path)
        let index = try repository.index()
        let resolved = try repository.writeBlob(Array("# Plan\nstage: customer\nowner: ann\n".utf8))
        try index.add(path: "plan.md", blob: resolved)
        try index.remove(path: "owner.md")
        #expect(index.hasConflicts == false)
        try index.write()

        #expect(try sandbox.git("ls-files", "-u", in: path).text == "")
        #expect(try sandbox.git("ls-files", "-s", "plan.md", in: path).line == "100644 \(resolved.hex) 0\tplan.md")
        #expect(try sandbox.git("ls-files", "owner.md", in: path).text == "")
    }

    @Test func reloadSeesChangesMadeByGit() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/a.md", "a\n")
        let index = try Repository.open(at: path).index()
        #expect(index.entries.isEmpty)
        try sandbox.git("add", "a.md", in: path)
        try index.reload(force: true)
        #expect(index.entries.map(\.path) == ["a.md"])
    }

    @Test func addFromWorkingTreeAndRemoveMatchGit() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/a.md", "a\n")
        try Files.write(path + "/b.md", "b\n")
        let index = try Repository.open(at: path).index()
        try index.addFromWorkingTree(path: "a.md")
        try index.addFromWorkingTree(path: "b.md")
        try index.remove(path: "b.md")
        try index.write()
        #expect(try sandbox.git("ls-files", "-s", in: path).lines
            == ["100644 \(try sandbox.git("hash-object", "a.md", in: path).line) 0\ta.md"])
        #expect((#expect(throws: GitError.self) { try index.addFromWorkingTree(path: "missing.md") })?.subject == "missing.md")
    }

    @Test func inMemoryIndexWriteTreeMatchesMktree() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        let repository = try Repository.open(at: path)
        let index = try repository.makeInMemoryIndex()
        let blob = try repository.writeBlob(Array("x\n".utf8))
        try index.add(path: "z.md", blob: blob)
        try index.add(path: "a.md", blob: blob)
        let tree = try index.writeTree(to: repository)
        let expected = try sandbox.git(
            "mktree", in: path, input: Array("100644 blob \(blob.hex)\ta.md\n100644 blob \(blob.hex)\tz.md\n".utf8)
        ).line
        #expect(tree.hex == expected)
        // Building it did not touch the repository's own index.
        #expect(try sandbox.git("ls-files", in: path).text == "")
    }
}
