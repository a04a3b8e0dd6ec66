/// Policy: each tier's accounts fill the fields the tier requires and have a plan when the tier
/// asks for one (tiers.<n>.requires and tiers.<n>.plan in abmsync.yaml).
enum TierRules: RuleFamily {
    static let tierRequires = ValidationRule("tier-requires", .error, "an account lacks a field its tier requires")
    static let planRequired = ValidationRule("plan-required", .error, "a tier requires an account plan and there is none")

    static let rules = [tierRequires, planRequired]

    /// What each requirable field means, for messages.
    static let fieldMeanings: [String: String] = Dictionary(
        uniqueKeysWithValues: AccountFields.all.compactMap { field in field.meaning.map { (field.key, $0) } })

    static func checkAccount(_ account: Account, _ context: ValidationContext, _ report: inout FindingCollector) {
        guard let tier = account.tier else { return }
        let policy = context.policy.tier(tier.value)
        let id = account.id.value
        var missing: [String] = []
        for field in policy.requires where !has(field, account) { missing.append(field) }
        if !missing.isEmpty {
            let meanings = missing.map { fieldMeanings[$0] ?? "'\($0)'" }
            report.report(
                tierRequires, at: tier.location,
                "\(tier.value) account \(context.name(account)) has no \(missing.joined(separator: ", "))",
                why: "\(policy.name) accounts need \(list(meanings)) (tiers.\(tier.value.rawValue).requires in abmsync.yaml)",
                fix: "add \(missing.map { "'\($0): …'" }.joined(separator: ", ")) under '\(id):' in accounts.yaml, or move the account to another tier",
                account: id)
        }
        if policy.planRequired, context.workspace.plan(.account, id) == nil, !context.workspace.isUnreadable(.account, id) {
            report.report(
                planRequired, at: tier.location,
                "\(tier.value) account \(context.name(account)) has no account plan accounts/\(id).md",
                why: "\(policy.name) accounts are worked from a fully custom plan (tiers.\(tier.value.rawValue).plan: required)",
                fix: "create it with 'abmsync new plan \(id)' (from templates/plans/account.md)", account: id)
        }
    }

    /// Whether the account fills `field` (a known field read with its type, or a team's own field in the entry).
    static func has(_ field: String, _ account: Account) -> Bool {
        guard let known = AccountFields.named(field) else { return account.filledFields.contains(field) }
        return known.isFilled(in: account)
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}
