/// Structure: account fields hold values abmsync and the policy understand.
enum FieldRules: RuleFamily {
    static let missingTier = ValidationRule("missing-tier", .error, "an account has no tier")
    static let unknownStage = ValidationRule("unknown-stage", .error, "an account's stage is not one of the policy's stages")
    static let futureDate = ValidationRule("future-date", .error, "tier_since or reviewed lies in the future")
    static let unknownRole = ValidationRule("unknown-role", .error, "team.yaml gives a person a role abmsync does not know")

    static let rules = [missingTier, unknownStage, futureDate, unknownRole]

    static func check(_ context: ValidationContext, _ report: inout FindingCollector) {
        let policy = context.policy
        let stages = Set(policy.stages)
        let stageList = policy.stages.joined(separator: ", ")
        for account in context.workspace.accounts {
            let id = account.id.value
            if account.tier == nil, !account.writesTier {
                // A tier that is present but invalid was already reported by the loader.
                report.report(
                    missingTier, at: account.id.location, "\(context.name(account)) has no tier",
                    why: "every rule of abmsync (owners, capacity, plans) depends on the account's tier",
                    fix: "add 'tier: 1', 'tier: 2' or 'tier: 3' under '\(id):' in accounts.yaml", account: id)
            }
            if let stage = account.stage, !stages.contains(stage.value) {
                report.report(
                    unknownStage, at: stage.location,
                    "\(context.name(account)) has stage '\(stage.value)', which is not a stage in abmsync.yaml",
                    why: "reports and the staleness check only understand the team's stages",
                    fix: "use one of: \(stageList)\(ValidationContext.didYouMean(stage.value, in: policy.stages))",
                    account: id)
            }
            for (field, date) in [("tier_since", account.tierSince), ("reviewed", account.reviewed)] {
                guard let date, date.value > context.today else { continue }
                report.report(
                    futureDate, at: date.location,
                    "\(context.name(account)) has \(field) \(date.value), which is after today (\(context.today))",
                    why: "a date in the future hides overdue reviews and stale tier assignments",
                    fix: "write the date it really happened (today or earlier)", account: id)
            }
        }
        let roleNames = Role.allCases.map(\.rawValue)
        for person in context.workspace.team.people {
            for role in person.unknownRoles {
                report.report(
                    unknownRole, at: role.location,
                    "'\(person.name)' (\(person.id.value)) has the unknown role '\(role.value)'",
                    why: "roles decide which accounts a person may own and which plan sections they may edit",
                    fix: "use one of: \(roleNames.joined(separator: ", "))\(ValidationContext.didYouMean(role.value, in: roleNames))")
            }
        }
    }
}
