// Placeholder until the full validator lands: findings, counts, and the three renderers.
public struct ValidationReport: Sendable {
    public var findings: [Finding]

    public init(findings: [Finding]) {
        self.findings = findings.sorted { ($0.severity, $0.location) < ($1.severity, $1.location) }
    }

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    public var warningCount: Int { findings.filter { $0.severity == .warning }.count }

    public func renderText() -> String {
        var lines = findings.map(\.formatted)
        lines.append("\(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }

    public func renderJSON() -> String { renderText() }
    public func renderGitHub() -> String { renderText() }
}
