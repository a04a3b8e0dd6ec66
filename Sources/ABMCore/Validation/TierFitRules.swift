/// Policy: an account fits its tier, judged by objective inputs (ACV, the mapped buying group).
enum TierFitRules: RuleFamily {
    static let minACV = ValidationRule("min-acv", .warning, "an account's ACV is below its tier's min_acv")
    static let buyingGroupSize = ValidationRule(
        "buying-group-size", .warning, "an account plan maps fewer stakeholders than min_stakeholders")

    static let rules = [minACV, buyingGroupSize]

    static func checkAccount(_ account: Account, _ context: ValidationContext, _ report: inout FindingCollector) {
        guard let tier = account.tier?.value else { return }
        let policy = context.policy.tier(tier)
        let id = account.id.value
        if let minimum = policy.minACV, let acv = account.acv, acv.value < minimum, account.strategic?.value != true {
            report.report(
                minACV, at: acv.location,
                "\(tier) account \(context.name(account)) has an ACV of \(acv.value), below the tier's minimum of \(minimum)",
                why: "\(policy.name) effort pays off only for accounts of that value (tiers.\(tier.rawValue).min_acv); tiers should follow revenue, not preference",
                fix: "move the account to a lower tier, correct the ACV, or mark it 'strategic: true' if it is a deliberate anchor account",
                account: id)
        }
        if let minimum = policy.minStakeholders, minimum > 0, let plan = context.workspace.plan(.account, id),
            !context.workspace.isUnreadable(plan.path)
        {
            // A value that is not a list is reported by stakeholder-shape; do not count it twice.
            guard let count = plan.stakeholderCount, count < minimum else { return }
            report.report(
                buyingGroupSize, at: plan.stakeholdersKey ?? plan.frontMatterLocation,
                "the plan for \(context.name(account)) maps \(count.counted("stakeholder")); \(tier) plans map at least \(minimum)",
                why: "\(policy.name) deals are won by a whole buying group (tiers.\(tier.rawValue).min_stakeholders), not one contact",
                fix: "add the economic buyer, champions, influencers and blockers under 'stakeholders:' in \(plan.path)",
                account: id)
        }
    }
}
