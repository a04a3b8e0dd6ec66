@testable import ABMCache
import ABMCore
import ABMTestSupport
import Foundation
import GitKit
import Testing

@testable import ABMSync

/// `validate --staged` reuses parse results from `.git/abmsync/cache-v1`; the results must be
/// exactly those of a run without the cache.
@Suite(.serialized) struct ParseCacheTests {
    init() { GitIsolation.apply() }

    let today = PlanDate(year: 2026, month: 11, day: 22)!

    static func plan(_ id: String, notes: String = "generated", extra: String = "") -> String {
        """
        ---
        account: \(id)
        owner_notes: \(notes)
        stakeholders:
          - {name: Person 0, title: CFO, role: economic-buyer, sentiment: neutral}
          - name: Person 1
            role: champion
        \(extra)---
        # \(id) — account plan

        ## Summary
        Generated plan.

        ## Objectives
        | Objective | Owner | Due | Status |
        | --- | --- | --- | --- |
        | grow | jane | 2026-12-01 | open |

        ## Plays
        - [x] done
        - [ ] open
        - plain

        ```
        code
        ```
        > quote

        ---

        """
    }

    /// What `validate --staged` gives with the cache of the previous state.
    func staged(_ repository: PlanRepository) throws -> IncrementalValidation.Outcome {
        let source = try StagedSource(repository: repository.git)
        return ValidateUseCase.cachedOutcome(
            source, fingerprints: source.fingerprints,
            cachePath: ParseCacheStore.path(gitDirectory: repository.git.gitDirectory), today: today)
    }

    /// Validates the index cold (no cache) and warm (records and memo from the previous run); both
    /// must agree, and the warm run must reuse every unchanged file.
    func check(_ root: String, _ comment: Comment) throws {
        let repository = try PlanRepository.locate(from: root)
        let cachePath = ParseCacheStore.path(gitDirectory: repository.git.gitDirectory)
        // The workspace rebuilt from the records equals one parsed from scratch.
        let source = try StagedSource(repository: repository.git)
        let reused = RecordedFiles.read(
            from: source, reusing: ParseReuse(fingerprints: source.fingerprints, previous: ParseCacheStore.read(cachePath).parses)
        ).assemble(source: source)
        let coldLoad = WorkspaceLoader.load(from: try StagedSource(repository: repository.git))
        #expect(reused.workspace.plans == coldLoad.workspace.plans, comment)
        #expect(reused.workspace.documents == coldLoad.workspace.documents, comment)
        #expect(reused.workspace.presentFiles == coldLoad.workspace.presentFiles, comment)
        #expect(reused.workspace.accounts == coldLoad.workspace.accounts, comment)
        let cold = ValidateUseCase.report(for: coldLoad, today: today)
        // What `validate --staged` prints: the same as a cold run, the first time (cache of the
        // previous state) and the second (cache of this state, or the same few files parsed again).
        // Exactly the files whose blob the cache does not hold are parsed: this step's changes, and
        // those of earlier steps that re-read too few files to rewrite the cache.
        let fingerprints = source.fingerprints
        let recorded = ParseCacheStore.read(cachePath).parses
        let unseen = coldLoad.workspace.presentFiles.filter {
            $0 != WorkspaceFile.policy && $0 != WorkspaceFile.team && fingerprints[$0] != nil
                && recorded[$0]?.fingerprint != fingerprints[$0]
        }
        let warm = try staged(repository)
        #expect(warm.reparsed == unseen.count, comment)
        let again = try staged(repository)
        #expect(again.reparsed <= warm.reparsed, comment)
        for (round, outcome) in [warm, again].enumerated() {
            #expect(outcome.report.findings == cold.findings, "\(comment) (round \(round + 1))")
            #expect(outcome.report.renderText() == cold.renderText(), "\(comment) (round \(round + 1))")
        }
        #expect(again.reusedMemo || again.memo == nil, comment)
        #expect(FileManager.default.fileExists(atPath: cachePath), comment)
    }

