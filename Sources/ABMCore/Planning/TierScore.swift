import Foundation

/// The objective tier suggestion of `scoring:` (SPEC: "choose a tier from objective inputs rather than
/// sales preference"): per account a score from 0 to 1 and the tier it suggests. Capacity is not
/// considered here (that is the capacity plan's job).
///
/// Each input is put on a 0–1 scale (Docs/Tiers.md):
/// - ACV: log scale from the lowest `min_acv` of the tiers (0) to `acv_top` (1); not set is 0.
/// - sales cycle (`cycle_months`): linear from 0 months (0) to `cycle_top` (1); not set is 0.
/// - buying group: the stakeholders the account plan lists, linear from 0 to `buying_group_top`;
///   when no plan lists any, the current tier's `buying_group_default` stands in for the unknown size.
/// - intent (0–100): intent / 100; not set is 0.
/// - strategic: 1 when `strategic: true`, else 0 (weight 0 unless the team gives it one).
/// The score is the weighted mean, `Σ weight × value / Σ weight`, rounded to two decimals: the
/// score shown is the score compared. It suggests tier 1 at or above `tier1_at`, tier 2 at or above
/// `tier2_at`, else tier 3; a strategic account is suggested tier 1 whatever its score. More of any
/// input (a known buying group included) never lowers the score (`TierScoreTests`).
public struct TierScore: Sendable, Hashable {
    /// One input's share of the score.
    public struct Part: Sendable, Hashable {
        public var input: String
        /// The input on its 0–1 scale.
        public var value: Double
        /// Its weight as a share of all the weights (the weights as written when they add up to 1).
        public var weight: Double
        public var contribution: Double { value * weight }
        /// "ACV $450k → 0.78 × 0.40 = 0.31".
        public var reason: String
    }

    public var id: String
    public var name: String
    public var tier: Tier?
    /// From 0 to 1, two decimals.
    public var score: Double
    public var suggestedTier: Tier
    /// What was scored, as written (accounts.yaml and the plan).
    public var inputs: Inputs
    public var parts: [Part]
    /// Every part's reason, then why the suggestion is what it is.
    public var reasons: [String]

    /// True when the suggestion is not the account's tier (or it has none).
    public var differs: Bool { tier != suggestedTier }
}

