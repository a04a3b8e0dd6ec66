import ABMTestSupport
import Foundation
import Testing

/// The README's exit-code table, command by command, with the real binary: 0 ok; 1 the plans need
/// attention (validation errors, conflicts); 2 abmsync could not do its job; 64 the command line was
/// wrong; 75 (pull/push/sync) the shared remote could not be reached, edits recorded locally.
@Suite struct ExitCodeTests {
    /// What a row starts from.
    enum Start: Sendable {
        /// An empty folder (not a plan repository).
        case nothing
        /// A shared bare remote (`shared.git`) and Jane's clone (`p`, the working folder) with one valid
        /// tier 1 account, in step with the remote.
        case plans
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var command: String
        var arguments: [String]
        var start: Start
        var expected: Int32
        /// What has to appear in the output (stdout + stderr).
        var says: String?
        /// What is done to the folder before the command runs.
        var prepare: @Sendable (Fixture) -> Void = { _ in }

        var testDescription: String { "\(command) → \(expected): abmsync \(arguments.joined(separator: " "))" }
    }

    struct Fixture: @unchecked Sendable {
        let temp = TemporaryDirectory("abmsync-exit")
        var root: String { temp.path }
        var plans: String { temp.file("p") }
        var remote: String { temp.file("shared.git") }

        init(_ start: Start) {
            guard case .plans = start else { return }
            GitCLI.run(["init", "-q", "--bare", "-b", "main", remote], in: root)
            temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
            precondition(CLITests.abmsync(["init", "p", "--remote", remote], in: root).status == 0)
            GitCLI.run(["config", "user.name", "Jane Doe"], in: plans)
            GitCLI.run(["config", "user.email", "jane@example.com"], in: plans)
            let added = CLITests.abmsync(
                ["new", "account", "acme-corp", "--name", "Acme Corp", "--tier", "1", "--ae", "jane", "--marketer", "sam",
                 "--sponsor", "vp", "--acv", "450000"], in: plans)
            precondition(added.status == 0, added.combined)
            let synced = CLITests.abmsync(["sync"], in: plans)
            precondition(synced.status == 0, synced.combined)
        }

        func edit(_ file: String, _ from: String, _ to: String) {
            let text = temp.read("p/\(file)") ?? ""
            precondition(text.contains(from), "p/\(file) has no '\(from)'")
            temp.write("p/\(file)", text.replacingOccurrences(of: from, with: to))
        }

        /// Acme Corp's stage marked as a conflict in accounts.yaml, as a merge leaves it.
        func markConflict() {
            edit(
                "accounts.yaml", "    stage: target\n",
                "<<<<<<< ours — Acme Corp · stage (both changed)\n    stage: lost\n=======\n    stage: won\n>>>>>>> theirs\n")
        }

        func setRemote(_ url: String) { GitCLI.run(["remote", "set-url", "origin", url], in: plans) }
    }

    static let invalidEdit: @Sendable (Fixture) -> Void = { $0.edit("accounts.yaml", "ae: jane", "ae: jnae") }
    static let validEdit: @Sendable (Fixture) -> Void = { $0.edit("accounts.yaml", "acv: 450000", "acv: 480000") }
    static let conflict: @Sendable (Fixture) -> Void = { $0.markConflict() }
    static let httpGone: @Sendable (Fixture) -> Void = {
        validEdit($0)
        $0.setRemote("http://127.0.0.1:9/abm.git")  // the discard port: nothing listens
    }
    /// A shared folder that is not there any more (an unmounted share).
    static let folderGone: @Sendable (Fixture) -> Void = {
        validEdit($0)
        $0.setRemote($0.root + "/unmounted/share/plans.git")
    }
    static let fileURLGone: @Sendable (Fixture) -> Void = {
        validEdit($0)
        $0.setRemote("file://" + $0.root + "/unmounted/share/plans.git")
    }
    /// A folder that is there but holds no repository: abmsync cannot send, the edits stay recorded.
    static let notARepository: @Sendable (Fixture) -> Void = {
        validEdit($0)
        try? FileManager.default.createDirectory(atPath: $0.root + "/empty-share", withIntermediateDirectories: true)
        $0.setRemote($0.root + "/empty-share")
    }

