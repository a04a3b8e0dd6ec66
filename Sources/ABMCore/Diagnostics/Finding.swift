/// One problem found in the plan repository. Findings are results, not exceptions: a validation
/// returns all of them.
public struct Finding: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable, Comparable, CaseIterable {
        case error, warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    public var severity: Severity
    /// Stable rule id such as `tier1-capacity`, documented in Docs/Rules.md.
    public var rule: String
    public var location: SourceLocation
    /// What is wrong, in plan terms.
    public var message: String
    /// Why it matters.
    public var why: String?
    /// How to fix it.
    public var fix: String?
    /// The account the finding is about, for grouping.
    public var account: String?

    public init(
        _ severity: Severity, rule: String, at location: SourceLocation, _ message: String, why: String? = nil,
        fix: String? = nil, account: String? = nil
    ) {
        self.severity = severity
        self.rule = rule
        self.location = location
        self.message = message
        self.why = why
        self.fix = fix
        self.account = account
    }

    /// `file:line:col: error[rule]: what — why — how to fix`, every part escaped for printing
    /// (`DisplayText`: file names and values come from the repository).
    public var formatted: String {
        var text = "\(location): \(severity.rawValue)[\(rule)]: \(DisplayText.escaped(message))"
        if let why { text += " — \(DisplayText.escaped(why))" }
        if let fix { text += " — \(DisplayText.escaped(fix))" }
        return text
    }
}
