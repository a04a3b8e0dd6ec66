import ABMTestSupport
import Foundation
import Testing

/// The speed layer (module ABMCache) changes nothing a person sees: every validate output (text,
/// json, github; working tree, `--staged`, `--rev`) and `status` are byte for byte what the plain
/// path prints (`ABMSYNC_NO_CACHE=1`), with the same exit code, with no cache yet (cold), with the
/// cache of the same files (warm), and with the cache of the files before a round of edits
/// (incremental), on several repositories: freshly made, with mistakes, after edits that shift
/// lines, with files that cannot be read.
@Suite struct NoCacheDifferentialTests {
    static let commands: [[String]] = {
        var commands: [[String]] = []
        for scope in [[], ["--staged"], ["--rev", "HEAD"]] {
            for format in [[], ["--format", "json"], ["--format", "github"]] { commands.append(["validate"] + scope + format) }
        }
        return commands + [["status"]]
    }()

    static func run(_ arguments: [String], in root: String, plain: Bool) -> ProcessOutput {
        var environment = GitCLI.environment(home: root)
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        environment["ABMSYNC_NO_CACHE"] = plain ? "1" : "0"
        return runProcess(CLITests.binary, arguments, in: root, environment: environment)
    }

    /// What every command prints by the plain path.
    static func plain(_ root: String) -> [ProcessOutput] { commands.map { run($0, in: root, plain: true) } }

    /// Every command run by the cached path prints what the plain path prints now.
    static func expectSame(_ root: String, _ round: String, expected: [ProcessOutput]? = nil) {
        let expected = expected ?? plain(root)
        for (command, plain) in zip(commands, expected) {
            let cached = run(command, in: root, plain: false)
            let name = "\(round): abmsync \(command.joined(separator: " "))"
            #expect(cached.status == plain.status, "\(name)\n\(cached.combined)")
            #expect(cached.stdout == plain.stdout, "\(name)")
            #expect(cached.stderr == plain.stderr, "\(name)")
        }
    }

    enum Scenario: String, CaseIterable, CustomTestStringConvertible {
        case fresh, mistakes, shiftedLines, unreadable
        var testDescription: String { rawValue }
    }

    /// Writes `text` (nil: removes the file) under the repository.
    static func apply(_ edits: [String: String?], in temp: TemporaryDirectory) {
        for (path, text) in edits {
            if let text { temp.write("p/" + path, text) } else { try? FileManager.default.removeItem(atPath: temp.file("p/" + path)) }
        }
    }

    static func commit(_ root: String, _ message: String) {
        GitCLI.run(["add", "-A"], in: root)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", message], in: root)
    }

