/// Policy: the people who own tier 1 accounts do not also run tier 3 programme infrastructure
/// (separation: true in abmsync.yaml).
enum SeparationRules: RuleFamily {
    static let tierSeparation = ValidationRule(
        "tier-separation", .error, "a tier 1 owner is also the owner of a tier 3 programme")

    static let rules = [tierSeparation]

    static func checkAcross(_ context: ValidationContext, _ report: inout FindingCollector) {
        guard context.policy.separation, report.isEnabled(tierSeparation) else { return }
        var tier1Owner: [String: (account: Account, field: String)] = [:]
        for account in context.workspace.accounts where account.tier?.value == .strategic {
            for (field, person) in account.owners where tier1Owner[person.value] == nil {
                tier1Owner[person.value] = (account, field)
            }
        }
        guard !tier1Owner.isEmpty else { return }
        for plan in context.workspace.plans where plan.kind == .program {
            guard let owner = plan.owner?.value, let location = plan.owner?.location,
                let (account, field) = tier1Owner[owner]
            else { continue }
            report.report(
                tierSeparation, at: location,
                "\(context.name(person: owner)) owns programme '\(plan.id)' and is also the \(field) of tier 1 account \(context.name(account))",
                why: "separation: true keeps 1:1 account work and 1:many programme infrastructure with different people, so neither starves the other",
                fix: "make a marketing-ops person the programme's owner, or give the tier 1 account to someone else",
                account: account.id.value)
        }
    }
}
