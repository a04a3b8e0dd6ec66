import ABMCore
import ABMTestSupport
import Foundation
import GitKit
import Testing

@testable import ABMSync

/// What the sources list and fingerprint: the staged source against `git ls-files`, the working
/// tree with its plan folders listed once against listing them on every call.
@Suite(.serialized) struct SourceTests {
    init() { GitIsolation.apply() }

    /// A plan repository with files abmsync reads and files it leaves alone.
    func repository(_ temp: TemporaryDirectory) throws -> String {
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: 1\n")
        temp.write("plans/accounts/acme.md", "# Acme\n")
        temp.write("plans/accounts/café.md", "# Café\n")
        temp.write("plans/accounts/notes.txt", "notes\n")
        temp.write("plans/accounts/sub/deep.md", "# Deep\n")
        temp.write("plans/clusters/fintech.md", "# Fintech\n")
        temp.write("plans/other/x.md", "# X\n")
        temp.write("plans/README.md", "readme\n")
        try FileManager.default.createSymbolicLink(atPath: temp.file("plans/accounts/link.md"), withDestinationPath: "acme.md")
        return root
    }

    @Test func theStagedSourceFingerprintsWhatTheIndexHolds() throws {
        let temp = TemporaryDirectory()
        let root = try repository(temp)
        GitCLI.run(["add", "-A"], in: root)
        let source = try StagedSource(repository: try PlanRepository.locate(from: root).git)

        // `git ls-files -s`: mode, blob id, stage, path. abmsync reads the three lists and the files
        // directly inside the plan folders; regular files get a fingerprint.
        var expected: [String: String] = [:]
        for line in GitCLI.run(["ls-files", "-s", "-z"], in: root).stdout.split(separator: "\0") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            let meta = fields[0].split(separator: " ")
            let path = String(fields[1])
            let folder = path.split(separator: "/")
            let read = WorkspaceFile.isPlanData(path) || (folder.count == 2 && ["accounts", "clusters", "programs"].contains(folder[0]))
            if read, meta[0] == "100644" || meta[0] == "100755" { expected[path] = String(meta[1]) }
        }
        #expect(expected.keys.contains("accounts/café.md") && expected.keys.contains("accounts/notes.txt"))
        var fingerprints: [String: String] = [:]
        for path in source.fingerprints.paths { fingerprints[path] = source.fingerprints[path] }
        #expect(fingerprints == expected)

        // Every file directly inside a plan folder, hidden ones too (the loader takes the plans).
        #expect(try source.list("accounts") == [".gitkeep", "acme.md", "café.md", "link.md", "notes.txt"])
        #expect(
            try source.paths(in: "accounts") == [
                "accounts/.gitkeep", "accounts/acme.md", "accounts/café.md", "accounts/link.md", "accounts/notes.txt",
            ])
        #expect(try source.paths(in: "clusters") == ["clusters/.gitkeep", "clusters/fintech.md"])
        #expect(try source.list("programs") == [".gitkeep"])
        #expect(try source.read("accounts/café.md") == Array("# Café\n".utf8))
        #expect(try source.read("accounts/missing.md") == nil)
        #expect(throws: SourceError.self) { try source.read("accounts/link.md") }
    }

    @Test func listingThePlanFoldersOnceChangesNothing() throws {
        let temp = TemporaryDirectory()
        let root = try repository(temp)
        // A plan folder that is a symbolic link cannot be listed, either way.
        try FileManager.default.removeItem(atPath: temp.file("plans/programs"))
        try FileManager.default.createSymbolicLink(atPath: temp.file("plans/programs"), withDestinationPath: "clusters")
        let everyCall = WorkingTreeSource(root: root)
        let once = everyCall.listingPlanFolders()
        for folder in ["accounts", "clusters", "programs", "other", "missing"] {
            let a = Result(catching: { () throws(SourceError) -> [String] in try everyCall.list(folder) })
            let b = Result(catching: { () throws(SourceError) -> [String] in try once.list(folder) })
            #expect(a == b, "\(folder)")
            let c = Result(catching: { () throws(SourceError) -> [String] in try everyCall.paths(in: folder) })
            let d = Result(catching: { () throws(SourceError) -> [String] in try once.paths(in: folder) })
            #expect(c == d, "\(folder)")
        }
        // Folders too (a folder named like a plan is reported), hidden files not.
        #expect(
            try once.paths(in: "accounts") == [
                "accounts/acme.md", "accounts/café.md", "accounts/link.md", "accounts/notes.txt", "accounts/sub",
            ])

        let a = everyCall.fingerprints(racyWindow: 0)
        let b = once.fingerprints(racyWindow: 0)
        #expect(a.paths == b.paths)
        #expect(a.paths.allSatisfy { a[$0] == b[$0] })
        // Regular plan data only: no link, no other file, nothing deeper.
        #expect(Set(a.paths) == ["abmsync.yaml", "team.yaml", "accounts.yaml", "accounts/acme.md", "accounts/café.md", "clusters/fintech.md"])
        // The stat data, as it always was written.
        var info = stat()
        #expect(lstat(temp.file("plans/accounts/café.md"), &info) == 0)
        #expect(
            a["accounts/café.md"]
                == "stat:\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mode):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
        )
        // Files changed within the racy window get none.
        #expect(once.fingerprints(racyWindow: 3600).isEmpty)
    }
}