    static let rows: [Row] = {
        var rows: [Row] = []
        func add(_ command: String, _ arguments: [String], _ start: Start, _ expected: Int32, says: String? = nil,
                 _ prepare: @escaping @Sendable (Fixture) -> Void = { _ in }) {
            rows.append(Row(command: command, arguments: arguments, start: start, expected: expected, says: says, prepare: prepare))
        }
        add("init", ["init", "q"], .nothing, 0)
        add("init", ["init", "a-file"], .nothing, 2, says: "is a file, not a folder") { $0.temp.write("a-file", "x") }
        add("init", ["init", "--no-such-option"], .nothing, 64)

        add("new", ["new", "programme", "mid", "--owner", "ops"], .plans, 0)
        add("new", ["new", "account", "globex", "--tier", "3", "--program", "nope"], .plans, 1, says: "error[unknown-program]")
        add("new", ["new", "account", "acme-corp", "--name", "Acme", "--tier", "3", "--program", "mid"], .plans, 2, says: "already exists")
        add("new", ["new", "account", "x", "--tier", "9"], .plans, 64)

        add("validate", ["validate"], .plans, 0)
        add("validate", ["validate"], .plans, 1, says: "error[unknown-person]", invalidEdit)
        add("validate", ["validate", "--staged"], .plans, 1, says: "error[unknown-person]") {
            invalidEdit($0)
            GitCLI.run(["add", "accounts.yaml"], in: $0.plans)
        }
        add("validate", ["validate"], .nothing, 2, says: "is not inside a git repository")
        add("validate", ["validate", "--staged", "--rev", "HEAD"], .plans, 64)

        add("clone", ["clone", "shared.git", "q"], .plans, 0, says: "Cloned the plans")
        add("clone", ["clone", "shared.git", "p"], .plans, 2, says: "already exists")
        add("clone", ["clone", "http://127.0.0.1:9/abm.git", "q"], .nothing, 2)
        add("clone", ["clone"], .nothing, 64)

        for command in ["sync", "pull", "push"] {
            add(command, [command], .plans, 0, validEdit)
            add(command, [command], .plans, 1, says: "jnae", invalidEdit)
            add(command, [command], .plans, 1, says: "conflicts", conflict)
            add(command, [command], .nothing, 2, says: "is not inside a git repository")
            add(command, [command], .plans, 2, says: "recorded here", notARepository)
            add(command, [command, "--no-such-option"], .plans, 64)
            add(command, [command], .plans, 75, says: "Offline: http://127.0.0.1:9/abm.git cannot be reached", httpGone)
            add(command, [command], .plans, 75, says: "cannot be reached", folderGone)
            add(command, [command], .plans, 75, says: "cannot be reached", fileURLGone)
        }
        add("sync", ["sync", "--watch", "--interval", "1"], .plans, 64)

        add("status", ["status"], .plans, 0, says: "In step with the team")
        add("status", ["status"], .plans, 1, says: "1 error", invalidEdit)
        add("status", ["status"], .plans, 1, says: "Conflicts waiting", conflict)
        add("status", ["status"], .nothing, 2)
        add("status", ["status", "extra"], .plans, 64)

        add("conflicts", ["conflicts"], .plans, 0)
        add("conflicts", ["conflicts"], .plans, 1, says: "Acme Corp · stage", conflict)
        add("conflicts", ["conflicts"], .nothing, 2)
        add("conflicts", ["conflicts", "extra"], .plans, 64)

        add("resolve", ["resolve", "acme-corp", "--theirs"], .plans, 0, says: "kept the teammate's (won)", conflict)
        add("resolve", ["resolve", "acme-corp"], .plans, 1, conflict)
        add("resolve", ["resolve", "acme-corp", "--theirs"], .nothing, 2)
        add("resolve", ["resolve", "acme-corp", "--ours", "--theirs"], .plans, 64)

        add("schema", ["schema"], .plans, 0, says: "wrote .abmsync/schemas/")
        add("schema", ["schema"], .nothing, 2)
        add("schema", ["schema", "--print", "nothing"], .nothing, 64)

        let base = "accounts:\n  a:\n    name: A\n    stage: target\n"
        add("merge-driver", ["merge-driver", "b", "o", "t", "accounts.yaml"], .nothing, 0) {
            for (file, text) in [("b", base), ("o", base), ("t", base.replacingOccurrences(of: "A\n", with: "B\n"))] { $0.temp.write(file, text) }
        }
        add("merge-driver", ["merge-driver", "b", "o", "t", "accounts.yaml"], .nothing, 1, says: "conflict") {
            for (file, text) in [("b", base), ("o", base.replacingOccurrences(of: "target", with: "won")), ("t", base.replacingOccurrences(of: "target", with: "lost"))] {
                $0.temp.write(file, text)
            }
        }
        add("merge-driver", ["merge-driver", "b", "o", "t", "accounts.yaml"], .nothing, 2)
        add("merge-driver", ["merge-driver", "b"], .nothing, 64)

        add("hooks install", ["hooks", "install"], .plans, 0)
        add("hooks install", ["hooks", "install"], .nothing, 2)
        add("hooks install", ["hooks", "install", "--no-such-option"], .plans, 64)

        add("tiers score", ["tiers", "score", "--all"], .plans, 0, says: "Acme Corp (acme-corp): tier 1")
        add("tiers score", ["tiers", "score"], .plans, 1, says: "cannot score the accounts", conflict)
        add("tiers score", ["tiers", "score"], .nothing, 2, says: "is not inside a git repository")
        add("tiers score", ["tiers", "score", "acme-crop"], .plans, 64, says: "did you mean 'acme-corp'?")
        add("tiers score", ["tiers", "score", "--format", "xml"], .plans, 64)

        add("demo", ["demo", "--folder", "demo"], .nothing, 0)
        add("demo", ["demo", "--no-such-option"], .nothing, 64)
        return rows
    }()

