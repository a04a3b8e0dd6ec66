/// Policy: tiers, AEs, marketers and clusters carry no more accounts than the team set as their
/// capacity (tiers.<n>.max_accounts, max_per_ae, max_per_marketer, cluster_size).
enum CapacityRules: RuleFamily {
    static let tierCapacity = ValidationRule("tier-capacity", .error, "a tier has more accounts than max_accounts")
    static let aeCapacity = ValidationRule("ae-capacity", .error, "an AE owns more accounts of a tier than max_per_ae")
    static let marketerCapacity = ValidationRule(
        "marketer-capacity", .error, "a marketer owns more accounts of a tier than max_per_marketer")
    static let clusterSize = ValidationRule("cluster-size", .error, "a cluster has fewer or more members than cluster_size")

    static let rules = [tierCapacity, aeCapacity, marketerCapacity, clusterSize]

    private struct Key: Hashable {
        var tier: Tier
        var person: String
    }

    static func checkAcross(_ context: ValidationContext, _ report: inout FindingCollector) {
        let accounts = context.workspace.accounts
        // First pass: totals.
        var perTier: [Tier: Int] = [:]
        var perAE: [Key: Int] = [:]
        var perMarketer: [Key: Int] = [:]
        for account in accounts {
            guard let tier = account.tier?.value else { continue }
            perTier[tier, default: 0] += 1
            if let ae = account.ae?.value { perAE[Key(tier: tier, person: ae), default: 0] += 1 }
            if let marketer = account.marketer?.value { perMarketer[Key(tier: tier, person: marketer), default: 0] += 1 }
        }
        // Second pass: report once, at the first account over each limit.
        var seenTier: [Tier: Int] = [:]
        var seenAE: [Key: Int] = [:]
        var seenMarketer: [Key: Int] = [:]
        for account in accounts {
            guard let tier = account.tier else { continue }
            let policy = context.policy.tier(tier.value)
            let number = tier.value.rawValue
            let id = account.id.value
            seenTier[tier.value, default: 0] += 1
            if let limit = policy.maxAccounts, seenTier[tier.value] == limit + 1, let total = perTier[tier.value] {
                report.report(
                    tierCapacity, at: tier.location,
                    "\(tier.value) has \(total.counted("account")), over its capacity of \(limit); \(context.name(account)) is the first one over",
                    why: "\(policy.name) only works while the team can really carry every account (tiers.\(number).max_accounts); beyond that effort is diluted",
                    fix: "move \((total - limit).counted("account")) to a lower tier, or raise max_accounts if the team grew",
                    account: id)
            }
            if let ae = account.ae, let limit = policy.maxPerAE {
                reportOwnerOverLimit(
                    aeCapacity, owner: ae, tier: tier.value, limit: limit, totals: perAE, seen: &seenAE,
                    role: "AE", setting: "max_per_ae", why: "an AE can give \(policy.name) accounts real attention",
                    account: account, context: context, report: &report)
            }
            if let marketer = account.marketer, let limit = policy.maxPerMarketer {
                reportOwnerOverLimit(
                    marketerCapacity, owner: marketer, tier: tier.value, limit: limit, totals: perMarketer,
                    seen: &seenMarketer, role: "marketer", setting: "max_per_marketer",
                    why: "a marketer can run custom programmes for \(policy.name) accounts",
                    account: account, context: context, report: &report)
            }
        }
        checkClusterSizes(context, &report)
    }

    /// One finding per owner and tier, at the first account over the owner's limit.
    private static func reportOwnerOverLimit(
        _ rule: ValidationRule, owner: Located<String>, tier: Tier, limit: Int, totals: [Key: Int], seen: inout [Key: Int],
        role: String, setting: String, why: String, account: Account, context: ValidationContext,
        report: inout FindingCollector
    ) {
        let key = Key(tier: tier, person: owner.value)
        seen[key, default: 0] += 1
        guard seen[key] == limit + 1, let total = totals[key] else { return }
        report.report(
            rule, at: owner.location,
            "\(context.name(person: owner.value)) is \(role) for \(total) \(tier) accounts, over the limit of \(limit); \(context.name(account)) is the first one over",
            why: "\(why) only up to tiers.\(tier.rawValue).\(setting)",
            fix: "give \((total - limit).counted("account")) to another \(role), or move them to another tier",
            account: account.id.value)
    }

    private static func checkClusterSizes(_ context: ValidationContext, _ report: inout FindingCollector) {
        guard report.isEnabled(clusterSize), let size = context.policy.tier(.cluster).clusterSize,
            !context.workspace.isUnreadable(WorkspaceFile.accounts)
        else { return }
        var members: [String: Int] = [:]
        var firstMember: [String: Account] = [:]
        var order: [String] = []
        for account in context.workspace.accounts {
            guard let cluster = account.cluster?.value, Identifier.isValid(cluster) else { continue }
            if members[cluster] == nil {
                order.append(cluster)
                firstMember[cluster] = account
            }
            members[cluster, default: 0] += 1
        }
        for plan in context.workspace.plans where plan.kind == .cluster && members[plan.id] == nil {
            order.append(plan.id)
        }
        for cluster in order {
            let count = members[cluster] ?? 0
            guard !size.contains(count) else { continue }
            let location: SourceLocation
            var account: String?
            if let plan = context.workspace.plan(.cluster, cluster) {
                location = plan.clusterField ?? plan.frontMatterLocation
            } else if let first = firstMember[cluster], let field = first.cluster {
                location = field.location
                account = first.id.value
            } else {
                continue
            }
            let bound = count < size.lowerBound ? "at least \(size.lowerBound)" : "at most \(size.upperBound)"
            let fix =
                count < size.lowerBound
                ? "add accounts that share the cluster's focus (cluster: \(cluster)), or merge it into a related cluster"
                : "split the cluster by vertical or use case, or move accounts out of it"
            let range = size.upperBound == Int.max ? "at least \(size.lowerBound)" : "\(size.lowerBound)–\(size.upperBound)"
            report.report(
                clusterSize, at: location,
                "cluster '\(cluster)' has \(count.counted("member")); clusters have \(bound)",
                why: "one plan serves a cluster of similar accounts (tiers.2.cluster_size: \(range)); too few is wasted effort, too many is no longer 1:few",
                fix: fix, account: account)
        }
    }
}
