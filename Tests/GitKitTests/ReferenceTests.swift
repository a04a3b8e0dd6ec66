import Foundation
import Testing
@testable import GitKit

@Suite struct ReferenceTests {
    let sandbox: Sandbox
    let path: String
    let first: String
    let second: String

    init() throws {
        sandbox = try Sandbox()
        path = try sandbox.makeRepositoryWithCLI()
        try Files.write(path + "/a.md", "1\n")
        first = try sandbox.commitWithCLI(path, "one")
        try Files.write(path + "/a.md", "2\n")
        second = try sandbox.commitWithCLI(path, "two")
    }

    func id(_ hex: String) throws -> ObjectID { try #require(ObjectID(hex: hex)) }

    @Test func createsAndMovesBranchLikeGitSeesIt() throws {
        let repository = try Repository.open(at: path)
        try repository.setReference("refs/heads/feature", to: try id(first), logMessage: "abmsync: create")
        #expect(try sandbox.git("rev-parse", "refs/heads/feature", in: path).line == first)
        try repository.setReference("refs/heads/feature", to: try id(second), expected: try id(first), logMessage: "abmsync: advance")
        #expect(try sandbox.git("rev-parse", "refs/heads/feature", in: path).line == second)
        #expect(try repository.referenceTarget("refs/heads/feature")?.hex == second)
        #expect(try sandbox.git("reflog", "show", "--format=%gs", "refs/heads/feature", in: path).lines
            == ["abmsync: advance", "abmsync: create"])
    }

    @Test func expectedOldValueRefusesWhenTheReferenceMoved() throws {
        let repository = try Repository.open(at: path)
        // Somebody else moved main back to the first commit meanwhile.
        try sandbox.git("update-ref", "refs/heads/main", first, in: path)
        let error = #expect(throws: GitError.self) {
            try repository.setReference("refs/heads/main", to: try id(second), expected: try id(second), logMessage: "stale")
        }
        #expect(error?.code == .modified)
        #expect(error?.subject == "refs/heads/main")
        #expect(try sandbox.git("rev-parse", "refs/heads/main", in: path).line == first)
    }

    @Test func expectedOldValueOnAMissingReferenceIsRefused() throws {
        let repository = try Repository.open(at: path)
        #expect(throws: GitError.self) {
            try repository.setReference("refs/heads/ghost", to: try id(second), expected: try id(first), logMessage: "x")
        }
        #expect(try sandbox.git.run(["rev-parse", "--verify", "-q", "refs/heads/ghost"], in: path).status != 0)
    }

    @Test func headReferenceNameOnUnbornBranchMadeByGit() throws {
        let unborn = try sandbox.makeRepositoryWithCLI("unborn")
        try sandbox.git("symbolic-ref", "HEAD", "refs/heads/plans/2025", in: unborn)
        let repository = try Repository.open(at: unborn)
        #expect(repository.isHeadUnborn)
        #expect(try repository.headReferenceName() == "refs/heads/plans/2025")
        #expect(try repository.currentBranch() == "plans/2025")
        #expect(try repository.headCommitID() == nil)
        #expect(try repository.referenceTarget("HEAD") == nil)
    }

    @Test func detachedHeadHasNoBranch() throws {
        try sandbox.git("checkout", "-q", "--detach", first, in: path)
        let repository = try Repository.open(at: path)
        #expect(try repository.headReferenceName() == nil)
        #expect(try repository.currentBranch() == nil)
        #expect(try repository.headCommitID()?.hex == first)
    }

    @Test func setHeadSwitchesBranchWithoutTouchingFiles() throws {
        try sandbox.git("branch", "older", first, in: path)
        let repository = try Repository.open(at: path)
        try repository.setHead("refs/heads/older")
        #expect(try sandbox.git("symbolic-ref", "HEAD", in: path).line == "refs/heads/older")
        #expect(try Files.read(path + "/a.md") == Array("2\n".utf8))
        #expect((#expect(throws: GitError.self) { try repository.setHead("refs/tags/none") }) != nil)
    }

    @Test func listsAndDeletesReferencesLikeForEachRef() throws {
        try sandbox.git("branch", "older", first, in: path)
        try sandbox.git("branch", "team/emea", second, in: path)
        try sandbox.git("tag", "v1", first, in: path)
        let repository = try Repository.open(at: path)
        let listed = try repository.references(withPrefix: "refs/heads/").map { "\($0.name) \($0.target.hex)" }
        let expected = try sandbox.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/", in: path).lines
        #expect(listed.sorted() == expected.sorted())

        try repository.deleteReference("refs/heads/older")
        try repository.deleteReference("refs/heads/never-existed")
        #expect(try sandbox.git("for-each-ref", "--format=%(refname)", "refs/heads/", in: path).lines
            == ["refs/heads/main", "refs/heads/team/emea"])
        #expect(try repository.referenceTarget("refs/heads/older") == nil)
        #expect(try repository.referenceTarget("refs/tags/v1")?.hex == first)
    }
}

