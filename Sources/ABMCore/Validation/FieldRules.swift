/// Structure: account fields hold values abmsync and the policy understand.
enum FieldRules: RuleFamily {
    static let missingTier = ValidationRule("missing-tier", .error, "an account has no tier")
    static let unknownStage = ValidationRule("unknown-stage", .error, "an account's stage is not one of the policy's stages")
    static let futureDate = ValidationRule("future-date", .error, "tier_since or reviewed lies in the future")
    static let unknownRole = ValidationRule("unknown-role", .error, "team.yaml gives a person a role abmsync does not know")

    static let rules = [missingTier, unknownStage, futureDate, unknownRole]

    static func checkAccount(_ account: Account, _ context: ValidationContext, _ report: inout FindingCollector) {
        let policy = context.policy
        let id = account.id.value
        if account.tier == nil, !account.writesTier {
            // A tier that is present but invalid was already reported by the loader.
            report.report(
                missingTier, at: account.id.location, "\(context.name(account)) has no tier",
                why: "every rule of abmsync (owners, capacity, plans) depends on the account's tier",
                fix: "add 'tier: 1', 'tier: 2' or 'tier: 3' under '\(id):' in accounts.yaml", account: id)
        }
        if let stage = account.stage, !policy.stages.contains(stage.value) {
            report.report(
                unknownStage, at: stage.location,
                "\(context.name(account)) has stage '\(stage.value)', which is not a stage in abmsync.yaml",
                why: "reports and the staleness check only understand the team's stages",
                fix: "use one of: \(policy.stages.joined(separator: ", "))\(ValidationContext.didYouMean(stage.value, in: policy.stages))",
                account: id)
        }
        func checkNotFuture(_ field: String, _ date: Located<PlanDate>?) {
            guard let date, date.value > context.today else { return }
            report.report(
                futureDate, at: date.location,
                "\(context.name(account)) has \(field) \(date.value), which is after today (\(context.today))",
                why: "a date in the future hides overdue reviews and stale tier assignments",
                fix: "write the date it really happened (today or earlier)", account: id)
        }
        checkNotFuture("tier_since", account.tierSince)
        checkNotFuture("reviewed", account.reviewed)
    }

    static func checkShared(_ context: ValidationContext, _ report: inout FindingCollector) {
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