    @Test func stagedResultsAreTheSameWithAndWithoutTheCache() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        temp.write(
            "plans/accounts.yaml",
            """
            accounts:
              acme:
                name: Acme
                tier: 1
                ae: jane
                unknown_field: 3
              beta:
                tier: 3
              gamma:
                tier: 2
                tier: 2

            """)
        temp.write("plans/accounts/acme.md", Self.plan("acme"))
        temp.write("plans/accounts/beta.md", Self.plan("beta", extra: "kpis: [broken\n"))
        temp.write("plans/accounts/gamma.md", "no front matter\n\n## Summary\n")
        temp.write("plans/accounts/delta.md", "---\naccount: delta\n")  // unterminated
        temp.write("plans/accounts/eps.md", "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n")
        temp.write("plans/clusters/fintech.md", "---\ncluster: fintech\nowner: sam\n---\n# Fintech\n")
        GitCLI.run(["add", "-A"], in: root)
        try check(root, "first run, no cache")

        // Edit one plan: only it is parsed again.
        temp.write("plans/accounts/acme.md", Self.plan("acme", notes: "edited"))
        GitCLI.run(["add", "-A"], in: root)
        try check(root, "one plan edited")

        // Add and remove plans.
        temp.write("plans/accounts/zeta.md", Self.plan("zeta"))
        temp.write("plans/programs/emea.md", "---\nprogram: emea\n---\n# EMEA\n")
        GitCLI.run(["rm", "-q", "-f", "accounts/beta.md"], in: root)
        GitCLI.run(["add", "-A"], in: root)
        try check(root, "plans added and removed")

        // The same content under another name is parsed for its own path.
        temp.write("plans/accounts/eta.md", Self.plan("acme", notes: "edited"))
        GitCLI.run(["add", "-A"], in: root)
        try check(root, "copied plan")

        // accounts.yaml edited, then broken, then removed.
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: 1\n  zeta:\n    tier: 3\n")
        GitCLI.run(["add", "-A"], in: root)
        try check(root, "accounts.yaml edited")
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: [1\n")
        GitCLI.run(["add", "-A"], in: root)
        try check(root, "accounts.yaml broken")
        GitCLI.run(["rm", "-q", "-f", "accounts.yaml"], in: root)
        try check(root, "accounts.yaml removed")

        // A plan replaced by a symbolic link is reported as before, never served from the cache.
        GitCLI.run(["rm", "-q", "-f", "accounts/zeta.md"], in: root)
        try FileManager.default.createSymbolicLink(atPath: temp.file("plans/accounts/zeta.md"), withDestinationPath: "eta.md")
        GitCLI.run(["add", "-A"], in: root)
        try check(root, "symbolic link")
        let report = try ValidateUseCase.run(at: root, scope: .staged, today: today)
        #expect(report.findings.contains { $0.rule == "file-symlink" && $0.location.file == "accounts/zeta.md" })
    }

    @Test func aDamagedOrForeignCacheIsIgnored() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: 1\n")
        temp.write("plans/accounts/acme.md", Self.plan("acme"))
        GitCLI.run(["add", "-A"], in: root)
        let repository = try PlanRepository.locate(from: root)
        let gitDirectory = repository.git.gitDirectory
        let cachePath = ParseCacheStore.path(gitDirectory: gitDirectory)
        // What the cache holds: validation's findings (the staged change's permission check is not cached).
        let expected = try ValidateUseCase.run(at: root, scope: .staged, today: today).findings.filter { !$0.rule.hasPrefix("permission-") }
        let good = try #require(FileManager.default.contents(atPath: cachePath))
        #expect(!ParseCacheStore.read(cachePath).parses.isEmpty)

