@testable import ABMCore
import ABMSync
import Foundation
import Testing

/// The merge kinds a team does to its files in a quarter, one folder each under `Fixtures/merge/<case>/`:
/// `base`, `ours`, `theirs` and `expected` (`.md`, merged as the plan `accounts/acme-corp.md`, or `.yaml`,
/// merged as `accounts.yaml`) and `conflicts.txt` (`clean`, or one line per conflict: its marker line and
/// its summary). Rerecord with `ABMSYNC_RECORD=1`; recording still fails the test so that it gets reviewed.
@Suite struct MergeFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/merge")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    struct Case {
        var name: String
        var path: String
        var ext: String
        var base: String
        var ours: String
        var theirs: String

        init(_ name: String) throws {
            self.name = name
            let folder = MergeFixtureTests.root.appendingPathComponent(name)
            let ext = FileManager.default.fileExists(atPath: folder.appendingPathComponent("base.md").path) ? "md" : "yaml"
            self.ext = ext
            path = ext == "md" ? "accounts/acme-corp.md" : "accounts.yaml"
            func read(_ file: String) throws -> String {
                String(decoding: try Data(contentsOf: folder.appendingPathComponent("\(file).\(ext)")), as: UTF8.self)
            }
            base = try read("base")
            ours = try read("ours")
            theirs = try read("theirs")
        }

        func url(_ file: String) -> URL { MergeFixtureTests.root.appendingPathComponent(name).appendingPathComponent(file) }
    }

    static func conflictsText(_ outcome: MergeOutcome) -> String {
        if outcome.isClean { return "clean\n" }
        return outcome.conflicts.map { "line \($0.line): \($0.summary)\n" }.joined()
    }

    @Test(arguments: cases) func mergeCase(_ name: String) throws {
        let fixture = try Case(name)
        let outcome = merge(fixture.path, base: fixture.base, ours: fixture.ours, theirs: fixture.theirs)
        let expectedURL = fixture.url("expected.\(fixture.ext)")
        let conflictsURL = fixture.url("conflicts.txt")
        if ProcessInfo.processInfo.environment["ABMSYNC_RECORD"] != nil {
            try Data(outcome.text.utf8).write(to: expectedURL)
            try Data(Self.conflictsText(outcome).utf8).write(to: conflictsURL)
            Issue.record("recorded \(name); review it, then run again without ABMSYNC_RECORD")
            return
        }
        let expected = String(decoding: try Data(contentsOf: expectedURL), as: UTF8.self)
        let conflicts = String(decoding: try Data(contentsOf: conflictsURL), as: UTF8.self)
        #expect(outcome.text == expected, "\(name): merged text")
        #expect(Self.conflictsText(outcome) == conflicts, "\(name): conflicts")
        #expect(outcome.lineMergeFallback == nil, "\(name): \(outcome.lineMergeFallback ?? "")")
        // Either side first: the same data, the same number of conflicts.
        let swapped = merge(fixture.path, base: fixture.base, ours: fixture.theirs, theirs: fixture.ours)
        #expect(swapped.conflicts.count == outcome.conflicts.count, "\(name): conflicts with the sides swapped")
        // The fast path (accounts.yaml) must agree with the plain one.
        let plain = StructuredMerge.merge(
            path: fixture.path, base: fixture.base, ours: fixture.ours, theirs: fixture.theirs,
            lineMerger: GitLineMerger(), fastPath: false)
        #expect(plain == outcome, "\(name): fast path and plain path differ")
    }
}
