/// Structure: names in accounts.yaml and programme plans point at people, clusters and
/// programmes that exist, and people hold the role their field asks for.
enum ReferenceRules: RuleFamily {
    static let unknownPerson = ValidationRule("unknown-person", .error, "an owner is not a person in team.yaml")
    static let ownerRole = ValidationRule("owner-role", .error, "an owner does not have the role the field needs")
    static let unknownCluster = ValidationRule("unknown-cluster", .error, "an account names a cluster with no clusters/<id>.md")
    static let unknownProgram = ValidationRule("unknown-program", .error, "an account names a programme with no programs/<id>.md")
    static let referenceSyntax = ValidationRule("reference-syntax", .error, "a cluster or programme reference is not a valid id")
    static let programOwner = ValidationRule("program-owner", .error, "a programme plan names no owner")

    static let rules = [unknownPerson, ownerRole, unknownCluster, unknownProgram, referenceSyntax, programOwner]

    /// The role each owner field asks for.
    static let fieldRoles: [String: Role] = Dictionary(uniqueKeysWithValues: AccountFields.owners.map { ($0.key, $0.role) })

    static func checkAccount(_ account: Account, _ context: ValidationContext, _ report: inout FindingCollector) {
        let id = account.id.value
        for (field, person) in account.owners {
            guard let role = fieldRoles[field] else { continue }
            checkPerson(
                person, as: role, what: "the \(field) of \(context.name(account))", field: field, account: id, context,
                &report)
        }
        if let cluster = account.cluster {
            checkPlanReference(cluster, kind: .cluster, rule: unknownCluster, account: account, context, &report)
        }
        if let program = account.program {
            checkPlanReference(program, kind: .program, rule: unknownProgram, account: account, context, &report)
        }
    }

    static func checkPlan(_ plan: PlanFacts, _ context: ValidationContext, _ report: inout FindingCollector) {
        guard plan.kind != .account, !context.workspace.isUnreadable(plan.path) else { return }
        if plan.kind == .cluster {
            // A cluster plan's owner is optional; one that is named must be on the team.
            if let person = plan.owner {
                checkPerson(
                    person, as: nil, what: "the owner of cluster '\(plan.id)'", field: "owner", account: nil, context, &report)
            }
            return
        }
        guard let person = plan.owner else {
            report.report(
                programOwner, at: plan.frontMatterLocation, "programme '\(plan.id)' has no owner",
                why: "marketing operations runs each programme; without an owner nobody hands engaged accounts to sales",
                fix: "add 'owner: <person id>' (a marketing-ops person) to the front matter of \(plan.path)")
            return
        }
        checkPerson(
            person, as: .marketingOps, what: "the owner of programme '\(plan.id)'", field: "owner", account: nil, context,
            &report)
    }

    private static func checkPerson(
        _ person: Located<String>, as role: Role?, what: String, field: String, account: String?,
        _ context: ValidationContext, _ report: inout FindingCollector
    ) {
        // A team that cannot be read is not an empty one.
        guard !context.workspace.isUnreadable(WorkspaceFile.team) else { return }
        guard let known = context.workspace.team[person.value] else {
            report.report(
                unknownPerson, at: person.location, "\(what) is '\(person.value)', who is not in team.yaml",
                why: "owners must be people abmsync knows, so it can check their role and match their commits",
                fix: "use a person id from team.yaml\(ValidationContext.didYouMean(person.value, in: context.workspace.team.people.map(\.id.value))), or add '\(person.value)' there",
                account: account)
            return
        }
        guard let role, !known.has(role) else { return }
        let held = known.roles.isEmpty ? "no role" : "the role \(known.roles.map(\.rawValue).joined(separator: ", "))"
        report.report(
            ownerRole, at: person.location,
            "\(what) is \(context.name(person: person.value)), who has \(held), not \(role.rawValue)",
            why: "the '\(field)' field must name \(article(role.title)) \(role.title) (role '\(role.rawValue)' in team.yaml)",
            fix: "name a person with role '\(role.rawValue)', or add that role to '\(person.value)' in team.yaml",
            account: account)
    }

    private static func checkPlanReference(
        _ reference: Located<String>, kind: Plan.Kind, rule: ValidationRule, account: Account,
        _ context: ValidationContext, _ report: inout FindingCollector
    ) {
        let id = account.id.value
        let word = kind == .cluster ? "cluster" : "programme"
        if !Identifier.isValid(reference.value), let problem = Identifier.problem(reference.value) {
            report.report(
                referenceSyntax, at: reference.location,
                "\(context.name(account)) names the \(word) '\(reference.value)', which is not a valid id: \(problem)",
                why: "a \(word) id is the name of its plan file, \(kind.folder)/<id>.md",
                fix: "use the id of an existing \(word) plan, like '\(Identifier.suggest(from: reference.value))'",
                account: id)
            return
        }
        guard context.workspace.plan(kind, reference.value) == nil, !context.workspace.isUnreadable(kind, reference.value)
        else { return }
        report.report(
            rule, at: reference.location,
            "\(context.name(account)) is in \(word) '\(reference.value)', which has no plan \(kind.folder)/\(reference.value).md",
            why: "every \(word) needs a plan that says how its accounts are worked",
            fix: "create \(kind.folder)/\(reference.value).md (abmsync new \(kind.rawValue) \(reference.value)) or fix the id",
            account: id)
    }

    private static func article(_ word: String) -> String {
        guard let first = word.first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }
}