        func staged() throws -> IncrementalValidation.Outcome { try self.staged(repository) }
        var damaged: [Data] = []
        var flipped = good
        flipped[good.count - 3] ^= 0x20  // a byte of the payload
        damaged.append(flipped)
        damaged.append(good.prefix(good.count / 2))  // truncated
        damaged.append(good + Data([0]))  // trailing garbage
        damaged.append(Data())
        damaged.append(Data("not a cache".utf8))
        var otherVersion = good
        otherVersion[CacheFile.magic.count] ^= 1  // another codec version
        damaged.append(otherVersion)
        for (number, bytes) in damaged.enumerated() {
            try bytes.write(to: URL(fileURLWithPath: cachePath))
            #expect(ParseCacheStore.read(cachePath).parses.isEmpty, "case \(number)")
            let load = try staged()
            #expect(load.reparsed > 0, "case \(number)")
            #expect(load.report.findings == expected, "case \(number)")
            // It was rewritten and is usable again.
            #expect(try staged().reparsed == 0, "case \(number)")
        }

        // A folder where the cache should be: validation still works.
        try FileManager.default.removeItem(atPath: cachePath)
        try FileManager.default.createDirectory(atPath: cachePath, withIntermediateDirectories: true)
        #expect(try ValidateUseCase.run(at: root, scope: .staged, today: today).findings.filter { !$0.rule.hasPrefix("permission-") } == expected)
    }
}

extension ParseCacheTests {
    /// A commit's tree gives blob ids too: `validate --rev` and push validation reuse the cache, with
    /// the same findings as a cold load.
    @Test func commitSnapshotsReuseTheCacheWithTheSameFindings() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    name: Acme\n    tier: 1\n    ae: nobody\n")
        temp.write("plans/accounts/acme.md", Self.plan("acme"))
        GitCLI.run(["add", "-A"], in: root)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "plans"], in: root)
        let repository = try PlanRepository.locate(from: root)
        let head = try #require(try repository.git.headCommitID())
        let source = try CommitSource(repository: repository.git, commit: head)
        #expect(Set(source.fingerprints.paths).isSuperset(of: ["accounts.yaml", "accounts/acme.md", "team.yaml"]))
        let cachePath = ParseCacheStore.path(gitDirectory: repository.git.gitDirectory)
        let first = ValidateUseCase.cachedOutcome(source, fingerprints: source.fingerprints, cachePath: cachePath, today: today)
        let second = ValidateUseCase.cachedOutcome(source, fingerprints: source.fingerprints, cachePath: cachePath, today: today)
        #expect(second.reparsed == 0 && second.reusedMemo)
        let cold = ValidateUseCase.report(for: WorkspaceLoader.load(from: source), today: today)
        #expect(first.report.findings == cold.findings)
        #expect(second.report.findings == cold.findings)
        #expect(cold.findings.contains { $0.rule == "unknown-person" })
    }
}

/// `abmsync validate` on the working tree keeps parse results keyed by each file's stat data in
/// `.git/abmsync/tree-cache-v1`; any edit, even one that keeps the size, must be seen.
@Suite(.serialized) struct WorkingTreeCacheTests {
    init() { GitIsolation.apply() }

    let today = PlanDate(year: 2026, month: 11, day: 22)!

    @Test func everyEditIsSeenAndUnchangedFilesAreReused() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    tier: 3\n  zeta:\n    tier: 3\n")
        temp.write("plans/accounts/acme.md", ParseCacheTests.plan("acme"))
        temp.write("plans/accounts/zeta.md", ParseCacheTests.plan("zeta"))
        let repository = try PlanRepository.locate(from: root)
        let cachePath = ParseCacheStore.path(gitDirectory: repository.git.gitDirectory, workingTree: true)
        let fresh = try ValidateUseCase.run(at: root, scope: .workingTree, today: today)
        // Files changed in the last two seconds are never taken from the cache.
        #expect(ParseCacheStore.read(cachePath).parses.isEmpty)
        Thread.sleep(forTimeInterval: 2.2)
        #expect(try ValidateUseCase.run(at: root, scope: .workingTree, today: today).findings == fresh.findings)
        let cached = ParseCacheStore.read(cachePath).parses
        #expect(cached.paths.contains("accounts/acme.md") && cached.paths.contains("accounts.yaml"))

