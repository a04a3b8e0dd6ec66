import ABMTestSupport
import Foundation
import Testing

/// abmsync's .pre-commit-hooks.yaml used through the real pre-commit framework (PyPI), as a team
/// that manages its hooks with pre-commit would: an invalid plan is refused, a valid one passes.
@Suite struct PreCommitFrameworkTests {
    static let preCommit: String? = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/root/.pyenv/shims", "/usr/local/bin"] {
            let candidate = "\(folder)/pre-commit"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    @Test func thePreCommitFrameworkRunsAbmsyncOnCommit() throws {
        let preCommit = try #require(Self.preCommit, "pre-commit is not installed: run scripts/setup.sh")
        let temp = TemporaryDirectory()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        // A hook repository holding abmsync's .pre-commit-hooks.yaml, as teams would reference it.
        let hookRepo = temp.file("hook-repo")
        try FileManager.default.createDirectory(atPath: hookRepo, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root + "/.pre-commit-hooks.yaml", toPath: hookRepo + "/.pre-commit-hooks.yaml")
        GitCLI.run(["init", "-q", "-b", "main"], in: hookRepo)
        GitCLI.run(["add", "."], in: hookRepo)
        GitCLI.run(["commit", "-q", "-m", "hooks"], in: hookRepo)
        let rev = GitCLI.run(["rev-parse", "HEAD"], in: hookRepo).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        // A plan repository whose hooks are managed by pre-commit (not by abmsync hooks install).
        let plans = temp.file("plans")
        GitCLI.run(["init", "-q", "-b", "main", plans], in: temp.path)
        for (name, text) in [
            ("abmsync.yaml", "version: 1\n"), ("team.yaml", "people:\n  ops:\n    name: Ops\n    email: ops@example.com\n    roles: [marketing-ops]\n"),
            ("accounts.yaml", "accounts: {}\n"),
            (".pre-commit-config.yaml", "repos:\n  - repo: \(hookRepo)\n    rev: \(rev)\n    hooks:\n      - id: abmsync-validate\n"),
        ] {
            temp.write("plans/\(name)", text)
        }
        let binaryFolder = URL(fileURLWithPath: CLITests.binary).deletingLastPathComponent().path
        var environment = GitCLI.environment(home: temp.path)
        environment["PATH"] = binaryFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        environment["PRE_COMMIT_HOME"] = temp.file("pre-commit-cache")
        environment["ABMSYNC_TODAY"] = "2026-11-22"
        let install = runProcess(preCommit, ["install"], in: plans, environment: environment)
        #expect(install.status == 0, "\(install.combined)")

        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: 3\n    program: nowhere\n")
        runProcess(GitCLI.executable, ["add", "-A"], in: plans, environment: environment)
        let refused = runProcess(GitCLI.executable, ["commit", "-m", "broken"], in: plans, environment: environment)
        #expect(refused.status != 0)
        #expect(refused.combined.contains("abmsync validate (account plans and policy)"))
        #expect(refused.combined.contains("error[unknown-program]"), "\(refused.combined)")

        temp.write("plans/accounts.yaml", "accounts: {}\n")
        runProcess(GitCLI.executable, ["add", "-A"], in: plans, environment: environment)
        let accepted = runProcess(GitCLI.executable, ["commit", "-m", "fine"], in: plans, environment: environment)
        #expect(accepted.status == 0, "\(accepted.combined)")
        #expect(accepted.combined.contains("Passed"))
    }
}
