import ABMTestSupport
import Foundation
import Testing

@testable import GitKit

/// Cloning a shared repository that is a folder on this machine (a mounted share, a teammate's
/// folder), given as a path or as a `file://` URL: the clone is a complete repository of its own,
/// its origin is the address given, and nothing done to the clone's files can reach the shared
/// folder. Checked with the git CLI.
@Suite(.serialized)
struct LocalCloneTests {
    /// A shared repository with history in a pack and one newer commit as loose objects, in a
    /// folder whose name needs percent-encoding in a URL.
    private func makeSharedRepository(_ sandbox: TransportSandbox) throws -> String {
        let bare = try sandbox.makeSeededBareRepository(at: sandbox.sub("team share/plans.git"))
        let work = sandbox.sub("work")
        try sandbox.git.run(["clone", "-q", bare, work])
        for number in 1...3 {
            try "plan \(number)\n".write(toFile: work + "/plan.md", atomically: true, encoding: .utf8)
            try sandbox.git.run(["add", "plan.md"], in: work)
            try sandbox.git.run(["commit", "-q", "-m", "plan \(number)"], in: work)
        }
        try sandbox.git.run(["push", "-q", "origin", "main"], in: work)
        try sandbox.git.run(["--git-dir", bare, "repack", "-q", "-a", "-d"])
        try "plan 4\n".write(toFile: work + "/plan.md", atomically: true, encoding: .utf8)
        try sandbox.git.run(["commit", "-q", "-am", "plan 4"], in: work)
        try sandbox.git.run(["push", "-q", "origin", "main"], in: work)  // 3 objects: unpacked, loose
        return bare
    }

    private static func address(_ form: String, of folder: String) -> String {
        let encoded = folder.replacingOccurrences(of: " ", with: "%20")
        switch form {
        case "path": return folder
        case "file://": return "file://" + encoded
        default: return "file://localhost" + encoded  // "file://localhost/"
        }
    }

    /// Regular files under `folder`, recursively.
    private func files(under folder: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var found: [String] = []
        while let name = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder), !isFolder.boolValue {
                found.append(folder + "/" + name)
            }
        }
        return found.sorted()
    }

    private func linkCount(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_nlink) : -1
    }

    @Test(arguments: ["path", "file://", "file://localhost/"])
    func cloneOfAFolderIsACompleteIndependentRepository(form: String) throws {
        let sandbox = try TransportSandbox()
        let shared = try makeSharedRepository(sandbox)
        let url = Self.address(form, of: shared)
        let clone = try Repository.clone(from: url, to: sandbox.sub("mine"), options: RemoteOptions(credentials: []))

        // A correct repository with the whole history, checked out, tracking the address given.
        let git = sandbox.git
        try git.run(["-C", sandbox.sub("mine"), "fsck", "--strict", "--no-progress", "--no-dangling"])
        #expect(try git.run(["-C", sandbox.sub("mine"), "log", "--format=%s"]) == "plan 4\nplan 3\nplan 2\nplan 1\nseed")
        #expect(try git.run(["-C", sandbox.sub("mine"), "status", "--porcelain"]) == "")
        #expect(try clone.configString("remote.origin.url") == url)
        #expect(try clone.configString("branch.main.remote") == "origin")
        #expect(try clone.referenceTarget("refs/remotes/origin/main") == clone.referenceTarget("refs/heads/main"))

        // No object file is shared with the shared folder (git clone hard-links them for a path).
        let objects = files(under: sandbox.sub("mine/.git/objects"))
        #expect(!objects.isEmpty)
        for file in objects { #expect(linkCount(file) == 1, "\(file) is hard-linked") }

        // Damage done to the clone's files stays in the clone.
        for file in objects where file.hasSuffix(".pack") || file.contains("/objects/") && !file.contains("/pack/") {
            chmod(file, 0o644)
            try Data("damaged".utf8).write(to: URL(fileURLWithPath: file))  // in place: same inode
        }
        try git.run(["--git-dir", shared, "fsck", "--strict", "--no-progress", "--no-dangling"])

        // The objects were copied, not packed again: the shared repository's pack arrived as it is
        // (libgit2's default for file:// builds a new pack of the whole history in-process, a
        // delta search over every version of every file: seconds and hundreds of MB for a team's
        // plans with history).
        let sharedPacks = files(under: shared + "/objects/pack").map { ($0 as NSString).lastPathComponent }
        let clonePacks = objects.filter { $0.contains("/pack/") }.map { ($0 as NSString).lastPathComponent }
        #expect(clonePacks == sharedPacks)
    }

    /// A shared repository that borrows objects from another one (`objects/info/alternates`, as
    /// `git clone --shared` makes): the clone holds every object itself and keeps working when the
    /// other repository is gone.
    @Test(arguments: ["path", "file://"])
    func cloneOfARepositoryThatBorrowsObjectsHoldsThemAll(form: String) throws {
        let sandbox = try TransportSandbox()
        let lender = try makeSharedRepository(sandbox)
        let shared = sandbox.sub("borrower.git")
        try sandbox.git.run(["clone", "-q", "--bare", "--shared", lender, shared])
        #expect(FileManager.default.fileExists(atPath: shared + "/objects/info/alternates"))

        let url = Self.address(form, of: shared)
        _ = try Repository.clone(from: url, to: sandbox.sub("mine"), options: RemoteOptions(credentials: []))
        #expect(!FileManager.default.fileExists(atPath: sandbox.sub("mine/.git/objects/info/alternates")))
        try FileManager.default.moveItem(atPath: sandbox.sub("team share"), toPath: sandbox.sub("gone"))

        let git = sandbox.git
        try git.run(["-C", sandbox.sub("mine"), "fsck", "--strict", "--no-progress", "--no-dangling"])
        #expect(try git.run(["-C", sandbox.sub("mine"), "rev-list", "--count", "HEAD"]) == "5")
        let reopened = try Repository.open(at: sandbox.sub("mine"))
        #expect(try reopened.configString("remote.origin.url") == url)
    }

    @Test func localFolderOfAnAddress() {
        #expect(localFolder(of: "/srv/plans.git") == "/srv/plans.git")
        #expect(localFolder(of: "../plans") == "../plans")
        #expect(localFolder(of: "file:///srv/team%20share/plans.git") == "/srv/team share/plans.git")
        #expect(localFolder(of: "file://localhost/srv/plans.git") == "/srv/plans.git")
        #expect(localFolder(of: "file://fileserver/plans.git") == nil)
        #expect(localFolder(of: "file:///srv/bad%zzname") == nil)
        #expect(localFolder(of: "https://example.com/plans.git") == nil)
        #expect(localFolder(of: "git@github.com:acme/plans.git") == nil)
    }
}
