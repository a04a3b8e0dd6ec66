/// A check `abmsync validate` runs: a stable kebab-case id (used in findings, in `rules:` of
/// abmsync.yaml and in Docs/Rules.md), the severity it reports by default and a one-line summary.
public struct ValidationRule: Hashable, Sendable {
    public let id: String
    public let defaultSeverity: Finding.Severity
    public let summary: String

    public init(_ id: String, _ defaultSeverity: Finding.Severity, _ summary: String) {
        self.id = id
        self.defaultSeverity = defaultSeverity
        self.summary = summary
    }
}

/// Checks a parsed workspace against the SPEC's structural rules and the team's policy
/// (abmsync.yaml), returning every finding rather than stopping at the first.
///
/// The validator never reads the clock or git: callers pass `today`, and callers that have git
/// history pass when each account's stage last changed.
public struct Validator: Sendable {
    /// The date findings are judged against (review cadence, staleness, dates in the future).
    public var today: PlanDate
    /// When each account's `stage` last changed, by account id, from git history. Accounts not in
    /// the dictionary fall back to `tier_since`.
    public var lastStageChange: [String: PlanDate]

    public init(today: PlanDate, lastStageChange: [String: PlanDate] = [:]) {
        self.today = today
        self.lastStageChange = lastStageChange
    }

    /// The rule families, in the order they run.
    static var families: [any RuleFamily.Type] {
        [
            IdentityRules.self, FieldRules.self, ReferenceRules.self, PlanRules.self, TierRules.self,
            CapacityRules.self, TierFitRules.self, CadenceRules.self, SeparationRules.self, PolicyFileRules.self,
        ]
    }

    /// Every rule the validator checks.
    public static let rules: [ValidationRule] = families.flatMap { $0.rules }

    /// Rules the workspace loader reports whose severity `rules:` may change.
    public static let adjustableLoaderRules: Set<String> = ["unknown-field", "field-type", "id-syntax"]

    /// Rules about unreadable or broken files. Their findings mean the data could not be read, so
    /// `rules:` cannot turn them off or down.
    public static let fixedRules: Set<String> = [
        "yaml-syntax", "yaml-duplicate-key", "yaml-anchor", "yaml-too-large", "conflict-marker", "file-binary",
        "file-encoding", "file-too-large", "file-symlink", "file-unreadable", "file-empty", "file-shape", "front-matter",
        "policy-version", "policy-shape",
    ]

    /// The findings of every rule, with the severity overrides of `policy.ruleLevels` applied.
    public func validate(_ workspace: Workspace) -> [Finding] {
        let found = check(workspace, units: .all)
        return found.shared + found.accounts.joined() + found.plans.joined() + found.across
    }

    /// Which checks to run: a unit is one account, one plan, the checks across the account list, or
    /// the checks of policy and team alone (see `RuleFamily`).
    package struct Units {
        /// Positions in `workspace.accounts`; nil for every account.
        package var accounts: [Int]?
        /// Positions in `workspace.plans`; nil for every plan.
        package var plans: [Int]?
        package var across: Bool
        package var shared: Bool

        package init(accounts: [Int]?, plans: [Int]?, across: Bool, shared: Bool) {
            self.accounts = accounts
            self.plans = plans
            self.across = across
            self.shared = shared
        }

        package static let all = Units(accounts: nil, plans: nil, across: true, shared: true)
    }

    /// The findings of each unit asked for, overrides applied: per account and per plan in the order
    /// asked for.
    package struct UnitFindings: Sendable {
        package var shared: [Finding] = []
        package var accounts: [[Finding]] = []
        package var plans: [[Finding]] = []
        package var across: [Finding] = []
    }

    /// Runs the checks of `units`. Units only read the workspace, so they run side by side in
    /// chunks on all cores; results come back in the order asked for.
    package func check(_ workspace: Workspace, units: Units) -> UnitFindings {
        let context = ValidationContext(workspace: workspace, today: today, lastStageChange: lastStageChange)
        let levels = workspace.policy.ruleLevels
        let families = Validator.families
        let accounts = units.accounts ?? Array(workspace.accounts.indices)
        let plans = units.plans ?? Array(workspace.plans.indices)
        enum Job: Sendable {
            case shared, across
            case accounts(Range<Int>)
            case plans(Range<Int>)
        }
        var jobs: [Job] = []
        if units.across { jobs.append(.across) }
        if units.shared { jobs.append(.shared) }
        for start in stride(from: 0, to: accounts.count, by: Self.chunk) {
            jobs.append(.accounts(start..<min(start + Self.chunk, accounts.count)))
        }
        for start in stride(from: 0, to: plans.count, by: Self.chunk) {
            jobs.append(.plans(start..<min(start + Self.chunk, plans.count)))
        }
        let results = Parallel.map(jobs) { job -> [[Finding]] in
            switch job {
            case .shared, .across:
                var collector = FindingCollector(levels: levels)
                for family in families {
                    if case .shared = job {
                        family.checkShared(context, &collector)
                    } else {
                        family.checkAcross(context, &collector)
                    }
                }
                return [collector.findings]
            case .accounts(let range):
                return range.map { position in
                    var collector = FindingCollector(levels: levels)
                    let account = workspace.accounts[accounts[position]]
                    for family in families { family.checkAccount(account, context, &collector) }
                    return collector.findings
                }
            case .plans(let range):
                return range.map { position in
                    var collector = FindingCollector(levels: levels)
                    let plan = workspace.plans[plans[position]]
                    for family in families { family.checkPlan(plan, context, &collector) }
                    return collector.findings
                }
            }
        }
        var found = UnitFindings()
        found.accounts.reserveCapacity(accounts.count)
        found.plans.reserveCapacity(plans.count)
        for (job, result) in zip(jobs, results) {
            switch job {
            case .shared: found.shared = result[0]
            case .across: found.across = result[0]
            case .accounts: found.accounts += result
            case .plans: found.plans += result
            }
        }
        return found
    }

