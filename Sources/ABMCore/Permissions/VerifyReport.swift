/// What `abmsync verify` found: every commit of the range, oldest first, with the permission
/// findings of its change. Rendered as text, JSON or GitHub Actions annotations like validate's report.
public struct VerifyReport: Sendable {
    public struct Judged: Sendable, Hashable {
        /// The commit id (full hex) and its first line.
        public var commit: String
        public var summary: String
        public var authorName: String
        public var authorEmail: String
        public var findings: [Finding]
        /// How the commit was judged when it was not as a plain change ("a merge that only combines
        /// its parents").
        public var note: String?

        public init(commit: String, summary: String, authorName: String, authorEmail: String, findings: [Finding], note: String? = nil) {
            self.commit = commit
            self.summary = summary
            self.authorName = authorName
            self.authorEmail = authorEmail
            self.findings = findings
            self.note = note
        }

        public var allowed: Bool { findings.isEmpty }
        public var short: String { String(commit.prefix(7)) }
    }

    public var commits: [Judged]

    public init(commits: [Judged]) { self.commits = commits }

    public var refusedCount: Int { commits.filter { !$0.allowed }.count }
    public var allowed: Bool { refusedCount == 0 }

    /// Every finding, its message led by the commit it is about.
    public var findings: [Finding] {
        commits.flatMap { judged in
            judged.findings.map { finding in
                var copy = finding
                copy.message = "commit \(judged.short): \(finding.message)"
                return copy
            }
        }
    }

    /// `3 commits verified: 2 allowed, 1 refused`.
    public var summary: String {
        guard !commits.isEmpty else { return "no commits in the range" }
        return "\(commits.count.counted("commit")) verified: \(commits.count - refusedCount) allowed, \(refusedCount) refused"
    }

    /// One line per commit (`1a2b3c4 Jane Doe: Globex to negotiation — allowed`), its findings under
    /// it, then the summary.
    public func renderText() -> String {
        var out = ""
        for judged in commits {
            let verdict = judged.allowed ? "allowed" : "refused"
            out += DisplayText.escaped("\(judged.short) \(judged.authorName) <\(judged.authorEmail)>: \(judged.summary) — \(verdict)")
            if let note = judged.note { out += DisplayText.escaped(" (\(note))") }
            out += "\n"
            for finding in judged.findings { out += "  " + finding.formatted + "\n" }
        }
        return out + summary + "\n"
    }

    /// `{"version": 1, "summary": {"commits", "refused"}, "commits": [{"commit", "author", "email",
    /// "summary", "allowed", "note", "findings": [validate's finding objects]}]}`.
    public func renderJSON() -> String {
        var out = "{\n  \"version\": 1,\n"
        out += "  \"summary\": {\"commits\": \(commits.count), \"refused\": \(refusedCount)},\n"
        out += "  \"commits\": ["
        for (index, judged) in commits.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            let findings = judged.findings.map { finding in
                "{" + [
                    "\"file\": \(JSONText.displayed(finding.location.file))", "\"line\": \(finding.location.line)",
                    "\"column\": \(finding.location.column)", "\"severity\": \(JSONText.displayed(finding.severity.rawValue))",
                    "\"rule\": \(JSONText.displayed(finding.rule))", "\"message\": \(JSONText.displayed(finding.message))",
                    "\"why\": \(JSONText.displayed(finding.why))", "\"fix\": \(JSONText.displayed(finding.fix))",
                    "\"account\": \(JSONText.displayed(finding.account))",
                ].joined(separator: ", ") + "}"
            }
            out += "    {\"commit\": \(JSONText.displayed(judged.commit)), \"author\": \(JSONText.displayed(judged.authorName)), "
            out += "\"email\": \(JSONText.displayed(judged.authorEmail)), \"summary\": \(JSONText.displayed(judged.summary)), "
            out += "\"allowed\": \(judged.allowed), \"note\": \(JSONText.displayed(judged.note)), "
            out += "\"findings\": [" + findings.joined(separator: ", ") + "]}"
        }
        out += commits.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    /// validate's GitHub annotations for every finding (led by its commit), then the summary.
    public func renderGitHubAnnotations() -> String {
        let annotations = ValidationReport(findings: findings).renderGitHubAnnotations()
        // The report's own last line is validate's summary; verify's replaces it.
        var lines = annotations.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if !lines.isEmpty { lines.removeLast() }
        return lines.map { $0 + "\n" }.joined() + "abmsync verify: \(summary)\n"
    }
}
