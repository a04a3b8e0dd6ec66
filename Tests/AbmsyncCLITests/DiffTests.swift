import ABMTestSupport
import Foundation
import Testing

/// `abmsync diff` on repositories the git CLI writes: one fixture pair (a commit and its edit) per
/// kind of diff line, the three formats (Markdown rendered by the cmark-gfm CLI, JSON checked against
/// templates/schemas/diff.schema.json by check-jsonschema), the ways of naming the two sides, and
/// hostile names.
@Suite struct DiffTests {
    static let policy = """
        version: 1
        tiers:
          1:
            name: Strategic (1:1)
            max_per_ae: 5
          2:
            name: Cluster (1:few)
          3:
            name: Programmatic (1:many)

        """

    static let team = """
        people:
          jane: {name: Jane Doe, email: jane@example.com, roles: [ae]}
          sam: {name: Sam Lee, email: sam@example.com, roles: [marketing]}
          vp: {name: Val Park, email: val@example.com, roles: [exec, admin]}

        """

    static let accounts = """
        accounts:
          acme-corp:
            name: Acme Corp
            domain: acme.com
            tier: 2
            ae: jane
            acv: 450000
            stage: evaluation
          globex:
            name: Globex
            tier: 3
            acv: 18000
            stage: target
          initech-old:
            name: Initech
            domain: initech.com
            tier: 3
            acv: 20000
            stage: target

        """

    static let plan = """
        ---
        account: acme-corp
        stakeholders:
          - name: Dana Ruiz
            title: CFO
            role: economic-buyer
            sentiment: neutral
          - name: Lee Chen
            title: CIO
            role: influencer
        ---
        # Acme Corp

        ## Summary
        Renewal of the platform deal in Q2.

        ## Plays
        - [ ] Q1 executive briefing (sam)
        - [x] Custom ROI model (sam)

        ## Risks
        Budget freeze in the EMEA region.
        Competitor pilot running.

        """

    struct Repo {
        let temp = TemporaryDirectory()
        var root: String { temp.path }

        init() {
            git(["init", "-q", "-b", "main"])
            temp.write("abmsync.yaml", DiffTests.policy)
            temp.write("team.yaml", DiffTests.team)
            temp.write("accounts.yaml", DiffTests.accounts)
            temp.write("accounts/acme-corp.md", DiffTests.plan)
            commit("start")
        }

        @discardableResult
        func git(_ arguments: [String]) -> ProcessOutput {
            let output = GitCLI.run(arguments, in: root)
            #expect(output.status == 0, "git \(arguments): \(output.combined)")
            return output
        }

        func edit(_ file: String, _ old: String, _ new: String) {
            let text = temp.read(file) ?? ""
            #expect(text.components(separatedBy: old).count == 2, "'\(old)' once in \(file)")
            temp.write(file, text.replacingOccurrences(of: old, with: new))
        }

        func commit(_ message: String) {
            git(["add", "-A"])
            git(["commit", "-q", "-m", message])
        }

        func diff(_ arguments: [String], environment: [String: String] = [:]) -> ProcessOutput {
            runProcess(
                CLITests.binary, ["diff"] + arguments, in: root,
                environment: GitCLI.environment(home: root).merging(["ABMSYNC_TODAY": "2026-11-22"]) { $1 }
                    .merging(environment) { $1 })
        }
    }