@Suite struct HistoryTests {
    let sandbox: Sandbox
    let path: String

    /// main: A - B - C - M(merge of side) - D;  side: B - S1 - S2;  topic: C - T1 - T2 - T3;
    /// other: X (no shared history). Built by one `git fast-import` run: fast and CLI-made.
    init() throws {
        sandbox = try Sandbox()
        path = try sandbox.makeRepositoryWithCLI()
        // (name, branch, parents by name); each commit adds <name>.md.
        let graph: [(String, String, [String])] = [
            ("A", "main", []), ("B", "main", ["A"]), ("C", "main", ["B"]),
            ("S1", "side", ["B"]), ("S2", "side", ["S1"]),
            ("T1", "topic", ["C"]), ("T2", "topic", ["T1"]), ("T3", "topic", ["T2"]),
            ("M", "main", ["C", "S2"]), ("D", "main", ["M"]), ("X", "other", []),
        ]
        var stream = ""
        for (number, (name, branch, parents)) in graph.enumerated() {
            let marks = parents.map { parent in 1 + (graph.firstIndex { $0.0 == parent } ?? 0) }
            stream += "commit refs/heads/\(branch)\nmark :\(number + 1)\n"
            stream += "committer \(GitCLI.committerName) <\(GitCLI.committerEmail)> \(GitCLI.time + Int64(number)) +0000\n"
            stream += "data \(name.utf8.count)\n\(name)\n"
            if let first = marks.first { stream += "from :\(first)\n" }
            for other in marks.dropFirst() { stream += "merge :\(other)\n" }
            stream += "M 100644 inline \(name).md\ndata \(name.utf8.count + 1)\n\(name)\n\n"
        }
        try sandbox.git("fast-import", "--quiet", in: path, input: Array(stream.utf8))
    }

    /// (local, upstream) pairs; one test loops over them so the graph is built once.
    static let pairs: [(String, String)] = [
        ("main", "side"), ("side", "main"), ("main", "topic"), ("topic", "main"), ("side", "topic"),
        ("main", "main"), ("main", "main~2"), ("main~1^2", "topic~1"), ("side~1", "main"),
    ]

    @Test func aheadBehindMatchesRevListLeftRightCount() throws {
        let repository = try Repository.open(at: path)
        for (local, upstream) in Self.pairs {
            let counts = try sandbox.git("rev-list", "--left-right", "--count", "\(local)...\(upstream)", in: path)
                .line.split(separator: "\t").map { Int($0) }
            let result = try repository.aheadBehind(
                local: try repository.resolveCommit(local), upstream: try repository.resolveCommit(upstream))
            #expect([result.ahead, result.behind] == counts, "\(local)...\(upstream)")
        }
    }

    @Test func mergeBaseMatchesGit() throws {
        let repository = try Repository.open(at: path)
        for (a, b) in Self.pairs {
            let base = try repository.mergeBase(try repository.resolveCommit(a), try repository.resolveCommit(b))
            #expect(base?.hex == (try sandbox.git("merge-base", a, b, in: path).line), "\(a) \(b)")
        }
    }

    @Test func unrelatedHistoriesHaveNoMergeBase() throws {
        let repository = try Repository.open(at: path)
        #expect(try sandbox.git.run(["merge-base", "main", "other"], in: path).status == 1)
        #expect(try repository.mergeBase(try repository.resolveCommit("main"), try repository.resolveCommit("other")) == nil)
        let counts = try sandbox.git("rev-list", "--left-right", "--count", "main...other", in: path).line
        let result = try repository.aheadBehind(
            local: try repository.resolveCommit("main"), upstream: try repository.resolveCommit("other"))
        #expect("\(result.ahead)\t\(result.behind)" == counts)
    }

    @Test func logOfMergeHistoryMatchesRevListTopoOrderSet() throws {
        let repository = try Repository.open(at: path)
        let log = try repository.log(from: try repository.resolveCommit("main"))
        let expected = try sandbox.git("rev-list", "--topo-order", "main", in: path).lines
        #expect(log.count == expected.count)
        #expect(Set(log.map(\.id.hex)) == Set(expected))
        #expect(log.first?.summary == "D")
        #expect(log.last?.summary == "A")
        // Topological: every commit comes before its parents.
        let position = Dictionary(uniqueKeysWithValues: log.enumerated().map { ($0.element.id, $0.offset) })
        for commit in log {
            for parent in commit.parentIDs { #expect(try #require(position[parent]) > position[commit.id]!) }
        }
    }
}