    /// Accounts or plans checked per job: enough to outweigh scheduling, small enough to spread.
    static let chunk = 512

    /// The loader's findings followed by the rules' findings, overrides applied to both (except to
    /// `fixedRules`).
    public func validate(_ load: WorkspaceLoad) -> [Finding] {
        Validator.applyLevels(load.workspace.policy.ruleLevels, to: load.findings) + validate(load.workspace)
    }

    /// Applies `rules:` overrides (off, warning, error) to findings produced elsewhere.
    public static func applyLevels(_ levels: [String: Policy.RuleLevel], to findings: [Finding]) -> [Finding] {
        guard !levels.isEmpty else { return findings }
        return findings.compactMap { finding in
            guard !fixedRules.contains(finding.rule) else { return finding }
            guard let severity = severity(of: finding.rule, default: finding.severity, levels: levels) else { return nil }
            var adjusted = finding
            adjusted.severity = severity
            return adjusted
        }
    }

    /// The severity a rule reports at under `levels`, or nil when it is turned off.
    static func severity(of rule: String, default severity: Finding.Severity, levels: [String: Policy.RuleLevel])
        -> Finding.Severity?
    {
        switch levels[rule] {
        case nil: return severity
        case .off: return nil
        case .warning: return .warning
        case .error: return .error
        }
    }
}

/// A group of related rules, in one file each.
///
/// Each check belongs to the narrowest unit whose data it reads, so that after an edit only the
/// units whose inputs changed run again (`IncrementalValidation`, module ABMCache), with the findings a full run gives:
/// - `checkShared`: abmsync.yaml and team.yaml only;
/// - `checkAccount`: one account, with policy, team, the date, its stage history, the facts of its
///   own plan (accounts/<id>.md) and whether cluster and programme plans exist. Never another account;
/// - `checkPlan`: one plan's facts, with policy, team and the account of the same id. Never another plan;
/// - `checkAcross`: what compares accounts with each other or counts them. It may read of each account
///   only its id, name, domain, tier, owners and cluster (`AccountRow`), and the cluster and programme plans.
protocol RuleFamily: Sendable {
    static var rules: [ValidationRule] { get }
    static func checkShared(_ context: ValidationContext, _ report: inout FindingCollector)
    static func checkAccount(_ account: Account, _ context: ValidationContext, _ report: inout FindingCollector)
    static func checkPlan(_ plan: PlanFacts, _ context: ValidationContext, _ report: inout FindingCollector)
    static func checkAcross(_ context: ValidationContext, _ report: inout FindingCollector)
}

extension RuleFamily {
    static func checkShared(_ context: ValidationContext, _ report: inout FindingCollector) {}
    static func checkAccount(_ account: Account, _ context: ValidationContext, _ report: inout FindingCollector) {}
    static func checkPlan(_ plan: PlanFacts, _ context: ValidationContext, _ report: inout FindingCollector) {}
    static func checkAcross(_ context: ValidationContext, _ report: inout FindingCollector) {}
}

/// Collects findings, applying the team's severity overrides as they are reported.
struct FindingCollector {
    private(set) var findings: [Finding] = []
    let levels: [String: Policy.RuleLevel]

    init(levels: [String: Policy.RuleLevel]) { self.levels = levels }

    /// False when the team turned the rule off, so a family can skip the work.
    func isEnabled(_ rule: ValidationRule) -> Bool { levels[rule.id] != .off }

    mutating func report(
        _ rule: ValidationRule, at location: SourceLocation, _ message: String, why: String, fix: String,
        account: String? = nil
    ) {
        guard let severity = Validator.severity(of: rule.id, default: rule.defaultSeverity, levels: levels) else {
            return
        }
        findings.append(Finding(severity, rule: rule.id, at: location, message, why: why, fix: fix, account: account))
    }
}

/// What every rule can look at: the workspace, the date, history facts and shared look-ups.
struct ValidationContext: Sendable {
    let workspace: Workspace
    let today: PlanDate
    let lastStageChange: [String: PlanDate]

    var policy: Policy { workspace.policy }

    func location(_ node: YAMLNode, in file: String) -> SourceLocation {
        SourceLocation(file: file, line: node.line, column: node.column)
    }

    /// How an account is named in messages: `'Acme Corp'`.
    func name(_ account: Account) -> String { "'\(account.displayName)'" }

    /// How a person is named in messages: `'Jane Doe' (jane)`, or `'jane'` when unknown.
    func name(person id: String) -> String {
        guard let person = workspace.team[id], person.name != id else { return "'\(id)'" }
        return "'\(person.name)' (\(id))"
    }

    /// Where to point at an account as a whole: its tier, else its id in accounts.yaml.
    func anchor(_ account: Account) -> SourceLocation { account.tier?.location ?? account.id.location }

    /// `Spelling.closest`, phrased for a fix: ` (did you mean 'x'?)` or nothing.
    static func didYouMean(_ word: String, in candidates: [String]) -> String {
        guard let guess = Spelling.closest(to: word, in: candidates) else { return "" }
        return " (did you mean '\(guess)'?)"
    }
}

extension Int {
    /// `1 account`, `3 accounts`: every count abmsync prints with its noun goes through here.
    public func counted(_ singular: String, _ plural: String? = nil) -> String {
        "\(self) \(self == 1 ? singular : plural ?? singular + "s")"
    }
}