    /// One kind of diff line: an edit of the base repository, the lines the text diff must show, and
    /// lines it must not.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let edit: @Sendable (Repo) -> Void
        let shows: [String]
        var hides: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "account added",
            edit: { $0.edit("accounts.yaml", "  globex:\n", "  hooli:\n    name: Hooli\n    tier: 3\n    acv: 30000\n  globex:\n") },
            shows: ["Hooli (hooli)\n  added as tier 3\n"]),
        Case(
            name: "account removed",
            edit: { $0.edit("accounts.yaml", "  globex:\n    name: Globex\n    tier: 3\n    acv: 18000\n    stage: target\n", "") },
            shows: ["Globex (globex)\n  removed from the account list\n"]),
        Case(
            name: "id renamed",
            edit: { $0.edit("accounts.yaml", "  initech-old:\n", "  initech:\n") },
            shows: ["Initech (initech)\n  id renamed initech-old → initech\n"], hides: ["added", "removed"]),
        Case(
            name: "id renamed with its plan and a field",
            edit: { repo in
                repo.edit("accounts.yaml", "  acme-corp:\n", "  acme:\n")
                repo.edit("accounts.yaml", "stage: evaluation", "stage: negotiation")
                repo.edit("accounts/acme-corp.md", "account: acme-corp", "account: acme")
                repo.git(["mv", "accounts/acme-corp.md", "accounts/acme.md"])
            },
            shows: [
                "Acme Corp (acme)\n  id renamed acme-corp → acme\n  stage evaluation → negotiation\n",
                "plan moved accounts/acme-corp.md → accounts/acme.md", "plan account acme-corp → acme",
            ],
            hides: ["added", "removed", "deleted", "created"]),
        Case(name: "tier move", edit: { $0.edit("accounts.yaml", "    tier: 2\n", "    tier: 1\n") }, shows: ["  tier 2 → 1\n"]),
        Case(
            name: "owner change, by name", edit: { $0.edit("accounts.yaml", "ae: jane", "ae: vp") },
            shows: ["  AE Jane Doe → Val Park\n"]),
        Case(
            name: "money", edit: { $0.edit("accounts.yaml", "acv: 450000", "acv: 515000") },
            shows: ["  ACV $450,000 → $515,000 (+14%)\n"]),
        Case(
            name: "field", edit: { $0.edit("accounts.yaml", "stage: evaluation", "stage: negotiation") },
            shows: ["Acme Corp (acme-corp)\n  stage evaluation → negotiation\n"]),
        Case(
            name: "field set", edit: { $0.edit("accounts.yaml", "    stage: evaluation\n", "    stage: evaluation\n    intent: 72\n") },
            shows: ["  intent set to 72\n"]),
        Case(
            name: "entries that only moved are no change",
            edit: { repo in
                repo.edit("accounts.yaml", "  globex:\n    name: Globex\n    tier: 3\n    acv: 18000\n    stage: target\n", "")
                repo.edit("accounts.yaml", "accounts:\n", "accounts:\n  globex:\n    name: Globex\n    tier: 3\n    acv: 18000\n    stage: target\n")
            },
            shows: ["no plan changes.\n"], hides: ["Globex"]),
        Case(
            name: "stakeholder added",
            edit: { $0.edit("accounts/acme-corp.md", "---\n# Acme", "  - name: Omar Haddad\n    title: VP Engineering\n    role: champion\n---\n# Acme") },
            shows: ["  stakeholder added: Omar Haddad (title VP Engineering, role champion)\n"]),
        Case(
            name: "stakeholder removed",
            edit: { $0.edit("accounts/acme-corp.md", "  - name: Lee Chen\n    title: CIO\n    role: influencer\n", "") },
            shows: ["  stakeholder removed: Lee Chen\n"]),
        Case(
            name: "stakeholder changed", edit: { $0.edit("accounts/acme-corp.md", "sentiment: neutral", "sentiment: positive") },
            shows: ["  stakeholder Dana Ruiz: sentiment neutral → positive\n"]),
        Case(
            name: "section edited, with its lines",
            edit: { $0.edit("accounts/acme-corp.md", "deal in Q2.", "deal in Q3.") },
            shows: ["  section Summary edited\n", "    @@ Summary @@\n    ~ Renewal of the platform deal in [-Q2.-]{+Q3.+}\n"],
            hides: ["- Renewal"]),
        Case(
            name: "a line rewritten is a line removed and a line added",
            edit: { $0.edit("accounts/acme-corp.md", "Budget freeze in the EMEA region.", "Two new stakeholders joined after the offsite.") },
            shows: ["    - Budget freeze in the EMEA region.\n    + Two new stakeholders joined after the offsite.\n"]),
        Case(
            name: "section added",
            edit: { $0.edit("accounts/acme-corp.md", "## Risks\n", "## Objectives\nWin the renewal.\n\n## Risks\n") },
            shows: ["  section Objectives added\n", "    @@ Objectives @@\n    + Win the renewal.\n"]),
        Case(
            name: "section removed",
            edit: { $0.edit("accounts/acme-corp.md", "## Risks\nBudget freeze in the EMEA region.\nCompetitor pilot running.\n", "") },
            shows: ["  section Risks removed\n", "    - Budget freeze in the EMEA region.\n"]),
        Case(
            name: "section renamed", edit: { $0.edit("accounts/acme-corp.md", "## Risks\n", "## Risks and blockers\n") },
            shows: ["  section Risks renamed Risks and blockers\n"], hides: ["added", "removed"]),
        Case(
            name: "task ticked", edit: { $0.edit("accounts/acme-corp.md", "- [ ] Q1 executive", "- [x] Q1 executive") },
            shows: ["  task ticked: Q1 executive briefing (sam)\n"]),
        Case(
            name: "task unticked", edit: { $0.edit("accounts/acme-corp.md", "- [x] Custom ROI", "- [ ] Custom ROI") },
            shows: ["  task unticked: Custom ROI model (sam)\n"]),
        Case(
            name: "plan created",
            edit: { $0.temp.write("accounts/globex.md", "---\naccount: globex\n---\n# Globex\n\n## Summary\nNew.\n") },
            shows: ["Globex (globex)\n  plan created (accounts/globex.md)\n"]),
        Case(
            name: "cluster plan", edit: { $0.temp.write("clusters/fintech.md", "---\ncluster: fintech\n---\n# Fintech\n") },
            shows: ["fintech cluster plan (clusters/fintech.md)\n  plan created (clusters/fintech.md)\n"]),
        Case(
            name: "policy in words", edit: { $0.edit("abmsync.yaml", "max_per_ae: 5", "max_per_ae: 50") },
            shows: ["Policy (abmsync.yaml)\n  tier 1 max_per_ae 5 → 50\n"]),
        Case(
            name: "team in words", edit: { $0.edit("team.yaml", "roles: [marketing]", "roles: [marketing, admin, exec]") },
            shows: ["Team (team.yaml)\n  Sam Lee: roles + admin, exec\n"]),
        Case(
            name: "a finding the change introduces",
            edit: { $0.edit("accounts.yaml", "ae: jane", "ae: nobody") },
            shows: ["  AE Jane Doe → nobody\n", "  accounts.yaml:6:9: error[unknown-person]"]),
    ]

    @Test(arguments: cases) func eachKindOfDiffLine(_ kind: Case) {
        let repo = Repo()
        kind.edit(repo)
        repo.commit(kind.name)
        let out = repo.diff(["HEAD~1..HEAD"])
        #expect(out.status == 0, "\(out.combined)")
        for line in kind.shows { #expect(out.stdout.contains(line), "\(kind.name): expected \(line.debugDescription) in:\n\(out.stdout)") }
        for word in kind.hides { #expect(!out.stdout.contains(word), "\(kind.name): '\(word)' in:\n\(out.stdout)") }
    }

    @Test func aFindingTheRepositoryHadBeforeIsNotListed() {
        let repo = Repo()
        repo.edit("accounts.yaml", "ae: jane", "ae: nobody")
        repo.commit("broken owner")
        repo.edit("accounts.yaml", "stage: evaluation", "stage: negotiation")
        repo.commit("stage")
        let out = repo.diff(["HEAD~1..HEAD", "--format", "json"])
        #expect(out.status == 0, "\(out.combined)")
        #expect(!out.stdout.contains("unknown-person"), "\(out.stdout)")
        #expect(out.stdout.contains("\"new_errors\": 0"), "\(out.stdout)")
    }

    @Test func noFindingsLeavesTheValidationOut() {
        let repo = Repo()
        repo.edit("accounts.yaml", "ae: jane", "ae: nobody")
        repo.commit("broken owner")
        let out = repo.diff(["HEAD~1..HEAD", "--no-findings"])
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("AE Jane Doe → nobody") && !out.stdout.contains("unknown-person"), "\(out.stdout)")
    }

    // MARK: the two sides

    @Test func theWorkingFilesAgainstHEADByDefaultAndTheStagedSnapshotWithStaged() {
        let repo = Repo()
        repo.edit("accounts.yaml", "stage: evaluation", "stage: negotiation")
        repo.git(["add", "accounts.yaml"])
        repo.edit("accounts.yaml", "acv: 450000", "acv: 500000")
        let working = repo.diff([])
        #expect(working.status == 0, "\(working.combined)")
        #expect(working.stdout.contains("stage evaluation → negotiation") && working.stdout.contains("ACV $450,000 → $500,000"), "\(working.stdout)")
        let staged = repo.diff(["--staged"])
        #expect(staged.stdout.contains("stage evaluation → negotiation"), "\(staged.stdout)")
        #expect(!staged.stdout.contains("ACV $450,000"), "\(staged.stdout)")
        #expect(staged.stdout.hasPrefix("Changes from HEAD ("), "\(staged.stdout)")
        // A revision alone: the working files against it.
        repo.commit("both")
        repo.edit("accounts.yaml", "stage: negotiation", "stage: won")
        let sinceStart = repo.diff(["HEAD~1"])
        #expect(sinceStart.stdout.contains("stage evaluation → won") && sinceStart.stdout.contains("ACV $450,000 → $500,000"), "\(sinceStart.stdout)")
    }

    @Test func threeDotsCompareWithTheCommonHistory() {
        let repo = Repo()
        repo.git(["checkout", "-q", "-b", "feature"])
        repo.edit("accounts.yaml", "stage: evaluation", "stage: negotiation")
        repo.commit("feature: stage")
        repo.git(["checkout", "-q", "main"])
        repo.edit("accounts.yaml", "acv: 18000", "acv: 19000")
        repo.commit("main: globex acv")
        let pr = repo.diff(["main...feature"])
        #expect(pr.status == 0, "\(pr.combined)")
        #expect(pr.stdout.contains("stage evaluation → negotiation"), "\(pr.stdout)")
        #expect(!pr.stdout.contains("Globex"), "main's own change is not the branch's: \(pr.stdout)")
        let direct = repo.diff(["main..feature"])
        #expect(direct.stdout.contains("Globex (globex)\n  ACV $19,000 → $18,000 (-5%)"), "\(direct.stdout)")
    }

    @Test func aBadRevisionIsNamedAndAUsageErrorIs64() {
        let repo = Repo()
        let bad = repo.diff(["no-such-branch"])
        #expect(bad.status == 2, "\(bad.combined)")
        #expect(bad.stderr.contains("error: revision 'no-such-branch' not found"), "\(bad.stderr)")
        #expect(bad.stderr.contains("hint: check the revision name with 'git log --oneline'"), "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)
        let badRange = repo.diff(["HEAD..nope"])
        #expect(badRange.status == 2 && badRange.stderr.contains("revision 'nope' not found"), "\(badRange.stderr)")
        let usage = repo.diff(["--staged", "HEAD"])
        #expect(usage.status == 64, "\(usage.combined)")
        let format = repo.diff(["--format", "yaml"])
        #expect(format.status == 64, "\(format.combined)")
    }

    // MARK: formats

    static func tool(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/root/.pyenv/shims", "/usr/local/bin", "/usr/bin"] {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A change touching every part: two accounts, a plan, the policy and the team.
    static func busyRepo() -> Repo {
        let repo = Repo()
        repo.edit("accounts.yaml", "    tier: 2\n", "    tier: 1\n")
        repo.edit("accounts.yaml", "acv: 450000", "acv: 515000")
        repo.edit("accounts.yaml", "  initech-old:\n", "  initech:\n")
        repo.edit("accounts/acme-corp.md", "- [ ] Q1 executive", "- [x] Q1 executive")
        repo.edit("accounts/acme-corp.md", "deal in Q2.", "deal in Q3 ```` (fenced).")
        repo.edit("abmsync.yaml", "max_per_ae: 5", "max_per_ae: 50")
        repo.edit("team.yaml", "roles: [marketing]", "roles: [marketing, admin, exec]")
        repo.commit("busy")
        return repo
    }

    @Test func markdownRendersAsASummaryTableAndOneDetailsBlockPerAccountWithDiffBlocks() throws {
        let cmark = try #require(Self.tool("cmark-gfm"), "cmark-gfm is not installed: run scripts/setup.sh")
        let repo = Self.busyRepo()
        let out = repo.diff(["HEAD~1..HEAD", "--format", "markdown"])
        #expect(out.status == 0, "\(out.combined)")
        let html = runProcess(cmark, ["-e", "table", "--unsafe"], input: out.stdout).stdout
        #expect(html.contains("<table>") && html.contains("<th>Tier</th>") && html.contains("<th align=\"right\">ACV moved</th>"), "\(html)")
        #expect(html.contains("<td>1</td>\n<td align=\"right\">1</td>\n<td align=\"right\">+$515,000</td>"), "\(html)")
        #expect(html.components(separatedBy: "<details>").count - 1 == 2, "\(html)")
        #expect(html.components(separatedBy: "</details>").count - 1 == 2, "\(html)")
        #expect(html.contains("<summary><b>Acme Corp (acme-corp)</b>"), "\(html)")
        // The diff blocks: GitHub colours them by the first column.
        #expect(html.components(separatedBy: "<pre><code class=\"language-diff\">").count - 1 == 1, "\(html)")
        #expect(html.contains("<code class=\"language-diff\">- tier: 2\n+ tier: 1\n"), "\(html)")
        #expect(html.contains("+ - [x] Q1 executive briefing (sam)\n"), "\(html)")
        // A run of backticks in a plan stays inside its block.
        #expect(html.contains("+ Renewal of the platform deal in Q3 ```` (fenced).\n"), "\(html)")
        #expect(html.contains("tier 1 max_per_ae 5 → 50") && html.contains("Sam Lee: roles + admin, exec"), "\(html)")
        #expect(html.contains("ACV $450,000 → $515,000 (+14%)"), "\(html)")
    }

    @Test func markdownStaysUnderGitHubsCommentLimitWithANote() throws {
        let repo = Repo()
        var entries = ""
        for index in 0..<400 { entries += "  bulk-\(index):\n    name: Bulk \(index)\n    tier: 3\n    acv: 10000\n" }
        repo.edit("accounts.yaml", "accounts:\n", "accounts:\n" + entries)
        repo.commit("many")
        let longLine = String(repeating: "The buying group meets every quarter to review the roadmap. ", count: 4)
        for index in 0..<400 {
            repo.temp.write("accounts/bulk-\(index).md", "---\naccount: bulk-\(index)\n---\n# Bulk\n\n## Summary\n\(longLine)\n")
        }
        repo.commit("plans")
        let out = repo.diff(["HEAD~1..HEAD", "--format", "markdown"])
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.utf8.count <= 65_536, "\(out.stdout.utf8.count) bytes")
        #expect(out.stdout.contains("more changes not shown** (GitHub comments hold at most 65536 characters): run `abmsync diff HEAD~1..HEAD`"))
        let cmark = try #require(Self.tool("cmark-gfm"), "cmark-gfm is not installed: run scripts/setup.sh")
        let html = runProcess(cmark, ["-e", "table", "--unsafe"], input: out.stdout).stdout
        #expect(html.components(separatedBy: "<details>").count == html.components(separatedBy: "</details>").count)
    }

    @Test func jsonFollowsItsSchema() throws {
        let checker = try #require(Self.tool("check-jsonschema"), "check-jsonschema is not installed: run scripts/setup.sh")
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates/schemas/diff.schema.json").path
        let repo = Self.busyRepo()
        // Plus a removed account, a new finding and a stakeholder: every part of the schema is used.
        repo.edit("accounts.yaml", "  globex:\n    name: Globex\n    tier: 3\n    acv: 18000\n    stage: target\n", "")
        repo.edit("accounts.yaml", "ae: jane", "ae: nobody")
        repo.edit("accounts/acme-corp.md", "sentiment: neutral", "sentiment: positive")
        repo.temp.write("clusters/fintech.md", "---\ncluster: fintech\n---\n# Fintech\n")
        repo.commit("more")
        let out = repo.diff(["HEAD~2..HEAD", "--format", "json"])
        #expect(out.status == 0, "\(out.combined)")
        let file = repo.temp.file("diff.json")
        try out.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let checked = runProcess(checker, ["--schemafile", schema, file])
        #expect(checked.status == 0, "\(checked.combined)\n\(out.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        let accounts = try #require(object["accounts"] as? [[String: Any]])
        #expect(accounts.map { $0["status"] as? String } == ["changed", "renamed", "removed"], "\(accounts)")
        // The word-level change of the rewritten summary line.
        #expect(out.stdout.contains("{\"op\": \"-\", \"text\": \"Q2.\"}") && out.stdout.contains("{\"op\": \"+\", \"text\": \"Q3 ```` (fenced).\"}"), "\(out.stdout)")
        // And a document that breaks the schema is refused (the check can fail).
        try out.stdout.replacingOccurrences(of: "\"schema_version\": 1", with: "\"schema_version\": 2")
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(runProcess(checker, ["--schemafile", schema, file]).status != 0)
    }

    @Test func hostileNamesAreEscapedInEveryFormat() throws {
        let repo = Repo()
        repo.edit("accounts.yaml", "    name: Acme Corp\n", "    name: \"Acme\\e]0;OWNED\\a\\nCorp | <b>x</b>\"\n")
        repo.commit("hostile")
        for format in ["text", "markdown", "json"] {
            let out = repo.diff(["HEAD~1..HEAD", "--format", format])
            #expect(out.status == 0, "\(out.combined)")
            #expect(!out.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(format): a raw control character")
            #expect(!out.stdout.contains("\nCorp"), "\(format): the name's line break was printed as one")
        }
        let text = repo.diff(["HEAD~1..HEAD"]).stdout
        #expect(text.contains("Acme\\x1B]0;OWNED\\x07\\x0ACorp | <b>x</b> (acme-corp)\n  name Acme Corp → \"Acme\\x1B]0;OWNED\\x07 …\" (2 lines)\n"), "\(text)")
        let markdown = repo.diff(["HEAD~1..HEAD", "--format", "markdown"]).stdout
        #expect(markdown.contains("<summary><b>Acme\\x1B]0;OWNED\\x07\\x0ACorp | &lt;b&gt;x&lt;/b&gt; (acme-corp)</b>"), "\(markdown)")
        let cmark = try #require(Self.tool("cmark-gfm"), "cmark-gfm is not installed: run scripts/setup.sh")
        let html = runProcess(cmark, ["-e", "table", "--unsafe"], input: markdown).stdout
        #expect(!html.contains("<b>x</b>") && html.contains("&lt;b&gt;x&lt;/b&gt;"), "\(html)")
        #expect(html.components(separatedBy: "<details>").count - 1 == 1, "\(html)")
        let json = repo.diff(["HEAD~1..HEAD", "--format", "json"]).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let name = ((object["accounts"] as? [[String: Any]])?.first?["name"] as? String) ?? ""
        #expect(name == "Acme\u{1B}]0;OWNED\u{07}\nCorp | <b>x</b>", "JSON keeps the value exactly: \(name.debugDescription)")
    }

    /// A file the working tree cannot give (a link, too large) is not compared, never shown as deleted.
    @Test func aFileThatCannotBeReadIsNotComparedNotDeleted() throws {
        let repo = Repo()
        let plan = repo.root + "/accounts/acme-corp.md"
        try FileManager.default.removeItem(atPath: plan)
        try String(repeating: "pasted text ", count: 300_000).write(toFile: plan, atomically: true, encoding: .utf8)
        let accounts = repo.root + "/accounts.yaml"
        try FileManager.default.removeItem(atPath: accounts)
        try FileManager.default.createSymbolicLink(atPath: accounts, withDestinationPath: "/etc/passwd")
        for format in ["text", "markdown", "json"] {
            let out = repo.diff(["--format", format])
            #expect(out.status == 0, "\(out.combined)")
            #expect(!out.stdout.contains("removed") && !out.stdout.contains("deleted"), "\(format): \(out.stdout)")
            #expect(out.stdout.contains("symbolic link") && out.stdout.contains("KiB limit"), "\(format): \(out.stdout)")
            #expect(!out.stdout.contains("root:"), "\(format): the link's target was read")
        }
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        let repo = Repo()
        repo.edit("accounts/acme-corp.md", "deal in Q2.", "deal in Q3.")
        repo.commit("edit")
        // Not a terminal (a pipe): no colour.
        #expect(!repo.diff(["HEAD~1..HEAD"]).stdout.contains("\u{1B}["))
        // A terminal (script(1) gives one): colour, unless NO_COLOR is set.
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else { return }
        let command = "\(CLITests.binary) diff HEAD~1..HEAD"
        // (The test runner may set NO_COLOR itself; an empty one counts as unset, as no-color.org says.)
        let environment = GitCLI.environment(home: repo.root).merging(["NO_COLOR": ""]) { $1 }
        let coloured = runProcess(script, ["-qec", command, "/dev/null"], in: repo.root, environment: environment)
        #expect(coloured.stdout.contains("Renewal of the platform deal in \u{1B}[31m[-Q2.-]\u{1B}[0m\u{1B}[32m{+Q3.+}\u{1B}[0m"), "\(coloured.stdout)")
        let plain = runProcess(script, ["-qec", command, "/dev/null"], in: repo.root, environment: environment.merging(["NO_COLOR": "1"]) { $1 })
        #expect(plain.stdout.contains("~ Renewal of the platform deal in [-Q2.-]{+Q3.+}") && !plain.stdout.contains("\u{1B}["), "\(plain.stdout)")
    }
}
