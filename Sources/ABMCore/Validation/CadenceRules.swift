/// Policy: tier assignments are reviewed on the team's cadence and accounts do not sit in a tier
/// without progress (review_every_days, tiers.<n>.stale_after_days).
enum CadenceRules: RuleFamily {
    static let reviewOverdue = ValidationRule(
        "review-overdue", .warning, "an account's tier was not reviewed within review_every_days")
    static let staleAccount = ValidationRule(
        "stale-account", .warning, "an account sits in its tier longer than stale_after_days without a stage change")

    static let rules = [reviewOverdue, staleAccount]

    /// Stages that end a deal (SPEC's stage list): such an account is never stale.
    static let closedStages: Set<String> = ["won", "lost"]

    static func checkAccount(_ account: Account, _ context: ValidationContext, _ report: inout FindingCollector) {
        let every = context.policy.reviewEveryDays
        guard let tier = account.tier else { return }
        let id = account.id.value
        if let reviewed = account.reviewed {
            let age = PlanDate.days(from: reviewed.value, to: context.today)
            if age > every {
                report.report(
                    reviewOverdue, at: reviewed.location,
                    "the \(tier.value) assignment of \(context.name(account)) was last reviewed \(age) days ago (\(reviewed.value))",
                    why: "tier assignments are reviewed every \(every) days (review_every_days) so they follow the account's real potential",
                    fix: "review the tier with the account team, then set 'reviewed: \(context.today)'", account: id)
            }
        } else {
            report.report(
                reviewOverdue, at: tier.location, "the \(tier.value) assignment of \(context.name(account)) was never reviewed",
                why: "tier assignments are reviewed every \(every) days (review_every_days) so they follow the account's real potential",
                fix: "review the tier, then add 'reviewed: \(context.today)' under '\(id):' in accounts.yaml", account: id)
        }
        guard let limit = context.policy.tier(tier.value).staleAfterDays else { return }
        // A won or lost deal has nowhere to progress: it is not stale.
        if let stage = account.stage?.value, closedStages.contains(stage) { return }
        let change = context.lastStageChange[id]
        let candidates = [account.tierSince?.value, change].compactMap { $0 }
        guard let since = candidates.max() else { return }
        let days = PlanDate.days(from: since, to: context.today)
        guard days > limit else { return }
        let stage = account.stage.map { "'\($0.value)'" } ?? "its stage"
        let basis = change != nil && change == since ? "its stage last changed on \(since)" : "it entered the tier on \(since)"
        report.report(
            staleAccount, at: account.stage?.location ?? account.tierSince?.location ?? tier.location,
            "\(context.name(account)) has been \(tier.value) at \(stage) for \(days) days without a stage change (\(basis))",
            why: "tiers.\(tier.value.rawValue).stale_after_days is \(limit); an account that does not progress takes a place another account could use",
            fix: "move the deal forward and update 'stage', or move the account to a lower tier", account: id)
    }
}
