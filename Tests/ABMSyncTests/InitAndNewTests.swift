import ABMCore
import ABMTestSupport
import Foundation
import GitKit
import Testing

@testable import ABMSync

@Suite(.serialized) struct InitAndNewTests {
    init() { GitIsolation.apply() }

    let today = PlanDate(year: 2026, month: 11, day: 22)!

    @Test func initCreatesACommittedPlanRepositoryThatGitAccepts() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        let result = try Initializer.run(at: root, remote: "https://example.com/abm.git", executable: "/bin/true")
        #expect(result.createdGitRepository)
        #expect(Set(result.created) == [
            "abmsync.yaml", "team.yaml", "accounts.yaml", "accounts/.gitkeep", "clusters/.gitkeep", "programs/.gitkeep",
            ".gitattributes", ".abmsync/schemas/accounts.schema.json", ".abmsync/schemas/team.schema.json",
            ".abmsync/schemas/policy.schema.json", ".abmsync/schemas/plan.schema.json",
        ])
        #expect(result.usedFallbackIdentity)

        // The git CLI, independently: one commit on main, every file tracked, a clean tree, a sound object store.
        let log = GitCLI.run(["log", "--format=%an <%ae>|%s", "main"], in: root)
        #expect(log.stdout == "abmsync <abmsync@localhost>|Set up the abmsync plan repository\n")
        #expect(GitCLI.run(["status", "--porcelain"], in: root).stdout == "")
        #expect(GitCLI.run(["fsck", "--strict"], in: root).status == 0)
        let files = GitCLI.run(["ls-files"], in: root).stdout.split(separator: "\n").map(String.init)
        #expect(files.contains("accounts.yaml") && files.contains("programs/.gitkeep"))
        #expect(GitCLI.run(["cat-file", "-p", "HEAD:abmsync.yaml"], in: root).stdout == BundledFiles.policy)
        #expect(GitCLI.run(["config", "remote.origin.url"], in: root).stdout == "https://example.com/abm.git\n")
        #expect(GitCLI.run(["config", "merge.abmsync.driver"], in: root).stdout == "'/bin/true' merge-driver %O %A %B %P\n")
        #expect(GitCLI.run(["check-attr", "merge", "accounts/acme.md"], in: root).stdout == "accounts/acme.md: merge: abmsync\n")
        let hook = try #require(temp.read("plans/.git/hooks/pre-commit"))
        #expect(hook.contains("validate --staged"))
        #expect(FileManager.default.isExecutableFile(atPath: temp.file("plans/.git/hooks/pre-push")))
    }

    @Test func initTwiceChangesNothing() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        let head = GitCLI.run(["rev-parse", "HEAD"], in: root).stdout
        let again = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        #expect(again.changedNothing)
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: root).stdout == head)
        #expect(GitCLI.run(["status", "--porcelain"], in: root).stdout == "")
    }

    @Test func initInAnExistingGitRepositoryKeepsItsFilesAndHistory() throws {
        let temp = TemporaryDirectory()
        let root = temp.path
        GitCLI.run(["init", "-q", "-b", "main"], in: root)
        temp.write("notes.txt", "ours\n")
        temp.write(".gitattributes", "*.png binary")
        GitCLI.run(["add", "."], in: root)
        GitCLI.run(["commit", "-q", "-m", "existing"], in: root)
        let result = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        #expect(!result.createdGitRepository)
        #expect(temp.read("notes.txt") == "ours\n")
        #expect(temp.read(".gitattributes")?.hasPrefix("*.png binary\n# abmsync:") == true)
        #expect(GitCLI.run(["log", "--format=%s"], in: root).stdout == "Set up the abmsync plan repository\nexisting\n")
    }

    @Test func aForeignHookIsKeptAndChained() throws {
        let temp = TemporaryDirectory()
        GitCLI.run(["init", "-q", "-b", "main"], in: temp.path)
        temp.write(".git/hooks/pre-commit", "#!/bin/sh\necho mine\n")
        chmod(temp.file(".git/hooks/pre-commit"), 0o755)
        let repository = try Repository.open(at: temp.path)
        let outcomes = try HookInstaller.install(in: repository, executable: "/bin/true")
        #expect(outcomes.first == .chained(hook: "pre-commit", movedTo: repository.gitDirectory + "hooks/pre-commit.local"))
        #expect(temp.read(".git/hooks/pre-commit.local") == "#!/bin/sh\necho mine\n")
        let again = try HookInstaller.install(in: repository, executable: "/bin/true")
        #expect(again == [.upToDate(hook: "pre-commit"), .upToDate(hook: "pre-push")])
    }

    @Test func newAccountAppendsOnlyItsLines() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        let handWritten = """
            # our list  — keep this comment
            accounts:
              globex:     # cluster account
                name:  Globex
                tier: 2

            # end of list
            """
        temp.write("plans/accounts.yaml", handWritten)
        let repository = try PlanRepository.locate(from: root)
        let request = NewEntry.AccountRequest(
            id: "acme-corp", name: "Acme Corp", tier: .strategic, ae: "jane", marketer: "sam", sponsor: "vp", acv: 450_000)
        let result = try NewEntry.addAccount(request, in: repository, today: today)
        #expect(result.written == ["accounts.yaml", "accounts/acme-corp.md"])
        let text = try #require(temp.read("plans/accounts.yaml"))
        let expected = """
            # our list  — keep this comment
            accounts:
              globex:     # cluster account
                name:  Globex
                tier: 2
              acme-corp:
                name: Acme Corp
                tier: 1
                ae: jane
                marketer: sam
                sponsor: vp
                acv: 450000
                stage: target
                tier_since: 2026-11-22
                reviewed: 2026-11-22

            # end of list
            """
        #expect(text == expected)
        let plan = try #require(temp.read("plans/accounts/acme-corp.md"))
        #expect(plan.hasPrefix("---\naccount: acme-corp\n"))
        #expect(plan.contains("# Acme Corp — strategic account plan"))
        #expect(!plan.contains("{{"))
        // The written files load back without a parse problem.
        let load = WorkspaceLoader.load(from: WorkingTreeSource(root: root))
        #expect(load.findings.filter { $0.severity == .error }.isEmpty, "\(load.findings.map(\.formatted))")
    }

    @Test func newAccountRefusesWhatWouldBreakTheList() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        let repository = try PlanRepository.locate(from: root)
        let before = temp.read("plans/accounts.yaml")
        for request in [
            NewEntry.AccountRequest(id: "Acme/Corp", name: nil, tier: .strategic),
            NewEntry.AccountRequest(id: "acme", name: nil, tier: .strategic, ae: "nobody"),
            NewEntry.AccountRequest(id: "acme", name: nil, tier: .strategic, ae: "sam"),
            NewEntry.AccountRequest(id: "acme", name: nil, tier: .strategic, stage: "closed"),
        ] {
            #expect(throws: AbmsyncError.self) { try NewEntry.addAccount(request, in: repository, today: today) }
        }
        #expect(temp.read("plans/accounts.yaml") == before)
        #expect(!FileManager.default.fileExists(atPath: temp.file("plans/accounts/acme.md")))
    }

    @Test func locatingOutsideAPlanRepositoryExplainsWhy() throws {
        let temp = TemporaryDirectory()
        do {
            _ = try PlanRepository.locate(from: temp.path)
            Issue.record("no error")
        } catch {
            #expect(error.rendered.contains("is not inside a git repository"))
        }
        GitCLI.run(["init", "-q"], in: temp.path)
        do {
            _ = try PlanRepository.locate(from: temp.path)
            Issue.record("no error")
        } catch {
            #expect(error.rendered.contains("is not an abmsync plan repository"))
            #expect(error.rendered.contains("hint: run 'abmsync init'"))
        }
        do {
            _ = try PlanRepository.locate(from: temp.file("missing"))
            Issue.record("no error")
        } catch {
            #expect(error.rendered.contains("no such file or folder"))
        }
    }

    @Test func stagedAndCommittedSnapshotsAreReadWithoutTheWorkingTree() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: 1\n")
        GitCLI.run(["add", "accounts.yaml"], in: root)
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: [broken\n")  // edited after `git add`
        let staged = try ValidateUseCase.run(at: root, scope: .staged, today: today)
        #expect(staged.findings.filter { $0.rule.hasPrefix("yaml") }.isEmpty)
        let working = try ValidateUseCase.run(at: root, scope: .workingTree, today: today)
        #expect(working.findings.contains { $0.rule == "yaml-syntax" && $0.location.file == "accounts.yaml" })
        let committed = try ValidateUseCase.run(at: root, scope: .revision("HEAD"), today: today)
        #expect(committed.findings.filter { $0.rule.hasPrefix("yaml") }.isEmpty)
    }
}