        // Same size, new content: the plan id no longer matches its file name.
        let edited = ParseCacheTests.plan("acme").replacingOccurrences(of: "account: acme", with: "account: acmx")
        temp.write("plans/accounts/acme.md", edited)
        // Past the racy window, so the new stat data (not the window) is what tells the change.
        Thread.sleep(forTimeInterval: 2.2)
        let report = try ValidateUseCase.run(at: root, scope: .workingTree, today: today)
        #expect(report.findings.contains { $0.rule == "plan-id" && $0.location.file == "accounts/acme.md" })
        let cold = ValidateUseCase.report(for: WorkspaceLoader.load(from: WorkingTreeSource(root: root)), today: today)
        #expect(report.findings == cold.findings)
        #expect(report.renderText() == cold.renderText())
    }

}

extension ParseCacheTests {
    /// The command line leaves what a run built for the operating system to take back
    /// (`freeingMemory: false`); the report is the same.
    @Test func aRunThatLeavesItsMemoryReportsTheSame() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        temp.write("plans/accounts.yaml", "accounts:\n  acme:\n    name: Acme\n    tier: 1\n    ae: nobody\n")
        temp.write("plans/accounts/acme.md", Self.plan("acme"))
        GitCLI.run(["add", "-A"], in: root)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "plans"], in: root)
        for scope in [ValidationScope.workingTree, .staged, .revision("HEAD")] {
            let freed = try ValidateUseCase.run(at: root, scope: scope, today: today)
            let left = try ValidateUseCase.run(at: root, scope: scope, today: today, freeingMemory: false)
            #expect(!freed.findings.isEmpty)
            #expect(left.findings == freed.findings, "\(scope)")
            #expect(left.renderText() == freed.renderText(), "\(scope)")
        }
    }

    /// A new account list is written to the cache once it stays (committed), not while the commit it
    /// is checked for may still be refused and edited again; either way the findings are a full run's.
    @Test func aNewAccountListIsKeptOnceCommitted() throws {
        let temp = TemporaryDirectory()
        let root = temp.file("plans")
        _ = try Initializer.run(at: root, remote: nil, executable: "/bin/true")
        func accounts(_ acv: Int) -> String {
            "accounts:\n" + (0..<40).map { "  acct-\($0):\n    name: Account \($0)\n    tier: 3\n    acv: \($0 == 7 ? acv : 1000)\n" }.joined()
        }
        temp.write("plans/accounts.yaml", accounts(1000))
        GitCLI.run(["add", "-A"], in: root)
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "list"], in: root)
        let repository = try PlanRepository.locate(from: root)
        let cachePath = ParseCacheStore.path(gitDirectory: repository.git.gitDirectory)
        func cacheIdentity() -> String {
            var info = stat()
            guard stat(cachePath, &info) == 0 else { return "none" }
            return "\(info.st_ino) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        func staged() throws -> ValidationReport {
            // Validation's findings only (the permission check of the staged change is not cached).
            let all = try ValidateUseCase.run(at: root, scope: .staged, today: today)
            let report = ValidationReport(findings: all.findings.filter { !$0.rule.hasPrefix("permission-") }, accountNames: all.accountNames)
            let cold = ValidateUseCase.report(for: WorkspaceLoader.load(from: try StagedSource(repository: repository.git)), today: today)
            #expect(report.findings == cold.findings)
            #expect(report.renderText() == cold.renderText())
            return report
        }
        _ = try staged()
        let written = cacheIdentity()
        #expect(written != "none")

        // Staged, not committed: checked, the cache left as it is.
        temp.write("plans/accounts.yaml", accounts(2000))
        GitCLI.run(["add", "accounts.yaml"], in: root)
        _ = try staged()
        #expect(cacheIdentity() == written)
        // Committed: the next run keeps it.
        GitCLI.run(["commit", "-q", "--no-verify", "-m", "acv"], in: root)
        _ = try staged()
        let kept = cacheIdentity()
        #expect(kept != written)
        let records = ParseCacheStore.read(cachePath).parses
        let committed = GitCLI.run(["rev-parse", "HEAD:accounts.yaml"], in: root).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(records[WorkspaceFile.accounts]?.fingerprint == committed)
        _ = try staged()
        #expect(cacheIdentity() == kept)
    }
}
