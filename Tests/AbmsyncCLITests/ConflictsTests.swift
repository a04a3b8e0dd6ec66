import ABMTestSupport
import Foundation
import Testing

/// `abmsync conflicts` and `abmsync resolve` on conflicts made by a real `git merge` through abmsync's driver.
@Suite struct ConflictsTests {
    /// A plan repository with a valid tier 1 account, and branches `ae` (checked out) and `marketer`
    /// that both changed Acme Corp's stage, the plan's notes and its Summary.
    func conflictedRepository() -> (TemporaryDirectory, String) {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        let initialised = CLITests.abmsync(["init", "plans"], in: temp.path)
        precondition(initialised.status == 0, initialised.combined)
        let added = CLITests.abmsync(
            ["new", "account", "acme-corp", "--name", "Acme Corp", "--tier", "1", "--ae", "jane", "--marketer", "sam",
             "--sponsor", "vp", "--acv", "450000"], in: root)
        precondition(added.status == 0, added.combined)
        GitCLI.run(["add", "-A"], in: root)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "base"], in: root)
        let edits: [(branch: String, stage: String, notes: String, summary: String, other: (String, String))] = [
            ("ae", "negotiation", "renewal in Q2", "AE view: renewal first.", ("acv: 450000", "acv: 500000")),
            ("marketer", "lost", "expansion lead", "Marketing view: EMEA expansion.", ("reviewed: 2026-11-22", "reviewed: 2026-11-21")),
        ]
        for edit in edits {
            GitCLI.run(["checkout", "-q", "-b", edit.branch, "main"], in: root)
            var accounts = temp.read("plans/accounts.yaml") ?? ""
            accounts = accounts.replacingOccurrences(of: "stage: target", with: "stage: \(edit.stage)")
            accounts = accounts.replacingOccurrences(of: edit.other.0, with: edit.other.1)
            temp.write("plans/accounts.yaml", accounts)
            var plan = temp.read("plans/accounts/acme-corp.md") ?? ""
            plan = plan.replacingOccurrences(of: "owner_notes: \"\"", with: "owner_notes: \(edit.notes)")
            plan = plan.replacingOccurrences(
                of: "Why Acme Corp is a tier 1 account, what we sell them and where the deal stands.", with: edit.summary)
            temp.write("plans/accounts/acme-corp.md", plan)
            GitCLI.run(["commit", "-q", "--no-verify", "-am", edit.branch], in: root)
        }
        GitCLI.run(["checkout", "-q", "ae"], in: root)
        return (temp, root)
    }

    /// `git` with the pre-commit hook's abmsync pinned to the same day as the tests.
    func git(_ arguments: [String], in root: String) -> ProcessOutput {
        runProcess(
            GitCLI.executable, arguments, in: root,
            environment: GitCLI.environment(home: root).merging(["ABMSYNC_TODAY": "2026-11-22"]) { $1 })
    }

    @Test func listThenResolveByAccountThenCommitThroughTheHook() throws {
        let (temp, root) = conflictedRepository()
        let merge = git(["merge", "--no-edit", "marketer"], in: root)
        #expect(merge.status != 0, "\(merge.combined)")

        let listed = CLITests.abmsync(["conflicts"], in: root)
        #expect(listed.status == 1, "\(listed.combined)")
        #expect(listed.stdout.hasPrefix("A merge is in progress (merging "))
        #expect(listed.stdout.contains("3 open conflicts:"), "\(listed.stdout)")
        let accounts = try #require(temp.read("plans/accounts.yaml"))
        let stageLine = try #require(
            accounts.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("<<<<<<< ours — Acme Corp · stage") })
        #expect(
            listed.stdout.contains(
                """
                accounts.yaml:\(stageLine + 1): Acme Corp · stage (both changed)
                  yours:         negotiation
                  Test Author's: lost
                  resolve: abmsync resolve acme-corp --ours (keeps yours) or --theirs (keeps Test Author's), or edit accounts.yaml and delete the marker lines
                """), "\(listed.stdout)")
        #expect(listed.stdout.contains(": acme-corp · owner_notes (both changed)\n  yours:         renewal in Q2\n  Test Author's: expansion lead\n"))
        #expect(listed.stdout.contains(": acme-corp · Summary (both changed)\n"))

        let resolved = CLITests.abmsync(["resolve", "acme-corp", "--theirs"], in: root)
        #expect(resolved.status == 0, "\(resolved.combined)")
        #expect(resolved.stdout.hasPrefix("Acme Corp · stage: kept Test Author's (lost)\n"), "\(resolved.stdout)")
        #expect(resolved.stdout.contains("acme-corp · owner_notes: kept Test Author's (expansion lead)\n"))
        #expect(resolved.stdout.contains("  wrote accounts.yaml\n  wrote accounts/acme-corp.md\n"))
        #expect(resolved.stdout.contains("Every conflict is settled"))

        let merged = try #require(temp.read("plans/accounts.yaml"))
        #expect(merged.contains("    acv: 500000\n    stage: lost\n    tier_since: 2026-11-22\n    reviewed: 2026-11-21\n"))
        let plan = try #require(temp.read("plans/accounts/acme-corp.md"))
        #expect(plan.contains("owner_notes: expansion lead\n") && plan.contains("Marketing view: EMEA expansion.\n"))
        #expect(!plan.contains("<<<<<<<") && !merged.contains("<<<<<<<"))

        let after = CLITests.abmsync(["conflicts"], in: root)
        #expect(after.status == 0, "\(after.combined)")
        #expect(after.stdout.contains("No open conflicts."))
        let validate = CLITests.abmsync(["validate", "--format", "json"], in: root)
        #expect(!validate.stdout.contains("\"conflict-marker\""), "\(validate.stdout)")

        GitCLI.run(["add", "accounts.yaml", "accounts/acme-corp.md"], in: root)
        let commit = git(["commit", "--no-edit"], in: root)
        #expect(commit.status == 0, "\(commit.combined)")
        #expect(GitCLI.run(["rev-list", "--parents", "-n", "1", "HEAD"], in: root).stdout.split(separator: " ").count == 3)
    }

    @Test func resolveWithoutASideChecksHandEditsAndMarksThemResolved() throws {
        let (temp, root) = conflictedRepository()
        _ = git(["merge", "--no-edit", "marketer"], in: root)
        let open = CLITests.abmsync(["resolve", "acme-corp"], in: root)
        #expect(open.status == 1)
        #expect(open.stdout.hasPrefix("acme-corp: 3 conflicts still open:\n"), "\(open.stdout)")

        // Settle the plan by hand, the account list by file with --ours.
        let plan = try #require(temp.read("plans/accounts/acme-corp.md"))
        temp.write("plans/accounts/acme-corp.md", settledByHand(plan))
        let byFile = CLITests.abmsync(["resolve", "accounts.yaml", "--ours"], in: root)
        #expect(byFile.status == 0, "\(byFile.combined)")
        #expect(byFile.stdout.hasPrefix("Acme Corp · stage: kept yours (negotiation)\n  wrote accounts.yaml\n"))
        #expect(byFile.stdout.contains("  marked accounts.yaml as resolved for git (staged)\n"))
        let checked = CLITests.abmsync(["resolve", "accounts/acme-corp.md"], in: root)
        #expect(checked.status == 0, "\(checked.combined)")
        #expect(checked.stdout.hasPrefix("accounts/acme-corp.md: no open conflicts.\n  marked accounts/acme-corp.md as resolved"))
        #expect(GitCLI.run(["diff", "--name-only", "--diff-filter=U"], in: root).stdout.isEmpty)
    }

    /// Settles by hand: both Summary versions stay, ours' notes win, the marker lines go.
    func settledByHand(_ text: String) -> String {
        var sawNotes = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            if line.hasPrefix("<<<<<<< ") || line.hasPrefix(">>>>>>> ") || line == "=======" { return false }
            guard line.hasPrefix("owner_notes: ") else { return true }
            defer { sawNotes = true }
            return !sawNotes
        }.joined(separator: "\n")
    }

    @Test func refusesMarkersItCannotSettleAndWritesNothing() {
        let temp = TemporaryDirectory()
        _ = CLITests.abmsync(["init", "p"], in: temp.path)
        let nested = """
            accounts:
              acme:
            <<<<<<< ours — acme · tier (both changed)
                tier: 1
            <<<<<<< ours — acme · tier (both changed)
                tier: 2
            =======
                tier: 3
            >>>>>>> theirs — acme · tier

            """
        temp.write("p/accounts.yaml", nested)
        let refused = CLITests.abmsync(["resolve", "acme", "--ours"], in: temp.file("p"))
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("error: cannot resolve the conflicts in 'accounts.yaml': a conflict block opens inside the block opened at line 3 (nested conflict)\n  --> accounts.yaml:5\n"), "\(refused.stderr)")
        #expect(temp.read("p/accounts.yaml") == nested)
        let listed = CLITests.abmsync(["conflicts"], in: temp.file("p"))
        #expect(listed.status == 1)
        #expect(listed.stdout.contains("accounts.yaml:5: conflict markers that cannot be settled automatically"))

        // A side that would leave the list unreadable (a duplicate key) is refused too.
        let duplicate = """
            accounts:
              acme:
                tier: 1
            <<<<<<< ours — acme · tier (both changed)
                tier: 2
            =======
            >>>>>>> theirs — acme · tier

            """
        temp.write("p/accounts.yaml", duplicate)
        let broken = CLITests.abmsync(["resolve", "accounts.yaml", "--ours"], in: temp.file("p"))
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("the result would not read as a valid file: duplicate key 'tier'"), "\(broken.stderr)")
        #expect(temp.read("p/accounts.yaml") == duplicate)
        let fine = CLITests.abmsync(["resolve", "accounts.yaml", "--theirs"], in: temp.file("p"))
        #expect(fine.status == 0, "\(fine.combined)")
        #expect(fine.stdout.hasPrefix("acme · tier: kept the teammate's (deleted)\n"))

        let unknown = CLITests.abmsync(["resolve", "nobody", "--ours"], in: temp.file("p"))
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("error: account or file 'nobody' not found"))
        #expect(CLITests.abmsync(["resolve", "acme", "--ours", "--theirs"], in: temp.file("p")).status == 64)
    }

    @Test func plainGitMarkersInOtherFilesAreListedToo() {
        let temp = TemporaryDirectory()
        _ = CLITests.abmsync(["init", "p"], in: temp.path)
        let root = temp.file("p")
        temp.write("p/notes.txt", "one\n")
        GitCLI.run(["add", "-A"], in: root)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "notes"], in: root)
        temp.write("p/notes.txt", "one\n<<<<<<< HEAD\ntwo\n=======\n2\n>>>>>>> feature\n")
        let listed = CLITests.abmsync(["conflicts"], in: root)
        #expect(listed.status == 1)
        #expect(listed.stdout.hasPrefix("1 open conflict:\n\nnotes.txt:2: notes.txt (both changed)\n  yours:          two\n  the teammate's: 2\n  resolve: abmsync resolve notes.txt --ours"), "\(listed.stdout)")
        let resolved = CLITests.abmsync(["resolve", "notes.txt", "--theirs"], in: root)
        #expect(resolved.status == 0, "\(resolved.combined)")
        #expect(resolved.stdout.hasPrefix("notes.txt:2: kept the teammate's (2)\n"))
        #expect(temp.read("p/notes.txt") == "one\n2\n")
        #expect(CLITests.abmsync(["conflicts"], in: root).stdout == "No open conflicts.\n")
    }
}