    @Test(arguments: Scenario.allCases) func cachedRunsPrintWhatThePlainPathPrints(_ scenario: Scenario) throws {
        let temp = TemporaryDirectory()
        let root = temp.file("p")
        let made = CLITests.abmsync(["init", "p"], in: temp.path)
        try #require(made.status == 0, "\(made.combined)")
        var generator = SampleRepository(seed: 7)
        if scenario != .fresh {
            for (path, text) in generator.files(accounts: 60) { temp.write("p/" + path, text) }
            Self.commit(root, "generated")
        }
        // Files changed in the last 2 seconds are always read: let them settle, so the warm runs of
        // the working tree reuse records too.
        Thread.sleep(forTimeInterval: 2.2)
        let cache = root + "/.git/abmsync"

        let expected = Self.plain(root)
        #expect(!FileManager.default.fileExists(atPath: cache), "ABMSYNC_NO_CACHE=1 writes no cache")
        if scenario != .fresh {
            #expect(expected.contains { $0.status == 1 } && expected.contains { $0.stdout.contains("warning") })
            // accounts.yaml reads (its entries have findings of their own), and some plans do not.
            #expect(expected[1].stdout.contains("\"rule\": \"review-overdue\""), "\(expected[1].stdout)")
            #expect(expected[1].stdout.contains("\"rule\": \"yaml-syntax\""))
        }
        Self.expectSame(root, "cold", expected: expected)
        #expect(FileManager.default.fileExists(atPath: cache + "/cache-v1"))
        #expect(FileManager.default.fileExists(atPath: cache + "/tree-cache-v1"))
        Self.expectSame(root, "warm", expected: expected)

        switch scenario {
        case .fresh:
            // The first account, staged, then committed.
            var list = temp.read("p/accounts.yaml") ?? ""
            list += list.contains("accounts: {}") ? "" : "\n"
            list = list.replacingOccurrences(of: "accounts: {}", with: "accounts:")
            list += "  first-co:\n    name: First Co\n    tier: 3\n    program: nowhere\n"
            temp.write("p/accounts.yaml", list)
            GitCLI.run(["add", "accounts.yaml"], in: root)
            Self.expectSame(root, "first account staged")
            Self.commit(root, "first")
            Self.expectSame(root, "first account committed")
        case .mistakes:
            // A round of edits on top of the warm cache: an owner change, a plan's text, a new broken
            // account, a plan removed, a flow-style entry (accounts.yaml then parsed whole); some
            // staged, some committed, some only in the working tree.
            Self.apply(generator.edits(of: temp, root: "p"), in: temp)
            GitCLI.run(["add", "accounts.yaml", "accounts"], in: root)
            Self.expectSame(root, "after edits")
            GitCLI.run(["commit", "-q", "--no-verify", "-am", "edits"], in: root)
            Self.expectSame(root, "after the commit")
            Self.expectSame(root, "warm after the commit")
        case .shiftedLines:
            // Lines added above every entry and every front-matter field: each finding the memo keeps
            // must move with its entry; then lines removed in the middle (entries below move up).
            Self.apply(generator.shiftingEdits(of: temp, root: "p", adding: true), in: temp)
            GitCLI.run(["add", "accounts.yaml"], in: root)
            #expect(Self.run(["validate", "--staged", "--format", "json"], in: root, plain: true).stdout.contains("aaa-first"))
            Self.expectSame(root, "lines added (accounts.yaml staged)")
            Self.commit(root, "lines added")
            Self.expectSame(root, "lines added, committed")
            Self.apply(generator.shiftingEdits(of: temp, root: "p", adding: false), in: temp)
            Self.expectSame(root, "lines removed in the working tree")
            GitCLI.run(["add", "accounts.yaml"], in: root)
            Self.expectSame(root, "lines removed, staged")
        case .unreadable:
            // Bad bytes in a plan, a binary cluster plan, a plan linked out of the repository, an
            // account list with an id twice; staged, committed, then mended.
            let before = ["accounts/acct-010.md", "accounts/acct-020.md", "clusters/c1.md", "accounts.yaml"].map {
                ($0, temp.read("p/" + $0))
            }
            FileManager.default.createFile(
                atPath: temp.file("p/accounts/acct-010.md"), contents: Data("---\naccount: acct-010\n---\n# A \u{1}".utf8) + Data([0xff, 0xfe, 0x0a]))
            FileManager.default.createFile(atPath: temp.file("p/clusters/c1.md"), contents: Data([0x00, 0x01, 0x02, 0x0a]))
            try? FileManager.default.removeItem(atPath: temp.file("p/accounts/acct-020.md"))
            try FileManager.default.createSymbolicLink(atPath: temp.file("p/accounts/acct-020.md"), withDestinationPath: "/etc/hostname")
            temp.write("p/accounts.yaml", (temp.read("p/accounts.yaml") ?? "") + "  acct-001:\n    name: Twice\n    tier: 3\n    program: p0\n")
            let json = Self.run(["validate", "--format", "json"], in: root, plain: true).stdout
            for rule in ["file-symlink", "file-binary", "file-encoding"] { #expect(json.contains(rule), "\(rule) in \(json)") }
            Self.expectSame(root, "unreadable files in the working tree")
            GitCLI.run(["add", "-A"], in: root)
            Self.expectSame(root, "unreadable files staged")
            GitCLI.run(["commit", "-q", "--no-verify", "-m", "unreadable"], in: root)
            Self.expectSame(root, "unreadable files committed")
            try? FileManager.default.removeItem(atPath: temp.file("p/accounts/acct-020.md"))
            for (path, text) in before { if let text { temp.write("p/" + path, text) } }
            Self.expectSame(root, "mended in the working tree")
            GitCLI.run(["add", "-A"], in: root)
            Self.expectSame(root, "mended, staged")
        }
    }
}

/// A plan repository generated from a seed: accounts of every tier, with plans, clusters and
/// programmes, and a sprinkling of the mistakes people make.
struct SampleRepository {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    static let team = """
        people:
          jane: {name: Jane Doe, email: jane@example.com, roles: [ae]}
          raj: {name: Raj Iyer, email: raj@example.com, roles: [ae]}
          sam: {name: Sam Lee, email: sam@example.com, roles: [marketing]}
          ops: {name: Ops Team, email: ops@example.com, roles: [marketing-ops]}
          vp: {name: Val Park, email: val@example.com, roles: [exec, admin]}

        """

