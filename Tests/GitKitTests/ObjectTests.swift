import Foundation
import Testing
@testable import GitKit

@Suite struct ObjectTests {
    let sandbox: Sandbox
    let path: String

    /// A repository committed by the CLI: nested folders, an executable, a symbolic link,
    /// an empty file and a binary file.
    init() throws {
        sandbox = try Sandbox()
        path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/README.md", "# Plans\n")
        try Files.write(path + "/accounts/emea/acme.md", "owner: ann\n")
        try Files.write(path + "/accounts/emea/empty.md", "")
        try Files.write(path + "/accounts/us/globex.md", "owner: bob\n")
        try Files.write(path + "/logo.bin", [0, 1, 2, 255, 0, 10, 13, 0])
        try Files.write(path + "/bin/sync", "#!/bin/sh\n")
        chmod(path + "/bin/sync", 0o755)
        symlink("accounts/emea/acme.md", path + "/current")
        try sandbox.commitWithCLI(path, "fixture")
    }

    func headTree(_ repository: Repository) throws -> ObjectID {
        try repository.commit(try #require(try repository.headCommitID())).treeID
    }

    @Test(arguments: ["README.md", "accounts/emea/acme.md", "accounts/emea/empty.md", "logo.bin", "bin/sync", "current"])
    func readsBlobByPathLikeCatFile(file: String) throws {
        let repository = try Repository.open(at: path)
        let entry = try #require(try repository.treeEntry(at: file, inTree: headTree(repository)))
        let expected = try sandbox.git("cat-file", "blob", "HEAD:" + file, in: path).stdout
        #expect(entry.kind == .blob)
        #expect(entry.id.hex == (try sandbox.git("rev-parse", "HEAD:" + file, in: path).line))
        #expect(try repository.blobData(entry.id) == expected)
        #expect(try repository.blobSize(entry.id) == Int(try sandbox.git("cat-file", "-s", "HEAD:" + file, in: path).line))
        #expect(entry.path == file)
        #expect(entry.name == (file as NSString).lastPathComponent)
    }

    @Test func entryKindsAndModesMatchLsTree() throws {
        let repository = try Repository.open(at: path)
        let tree = try headTree(repository)
        let link = try #require(try repository.treeEntry(at: "current", inTree: tree))
        #expect(link.isSymbolicLink)
        #expect(link.mode == 0o120000)
        #expect(try repository.blobData(link.id) == Array("accounts/emea/acme.md".utf8))
        #expect(try repository.treeEntry(at: "bin/sync", inTree: tree)?.mode == 0o100755)
        let folder = try #require(try repository.treeEntry(at: "accounts/emea", inTree: tree))
        #expect(folder.kind == .tree)
        #expect(folder.mode == 0o040000)
        #expect(folder.path == "accounts/emea")
        #expect(folder.id.hex == (try sandbox.git("rev-parse", "HEAD:accounts/emea", in: path).line))
    }

    @Test(arguments: ["missing.md", "accounts/missing.md", "README.md/below", "nope/deeper/x"])
    func missingPathIsNil(file: String) throws {
        let repository = try Repository.open(at: path)
        #expect(try repository.treeEntry(at: file, inTree: headTree(repository)) == nil)
    }

    @Test func recursiveListingMatchesLsTree() throws {
        let repository = try Repository.open(at: path)
        let listed = try repository.treeEntries(headTree(repository), recursive: true)
        let expected = try sandbox.git("ls-tree", "-r", "-t", "HEAD", in: path).lines
        #expect(listed.map(Self.lsTreeLine) == expected)
    }

    @Test func flatListingOfFolderMatchesLsTree() throws {
        let repository = try Repository.open(at: path)
        let tree = try headTree(repository)
        #expect(try repository.treeEntries(tree).map(Self.lsTreeLine) == (try sandbox.git("ls-tree", "HEAD", in: path).lines))
        let expected = try sandbox.git("ls-tree", "HEAD", "accounts/", in: path).lines
        #expect(try repository.treeEntries(tree, under: "accounts").map(Self.lsTreeLine) == expected)
        // With -t, git also lists the folder named on the command line itself: drop it.
        let deep = try sandbox.git("ls-tree", "-r", "-t", "HEAD", "accounts/", in: path).lines
            .filter { !$0.hasSuffix("\taccounts") }
        #expect(try repository.treeEntries(tree, under: "accounts", recursive: true).map(Self.lsTreeLine) == deep)
        #expect(try repository.treeEntries(tree, under: "README.md").isEmpty)
        #expect(try repository.treeEntries(tree, under: "missing").isEmpty)
    }

    @Test(arguments: [[UInt8](), Array("hello\n".utf8), [0, 0, 255, 13, 10], Array("no newline".utf8)])
    func writeBlobMatchesHashObject(bytes: [UInt8]) throws {
        let repository = try Repository.open(at: path)
        let id = try repository.writeBlob(bytes)
        #expect(id.hex == (try sandbox.git("hash-object", "--stdin", in: path, input: bytes).line))
        #expect(try sandbox.git("cat-file", "blob", id.hex, in: path).stdout == bytes)
        #expect(try repository.blobData(id) == bytes)
    }

    @Test func readingAMissingObjectIsNotFound() throws {
        let repository = try Repository.open(at: path)
        let missing = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        #expect((#expect(throws: GitError.self) { try repository.blobData(missing) })?.code == .notFound)
        #expect((#expect(throws: GitError.self) { try repository.commit(missing) })?.code == .notFound)
        #expect((#expect(throws: GitError.self) { try repository.treeEntries(missing) })?.code == .notFound)
    }

    @Test func objectIDParsesOnlyFullHex() throws {
        let hex = try sandbox.git("rev-parse", "HEAD", in: path).line
        let id = try #require(ObjectID(hex: hex))
        #expect(id.hex == hex)
        #expect(id.short == String(hex.prefix(7)))
        #expect(id.isZero == false)
        #expect(ObjectID(hex: String(hex.prefix(39))) == nil)
        #expect(ObjectID(hex: String(repeating: "g", count: 40)) == nil)
        #expect(ObjectID(hex: String(repeating: "0", count: 40))?.isZero == true)
        #expect(Set([id, try #require(ObjectID(hex: hex.uppercased()))]).count == 1)
    }

    /// `git ls-tree` line: "<mode> <type> <id>\t<path>".
    static func lsTreeLine(_ entry: TreeEntry) -> String {
        let mode = String(entry.mode, radix: 8)
        let padded = String(repeating: "0", count: max(0, 6 - mode.count)) + mode
        let type: String
        switch entry.kind {
        case .blob: type = "blob"
        case .tree: type = "tree"
        case .commit: type = "commit"
        case .other: type = "?"
        }
        return "\(padded) \(type) \(entry.id.hex)\t\(entry.path)"
    }
}

@Suite struct TreePathTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    @Test func folderWithTrailingSlashListsLikeWithout() throws {
        let path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/accounts/emea/acme.md", "a\n")
        try Files.write(path + "/accounts/b.md", "b\n")
        try sandbox.commitWithCLI(path, "fixture")
        let repository = try Repository.open(at: path)
        let tree = try repository.commit(try #require(try repository.headCommitID())).treeID
        let plain = try repository.treeEntries(tree, under: "accounts", recursive: true)
        #expect(plain.map(\.path) == ["accounts/b.md", "accounts/emea", "accounts/emea/acme.md"])
        #expect(try repository.treeEntries(tree, under: "accounts/", recursive: true) == plain)
        #expect(try repository.treeEntries(tree, under: "", recursive: false).map(\.path) == ["accounts"])
    }
}
