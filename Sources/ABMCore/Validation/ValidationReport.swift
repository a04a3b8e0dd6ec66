/// The findings of a validation, ordered for people (errors first, then by file and line),
/// grouped per account, counted, and rendered as text, JSON or GitHub Actions annotations.
public struct ValidationReport: Sendable {
    /// The findings about one account, or the findings about no account in particular.
    public struct Group: Sendable, Hashable {
        /// The account id, or nil for findings about the repository as a whole.
        public var account: String?
        public var findings: [Finding]
    }

    /// Every finding, errors first, then by file, line, column and rule.
    public let findings: [Finding]
    /// Findings per account, in the order of each group's most important finding.
    public let groups: [Group]
    public let errorCount: Int
    public let warningCount: Int
    /// How many different files have findings.
    public let fileCount: Int
    /// How many different accounts have findings.
    public let accountCount: Int
    /// Display names for group headings, by account id.
    public let accountNames: [String: String]

    public init(findings: [Finding], accountNames: [String: String] = [:]) {
        let sorted = findings.sorted(by: ValidationReport.precedes)
        self.findings = sorted
        self.accountNames = accountNames
        var groups: [Group] = []
        var position: [String?: Int] = [:]
        var files: Set<String> = []
        var errors = 0
        for finding in sorted {
            if finding.severity == .error { errors += 1 }
            files.insert(finding.location.file)
            if let index = position[finding.account] {
                groups[index].findings.append(finding)
            } else {
                position[finding.account] = groups.count
                groups.append(Group(account: finding.account, findings: [finding]))
            }
        }
        self.groups = groups
        errorCount = errors
        warningCount = sorted.count - errors
        fileCount = files.count
        accountCount = groups.filter { $0.account != nil }.count
    }

    /// True when a finding blocks a commit.
    public var hasErrors: Bool { errorCount > 0 }

    /// Errors before warnings, then file, line, column, rule and message (a total order, so the
    /// output is the same on every run).
    static func precedes(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity < b.severity }
        if a.location != b.location { return a.location < b.location }
        if a.rule != b.rule { return a.rule < b.rule }
        if a.message != b.message { return a.message < b.message }
        return (a.account ?? "") < (b.account ?? "")
    }

    /// `2 errors, 1 warning in 3 accounts`, `… in 3 accounts and 1 other file` when findings about no
    /// account (team.yaml, cluster plans) are among them, `no problems found` when there are none.
    public var summary: String {
        guard !findings.isEmpty else { return "no problems found" }
        var text = "\(errorCount.counted("error")), \(warningCount.counted("warning"))"
        let otherFiles = Set(groups.first { $0.account == nil }?.findings.map(\.location.file) ?? []).count
        if accountCount > 0 {
            text += " in \(accountCount.counted("account"))"
            if otherFiles > 0 { text += " and \(otherFiles.counted("other file"))" }
        } else {
            text += " in \(fileCount.counted("file"))"
        }
        return text
    }

    // MARK: - Text

    /// The findings grouped per account, each group under its heading, then the summary line:
    ///
    ///     Acme Corp (acme-corp)
    ///       accounts.yaml:5:10: error[unknown-person]: … — … — …
    ///
    ///     2 errors, 1 warning in 3 accounts
    public func renderText() -> String {
        var out = ""
        for group in groups {
            out += DisplayText.escaped(heading(group)) + "\n"
            for finding in group.findings { out += "  " + finding.formatted + "\n" }
            out += "\n"
        }
        return out + summary + "\n"
    }

    private func heading(_ group: Group) -> String {
        guard let account = group.account else { return "Shared files" }
        guard let name = accountNames[account], name != account else { return account }
        return "\(name) (\(account))"
    }

    // MARK: - JSON

    /// The schema version of `renderJSON()`; it changes only when a field changes meaning or goes.
    public static let jsonVersion = 1

    /// `{"version": 1, "summary": {"errors", "warnings", "files"}, "findings": [{"file", "line",
    /// "column", "severity", "rule", "message", "why", "fix", "account"}]}`, keys in that order,
    /// findings in report order; `why`, `fix` and `account` are null when absent. Documented in
    /// Docs/Rules.md.
    public func renderJSON() -> String {
        var out = "{\n"
        out += "  \"version\": \(ValidationReport.jsonVersion),\n"
        out += "  \"summary\": {\"errors\": \(errorCount), \"warnings\": \(warningCount), \"files\": \(fileCount)},\n"
        if findings.isEmpty { return out + "  \"findings\": []\n}\n" }
        out += "  \"findings\": [\n"
        for (index, finding) in findings.enumerated() {
            let fields = [
                "\"file\": \(JSONText.displayed(finding.location.file))",
                "\"line\": \(finding.location.line)",
                "\"column\": \(finding.location.column)",
                "\"severity\": \(JSONText.displayed(finding.severity.rawValue))",
                "\"rule\": \(JSONText.displayed(finding.rule))",
                "\"message\": \(JSONText.displayed(finding.message))",
                "\"why\": \(JSONText.displayed(finding.why))",
                "\"fix\": \(JSONText.displayed(finding.fix))",
                "\"account\": \(JSONText.displayed(finding.account))",
            ]
            out += "    {" + fields.joined(separator: ", ") + "}"
            out += index + 1 < findings.count ? ",\n" : "\n"
        }
        return out + "  ]\n}\n"
    }

    // MARK: - GitHub Actions

    /// How many annotations of each type GitHub shows for a step; the rest are only in the log.
    public static let gitHubAnnotationLimit = 10

    /// One `::error file=…,line=…,col=…,title=…::message` (or `::warning …`) workflow command per
    /// finding, most important first, then a summary line. GitHub turns the first few of each type
    /// into annotations on the pull request; every finding stays in the step's log.
    public func renderGitHubAnnotations() -> String {
        var out = ""
        for finding in findings {
            let title = finding.account.map { "abmsync \(finding.rule) (\($0))" } ?? "abmsync \(finding.rule)"
            let properties = [
                "file=\(GitHubCommand.property(finding.location.file))",
                "line=\(finding.location.line)",
                "col=\(finding.location.column)",
                "title=\(GitHubCommand.property(title))",
            ]
            var message = DisplayText.escaped(finding.message)
            if let why = finding.why { message += "\nwhy: \(DisplayText.escaped(why))" }
            if let fix = finding.fix { message += "\nfix: \(DisplayText.escaped(fix))" }
            out += "::\(finding.severity.rawValue) \(properties.joined(separator: ","))::\(GitHubCommand.data(message))\n"
        }
        var last = "abmsync validate: \(summary)"
        let limit = ValidationReport.gitHubAnnotationLimit
        if errorCount > limit || warningCount > limit {
            last += " (GitHub annotates only the first \(limit) of each kind; the full list is in the log of this step)"
        }
        return out + last + "\n"
    }
}

/// Escaping for GitHub Actions workflow commands.
enum GitHubCommand {
    /// The message part: `%`, CR and LF are escaped.
    static func data(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A property value: escaped for display (`DisplayText`), then as `data`, and also `:` and `,`.
    static func property(_ text: String) -> String {
        var out = ""
        for scalar in data(DisplayText.escaped(text)).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension JSONText {
    /// A JSON string of `text` escaped for display first (`DisplayText`): a consumer that prints
    /// the value (`jq -r`) cannot be made to print a control character. `null` for nil.
    static func displayed(_ text: String?) -> String {
        guard let text else { return "null" }
        return quoted(DisplayText.escaped(text))
    }
}