    func plan(_ id: String, sections: [String]) -> String {
        var text = "---\naccount: \(id)\nstakeholders:\n"
        for role in ["economic-buyer", "champion", "influencer"] {
            text += "  - name: P \(role)\n    title: T\n    role: \(role)\n    sentiment: neutral\n"
        }
        text += "---\n# \(id)\n\n"
        for section in sections { text += "## \(section)\nNotes.\n\n" }
        return text
    }

    mutating func files(accounts count: Int) -> [String: String] {
        var files: [String: String] = ["team.yaml": Self.team]
        var list = "# generated\naccounts:\n"
        let allSections = ["Summary", "Objectives", "Buying Group", "Plays", "Sales Actions", "KPIs", "Review Log"]
        for index in 0..<count {
            let id = String(format: "acct-%03d", index)
            var entry = "  \(id):\n    name: Account \(index)\n    domain: a\(index % 50).example.com\n"
            switch index % 10 {
            case 0:
                entry += "    tier: 1\n    ae: \(index % 20 == 0 ? "jane" : "raj")\n    marketer: sam\n    sponsor: vp\n    acv: \(150_000 + index)\n"
            case 1, 2, 3:
                entry += "    tier: 2\n    ae: raj\n    cluster: c\(index % 2)\n    acv: 30000\n"
            default:
                entry += "    tier: 3\n    program: p\(index % 3 == 0 ? 1 : 0)\n"
            }
            entry += "    stage: \(["target", "engaged", "evaluation", "negotiaton"][next(4)])\n"
            entry += "    tier_since: 2026-0\(1 + next(9))-01\n    reviewed: 2026-\(["02", "10", "11"][next(3)])-01\n"
            // Mistakes, one in a few entries.
            switch next(12) {
            case 0: entry += "    colour: red\n"
            case 1:
                // An owner who is not in team.yaml (replacing the real one: a key twice would make
                // the whole file unreadable, and hide every other finding in it).
                switch index % 10 {
                case 0: entry = entry.replacingOccurrences(of: "    marketer: sam\n", with: "    marketer: ghost\n")
                case 1, 2, 3: entry = entry.replacingOccurrences(of: "    ae: raj\n", with: "    ae: ghost\n")
                default: entry += "    ae: ghost\n"
                }
            case 2:
                entry = entry.contains("acv:")
                    ? entry.replacingOccurrences(of: "acv: [0-9]+", with: "acv: lots", options: .regularExpression)
                    : entry + "    acv: lots\n"
            case 3: entry = entry.replacingOccurrences(of: "    sponsor: vp\n", with: "")
            default: break
            }
            list += entry
            if index % 10 == 0 || next(3) == 0 {
                files["accounts/\(id).md"] = plan(id, sections: index % 20 == 0 ? allSections : ["Summary", "Plays"])
            }
        }
        list += "  Bad_Id:\n    name: Bad\n    tier: 3\n    program: p0\n"
        files["accounts.yaml"] = list
        files["accounts/orphan.md"] = plan("orphan", sections: ["Summary"])
        files["accounts/acct-005.md"] = "---\naccount: acct-005\nstakeholders: [\n---\n# acct-005\n"
        files["accounts/acct-006.md"] = "---\naccount: acct-006\n# never closed\n"
        files["accounts/acct-007.md"] = "---\naccount: acct-007\n---\n<<<<<<< ours\n# A\n=======\n# B\n>>>>>>> theirs\n"
        files["clusters/c0.md"] = "---\ncluster: c0\nname: Cluster 0\nowner: sam\n---\n# Cluster 0\n\n## Summary\nx\n"
        files["clusters/c1.md"] = "---\ncluster: c1\nname: Cluster 1\n---\n# Cluster 1\n"
        files["programs/p0.md"] = "---\nprogram: p0\nname: P0\nowner: ops\n---\n# P0\n\n## Summary\nx\n"
        files["programs/p1.md"] = "---\nprogram: p1\nname: P1\nowner: jane\n---\n# P1\n"
        return files
    }