    @Test(arguments: rows) func everyCommandExitsAsTheREADMESays(_ row: Row) throws {
        let fixture = Fixture(row.start)
        row.prepare(fixture)
        let folder = row.start == .plans && !["clone"].contains(row.command) ? fixture.plans : fixture.root
        let result = CLITests.abmsync(row.arguments, in: folder)
        #expect(result.status == row.expected, "\(row.testDescription)\n\(result.combined)")
        if let says = row.says { #expect(result.combined.contains(says), "\(row.testDescription)\n\(result.combined)") }
    }

    /// Every command of the README's table has a row for each code the README gives it.
    @Test func theTableCoversEveryCommand() {
        let codes = Dictionary(grouping: Self.rows, by: \.command).mapValues { Set($0.map(\.expected)) }
        let expected: [String: Set<Int32>] = [
            "init": [0, 2, 64], "new": [0, 1, 2, 64], "validate": [0, 1, 2, 64], "clone": [0, 2, 64],
            "sync": [0, 1, 2, 64, 75], "pull": [0, 1, 2, 64, 75], "push": [0, 1, 2, 64, 75], "status": [0, 1, 2, 64],
            "conflicts": [0, 1, 2, 64], "resolve": [0, 1, 2, 64], "schema": [0, 2, 64], "merge-driver": [0, 1, 2, 64],
            "hooks install": [0, 2, 64], "demo": [0, 64], "tiers score": [0, 1, 2, 64],
        ]
        #expect(codes == expected)
    }

    /// A push that fails says the edits are recorded, with the commit, and go out next time.
    @Test func aFailedPushSaysTheEditsAreRecordedAndWhere() throws {
        let fixture = Fixture(.plans)
        Self.notARepository(fixture)
        let result = CLITests.abmsync(["sync"], in: fixture.plans)
        #expect(result.status == 2, "\(result.combined)")
        let head = GitCLI.run(["rev-parse", "--short=7", "HEAD"], in: fixture.plans).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(result.combined.contains("Recorded your edits (\(head))"), "\(result.combined)")
        #expect(result.stderr.contains("Your edits are recorded here (\(head)) and will be sent the next time a sync gets through."), "\(result.stderr)")
    }
}

extension ExitCodeTests.Start: Equatable {}
