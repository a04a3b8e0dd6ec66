import Testing

@testable import ABMCore

@Suite struct ValidationReportTests {
    static func at(_ file: String, _ line: Int, _ column: Int) -> ABMCore.SourceLocation {
        ABMCore.SourceLocation(file: file, line: line, column: column)
    }

    /// Four findings, given out of order: two about acme (an error after a warning), one about
    /// globex, one about no account.
    static let findings = [
        Finding(
            .warning, rule: "min-acv", at: at("accounts.yaml", 9, 10), "ACV 50000 is below 100000",
            why: "tiers follow revenue", fix: "move it to tier 2", account: "acme"),
        Finding(
            .error, rule: "duplicate-email", at: at("team.yaml", 8, 12), "sam has jane's email",
            why: "authors are matched by email", fix: "use another address"),
        Finding(
            .error, rule: "unknown-cluster", at: at("accounts.yaml", 17, 14), "cluster 'retail' has no plan",
            why: "clusters need a plan", fix: "create clusters/retail.md", account: "globex"),
        Finding(
            .error, rule: "owner-role", at: at("accounts.yaml", 8, 14), "sponsor 'sam' is not an exec",
            why: "tier 1 needs an executive sponsor", fix: "name an exec", account: "acme"),
    ]

    let report = ValidationReport(findings: findings, accountNames: ["acme": "Acme Corp", "globex": "globex"])

    @Test func sortsErrorsFirstThenByPlaceAndGroupsPerAccount() {
        #expect(report.findings.map(\.rule) == ["owner-role", "unknown-cluster", "duplicate-email", "min-acv"])
        #expect(report.groups.map(\.account) == ["acme", "globex", nil])
        #expect(report.groups[0].findings.map(\.rule) == ["owner-role", "min-acv"])
        #expect((report.errorCount, report.warningCount, report.fileCount, report.accountCount) == (3, 1, 2, 2))
        #expect(report.hasErrors)
    }

    @Test func summaryLine() {
        #expect(report.summary == "3 errors, 1 warning in 2 accounts and 1 other file")
        let accountsOnly = ValidationReport(findings: Array(Self.findings.filter { $0.account != nil }))
        #expect(accountsOnly.summary == "2 errors, 1 warning in 2 accounts")
        let one = ValidationReport(findings: [Self.findings[1]])
        #expect(one.summary == "1 error, 0 warnings in 1 file")
        #expect(ValidationReport(findings: []).summary == "no problems found")
    }

    @Test func text() {
        #expect(
            report.renderText() == """
                Acme Corp (acme)
                  accounts.yaml:8:14: error[owner-role]: sponsor 'sam' is not an exec — tier 1 needs an executive sponsor — name an exec
                  accounts.yaml:9:10: warning[min-acv]: ACV 50000 is below 100000 — tiers follow revenue — move it to tier 2

                globex
                  accounts.yaml:17:14: error[unknown-cluster]: cluster 'retail' has no plan — clusters need a plan — create clusters/retail.md

                Shared files
                  team.yaml:8:12: error[duplicate-email]: sam has jane's email — authors are matched by email — use another address

                3 errors, 1 warning in 2 accounts and 1 other file

                """)
        #expect(ValidationReport(findings: []).renderText() == "no problems found\n")
    }

    @Test func json() {
        #expect(
            report.renderJSON() == """
                {
                  "version": 1,
                  "summary": {"errors": 3, "warnings": 1, "files": 2},
                  "findings": [
                    {"file": "accounts.yaml", "line": 8, "column": 14, "severity": "error", "rule": "owner-role", "message": "sponsor 'sam' is not an exec", "why": "tier 1 needs an executive sponsor", "fix": "name an exec", "account": "acme"},
                    {"file": "accounts.yaml", "line": 17, "column": 14, "severity": "error", "rule": "unknown-cluster", "message": "cluster 'retail' has no plan", "why": "clusters need a plan", "fix": "create clusters/retail.md", "account": "globex"},
                    {"file": "team.yaml", "line": 8, "column": 12, "severity": "error", "rule": "duplicate-email", "message": "sam has jane's email", "why": "authors are matched by email", "fix": "use another address", "account": null},
                    {"file": "accounts.yaml", "line": 9, "column": 10, "severity": "warning", "rule": "min-acv", "message": "ACV 50000 is below 100000", "why": "tiers follow revenue", "fix": "move it to tier 2", "account": "acme"}
                  ]
                }

                """)
        #expect(
            ValidationReport(findings: []).renderJSON() == """
                {
                  "version": 1,
                  "summary": {"errors": 0, "warnings": 0, "files": 0},
                  "findings": []
                }

                """)
    }

    @Test func jsonEscapesStrings() {
        let finding = Finding(.error, rule: "kpi-shape", at: Self.at("accounts/a.md", 1, 1), "KPI \"x\\y\"\n\tz\u{1}")
        let json = ValidationReport(findings: [finding]).renderJSON()
        // Control characters are escaped for display first (DisplayText: `jq -r` cannot print them
        // raw), then the text is a JSON string.
        #expect(json.contains(#""message": "KPI \"x\\y\"\\x0A\\x09z\\x01", "why": null, "fix": null, "account": null"#))
    }

    @Test func gitHubAnnotations() {
        #expect(
            report.renderGitHubAnnotations() == """
                ::error file=accounts.yaml,line=8,col=14,title=abmsync owner-role (acme)::sponsor 'sam' is not an exec%0Awhy: tier 1 needs an executive sponsor%0Afix: name an exec
                ::error file=accounts.yaml,line=17,col=14,title=abmsync unknown-cluster (globex)::cluster 'retail' has no plan%0Awhy: clusters need a plan%0Afix: create clusters/retail.md
                ::error file=team.yaml,line=8,col=12,title=abmsync duplicate-email::sam has jane's email%0Awhy: authors are matched by email%0Afix: use another address
                ::warning file=accounts.yaml,line=9,col=10,title=abmsync min-acv (acme)::ACV 50000 is below 100000%0Awhy: tiers follow revenue%0Afix: move it to tier 2
                abmsync validate: 3 errors, 1 warning in 2 accounts and 1 other file

                """)
    }

    @Test func gitHubEscaping() {
        #expect(GitHubCommand.data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b")
        // A line break in a value is a control character like any other: escaped for display.
        #expect(GitHubCommand.property("plans/a:b,c%.md\n") == #"plans/a%3Ab%2Cc%25.md\x0A"#)
        let finding = Finding(
            .warning, rule: "x", at: Self.at("accounts/a,b:c.md", 2, 3), "50% of 'a:b'", account: "a,b")
        #expect(
            ValidationReport(findings: [finding]).renderGitHubAnnotations().hasPrefix(
                "::warning file=accounts/a%2Cb%3Ac.md,line=2,col=3,title=abmsync x (a%2Cb)::50%25 of 'a:b'\n"))
    }

    @Test func gitHubPointsToTheLogWhenAnnotationsAreCut() {
        let many = (1...11).map {
            Finding(.error, rule: "unknown-stage", at: Self.at("accounts.yaml", $0, 1), "bad stage", account: "a\($0)")
        }
        let output = ValidationReport(findings: many).renderGitHubAnnotations()
        let lines = output.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines.first?.hasPrefix("::error file=accounts.yaml,line=1,col=1,") == true)
        #expect(
            lines.last
                == "abmsync validate: 11 errors, 0 warnings in 11 accounts (GitHub annotates only the first 10 of each kind; the full list is in the log of this step)"
        )
    }
}