    /// New content for a few files (nil: remove it).
    mutating func edits(of temp: TemporaryDirectory, root: String) -> [String: String?] {
        var list = temp.read(root + "/accounts.yaml") ?? ""
        // An AE reassigned (the checks across accounts run again), one account's value changed.
        if let range = list.range(of: "    ae: raj\n") { list.replaceSubrange(range, with: "    ae: jane\n") }
        list = list.replacingOccurrences(of: "    acv: 150010\n", with: "    acv: 99\n")
        list += "  acct-new:\n    name: Account 1\n    tier: 2\n    cluster: c9\n"
        list += "  flowy: {name: Flowy, tier: 3, program: p0, stage: won}\n"
        var plan = temp.read(root + "/accounts/acct-000.md") ?? ""
        plan += "\n## Extra\nMore notes.\n"
        return [
            "accounts.yaml": list, "accounts/acct-000.md": plan, "accounts/orphan.md": nil,
            "programs/p1.md": "---\nprogram: p1\nname: P1\nowner: ops\n---\n# P1\n\n## Summary\nx\n",
        ]
    }
    /// Edits that move lines: with `adding`, comment lines above every accounts.yaml entry, a new
    /// first entry and a stakeholder at the top of a few plans' front matter; without, an entry in
    /// the middle and the header's comments removed.
    mutating func shiftingEdits(of temp: TemporaryDirectory, root: String, adding: Bool) -> [String: String?] {
        var list = temp.read(root + "/accounts.yaml") ?? ""
        var edits: [String: String?] = [:]
        if adding {
            list = list.replacingOccurrences(of: "# generated\naccounts:\n", with: "# generated\n# more\n# and more\naccounts:\n  aaa-first:\n    name: First\n    tier: 3\n    program: p0\n    colour: blue\n")
            for id in ["acct-000", "acct-010", "acct-020", "acct-030"] {
                guard let plan = temp.read(root + "/accounts/\(id).md") else { continue }
                edits["accounts/\(id).md"] = plan.replacingOccurrences(
                    of: "stakeholders:\n", with: "stakeholders:\n  - name: New\n    title: T\n    role: champion\n    sentiment: warm\n")
            }
        } else {
            list = list.replacingOccurrences(of: "# more\n# and more\n", with: "")
            if let start = list.range(of: "  acct-025:\n"), let end = list.range(of: "  acct-026:\n") {
                list.removeSubrange(start.lowerBound..<end.lowerBound)
            }
        }
        edits["accounts.yaml"] = list
        return edits
    }
}