public enum TierScoring {
    /// The score of one account under `policy`; `stakeholders` is how many its plan lists (nil or 0:
    /// none listed, or no plan).
    public static func score(_ account: Account, stakeholders: Int?, policy: Policy) -> TierScore {
        let scoring = policy.scoring
        let total = Policy.Scoring.inputs.reduce(0.0) { $0 + max(0, scoring.weights[$1] ?? 0) }
        func share(_ input: String) -> Double {
            total > 0 ? max(0, scoring.weights[input] ?? 0) / total : 0
        }
        var parts: [TierScore.Part] = []
        func add(_ input: String, _ value: Double, _ what: String) {
            let weight = share(input)
            let clamped = min(1, max(0, value))
            parts.append(
                TierScore.Part(
                    input: input, value: clamped, weight: weight,
                    reason: "\(what) → \(decimal(clamped)) × \(decimal(weight)) = \(decimal(clamped * weight))"))
        }

        let acv = account.acv?.value
        let floor = acvFloor(policy)
        add("acv", acv.map { acvValue($0, floor: floor, top: scoring.acvTop) } ?? 0, acv.map { "ACV \(money($0))" } ?? "ACV not set")

        let cycle = account.cycleMonths?.value
        add(
            "cycle", cycle.map { Double($0) / Double(max(1, scoring.cycleTop)) } ?? 0,
            cycle.map { "sales cycle \($0) \($0 == 1 ? "month" : "months")" } ?? "sales cycle not set")

        let tier = account.tier?.value
        if let listed = stakeholders, listed > 0 {
            add(
                "buying_group", Double(listed) / Double(max(1, scoring.buyingGroupTop)),
                "buying group \(listed) \(listed == 1 ? "stakeholder" : "stakeholders") in the plan")
        } else {
            let assumed = tier.flatMap { scoring.buyingGroupDefault[$0] } ?? 0
            let why = tier.map { "\($0) default, the plan lists none" } ?? "no tier, the plan lists none"
            add(
                "buying_group", Double(assumed) / Double(max(1, scoring.buyingGroupTop)),
                "buying group \(assumed) assumed (\(why))")
        }

        let intent = account.intent?.value
        add("intent", intent.map { Double($0) / 100 } ?? 0, intent.map { "intent \($0)" } ?? "intent not set")

        let strategic = account.strategic?.value == true
        if share("strategic") > 0 { add("strategic", strategic ? 1 : 0, strategic ? "strategic account" : "not marked strategic") }

        let raw = parts.reduce(0.0) { $0 + $1.contribution }
        let score = (min(1, max(0, raw)) * 100).rounded() / 100
        let suggested: Tier
        var reasons = parts.map(\.reason)
        if strategic {
            suggested = .strategic
            reasons.append("strategic: true → tier 1 whatever the score (\(decimal(score)))")
        } else if score >= scoring.tier1At {
            suggested = .strategic
            reasons.append("score \(decimal(score)) is at or above tier1_at \(decimal(scoring.tier1At)) → tier 1")
        } else if score >= scoring.tier2At {
            suggested = .cluster
            reasons.append(
                "score \(decimal(score)) is below tier1_at \(decimal(scoring.tier1At)), at or above tier2_at \(decimal(scoring.tier2At)) → tier 2")
        } else {
            suggested = .programmatic
            reasons.append("score \(decimal(score)) is below tier2_at \(decimal(scoring.tier2At)) → tier 3")
        }
        return TierScore(
            id: account.id.value, name: account.displayName, tier: tier, score: score, suggestedTier: suggested,
            inputs: TierScore.Inputs(account, stakeholders: stakeholders), parts: parts, reasons: reasons)
    }

    /// Every account of the workspace, in accounts.yaml order.
    public static func scores(_ workspace: Workspace) -> [TierScore] {
        var listed: [String: Int] = [:]
        for plan in workspace.plans where plan.kind == .account {
            if let count = plan.stakeholderCount { listed[plan.id] = count }
        }
        return workspace.accounts.map { score($0, stakeholders: listed[$0.id.value], policy: workspace.policy) }
    }

    /// Where the ACV scale starts: the lowest `min_acv` a tier sets (1 when none does).
    public static func acvFloor(_ policy: Policy) -> Int {
        Tier.allCases.compactMap { policy.tier($0).minACV }.filter { $0 > 0 }.min() ?? 1
    }

    /// ACV on the log scale from `floor` (0) to `top` (1).
    static func acvValue(_ acv: Int, floor: Int, top: Int) -> Double {
        if acv >= top { return 1 }
        if acv <= floor || top <= floor { return 0 }
        return log(Double(acv) / Double(floor)) / log(Double(top) / Double(floor))
    }

    /// `value` with two decimals ("0.78", "1.00"), rounded half away from zero. Made from integers
    /// (no formatter): it runs 15 times per account.
    public static func decimal(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let magnitude = abs(hundredths)
        return (hundredths < 0 ? "-" : "") + String(magnitude / 100) + "." + twoDigits[magnitude % 100]
    }

    /// "00" … "99".
    static let twoDigits: [String] = (0..<100).map { $0 < 10 ? "0\($0)" : "\($0)" }

    /// "$450k", "$1.2M", "$900".
    public static func money(_ amount: Int) -> String {
        func short(_ value: Int, _ unit: Int, _ suffix: String) -> String {
            let tenths = Int((Double(value) / Double(unit) * 10).rounded())
            return "$\(tenths / 10)\(tenths % 10 == 0 ? "" : ".\(tenths % 10)")\(suffix)"
        }
        if amount >= 999_950 { return short(amount, 1_000_000, "M") }
        if amount >= 1_000 { return short(amount, 1_000, "k") }
        return "$\(amount)"
    }
}
