import ABMTestSupport
import Foundation
import Testing

/// A teammate's copy is set up whichever way it was made: `abmsync clone` leaves `git status` clean,
/// a plain `git clone` is told what it lacks and `abmsync hooks install` sets all of it up, and `init`
/// on an existing clone records nothing.
@Suite struct SetupTests {
    /// A shared remote made by `abmsync init` + `sync`, then changed by hand the way teams do: the
    /// .gitattributes file, the schemas and an empty folder's .gitkeep removed.
    static func sharedRemote(_ temp: TemporaryDirectory, trimmed: Bool) -> String {
        let remote = temp.file("shared.git")
        GitCLI.run(["init", "-q", "--bare", "-b", "main", remote], in: temp.path)
        temp.write("admin/team.yaml", PermissiveTeam.yaml)  // not about permissions
        precondition(CLITests.abmsync(["init", "admin", "--remote", remote], in: temp.path).status == 0)
        let admin = temp.file("admin")
        GitCLI.run(["config", "user.name", "Val Park"], in: admin)
        GitCLI.run(["config", "user.email", "val@example.com"], in: admin)
        precondition(CLITests.abmsync(["sync"], in: admin).status == 0)
        if trimmed {
            GitCLI.run(["rm", "-q", "-r", ".gitattributes", ".abmsync", "clusters/.gitkeep"], in: admin)
            GitCLI.run(["commit", "-q", "--no-verify", "-m", "tidy"], in: admin)
            GitCLI.run(["push", "-q", "origin", "HEAD:main"], in: admin)
        }
        return remote
    }

    func git(_ arguments: [String], in folder: String) -> ProcessOutput { GitCLI.run(arguments, in: folder) }

    func mergeAttribute(_ folder: String) -> String {
        git(["check-attr", "merge", "--", "accounts.yaml"], in: folder).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [false, true]) func abmsyncCloneLeavesGitStatusCleanAndMergingSetUp(trimmed: Bool) throws {
        let temp = TemporaryDirectory("abmsync-setup")
        let remote = Self.sharedRemote(temp, trimmed: trimmed)
        let cloned = CLITests.abmsync(["clone", remote, "sam"], in: temp.path)
        #expect(cloned.status == 0, "\(cloned.combined)")
        let sam = temp.file("sam")
        #expect(git(["status", "--porcelain", "--untracked-files=all"], in: sam).stdout == "")
        #expect(mergeAttribute(sam) == "accounts.yaml: merge: abmsync")
        #expect(git(["config", "merge.abmsync.driver"], in: sam).stdout.contains("merge-driver %O %A %B %P"))
        let status = CLITests.abmsync(["status"], in: sam)
        #expect(!status.stdout.contains("hooks install"), "\(status.stdout)")
    }

    @Test func aPlainGitCloneIsToldWhatItLacksAndHooksInstallSetsItAllUp() throws {
        let temp = TemporaryDirectory("abmsync-setup")
        let remote = Self.sharedRemote(temp, trimmed: true)
        GitCLI.run(["clone", "-q", remote, temp.file("sam")], in: temp.path)
        let sam = temp.file("sam")
        GitCLI.run(["config", "user.name", "Sam Lee"], in: sam)
        GitCLI.run(["config", "user.email", "sam@example.com"], in: sam)

        let status = CLITests.abmsync(["status"], in: sam)
        #expect(status.status == 0, "\(status.combined)")
        #expect(status.stdout.contains("run 'abmsync hooks install'"), "\(status.stdout)")
        #expect(status.stdout.contains("plans are not checked before each commit"), "\(status.stdout)")
        let sync = CLITests.abmsync(["sync"], in: sam)
        #expect(sync.status == 0, "\(sync.combined)")
        #expect(sync.combined.contains("run 'abmsync hooks install'"), "\(sync.combined)")

        let install = CLITests.abmsync(["hooks", "install"], in: sam)
        #expect(install.status == 0, "\(install.combined)")
        #expect(install.stdout.contains("installed the pre-commit hook"), "\(install.stdout)")
        #expect(install.stdout.contains("merge driver"), "\(install.stdout)")
        #expect(mergeAttribute(sam) == "accounts.yaml: merge: abmsync")
        #expect(git(["config", "merge.abmsync.driver"], in: sam).stdout.contains("merge-driver %O %A %B %P"))
        #expect(git(["status", "--porcelain", "--untracked-files=all"], in: sam).stdout == "")
        let after = CLITests.abmsync(["status"], in: sam)
        #expect(!after.stdout.contains("hooks install"), "\(after.stdout)")
        let again = CLITests.abmsync(["sync"], in: sam)
        #expect(!again.combined.contains("hooks install"), "\(again.combined)")
    }

    /// The pre-commit framework counts as the commit check (its hook runs abmsync validate).
    @Test func aCopyWhoseHooksThePreCommitFrameworkManagesIsNotNagged() throws {
        let temp = TemporaryDirectory("abmsync-setup")
        let remote = Self.sharedRemote(temp, trimmed: false)
        precondition(CLITests.abmsync(["clone", remote, "sam"], in: temp.path).status == 0)
        let sam = temp.file("sam")
        temp.write("sam/.pre-commit-config.yaml", "repos:\n  - repo: https://example.com/abmsync\n    rev: v1\n    hooks:\n      - id: abmsync-validate\n")
        temp.write("sam/.git/hooks/pre-commit", "#!/usr/bin/env python3\n# File generated by pre-commit: https://pre-commit.com\n")
        let status = CLITests.abmsync(["status"], in: sam)
        #expect(!status.stdout.contains("hooks install"), "\(status.stdout)")
    }

    @Test(arguments: [false, true]) func initOnAnExistingCloneRecordsNothing(trimmed: Bool) throws {
        let temp = TemporaryDirectory("abmsync-setup")
        let remote = Self.sharedRemote(temp, trimmed: trimmed)
        GitCLI.run(["clone", "-q", remote, temp.file("sam")], in: temp.path)
        let sam = temp.file("sam")
        let before = git(["rev-parse", "HEAD"], in: sam).stdout
        let initialised = CLITests.abmsync(["init", "."], in: sam)
        #expect(initialised.status == 0, "\(initialised.combined)")
        #expect(!initialised.stdout.contains("recorded"), "\(initialised.stdout)")
        #expect(git(["rev-parse", "HEAD"], in: sam).stdout == before)
        #expect(git(["status", "--porcelain", "--untracked-files=all"], in: sam).stdout == "")
        #expect(mergeAttribute(sam) == "accounts.yaml: merge: abmsync")
        #expect(FileManager.default.fileExists(atPath: sam + "/.git/hooks/pre-commit"))
        let again = CLITests.abmsync(["init", "."], in: sam)
        #expect(again.stdout.hasSuffix("is already an abmsync plan repository; nothing changed.\n"), "\(again.stdout)")
    }
}
