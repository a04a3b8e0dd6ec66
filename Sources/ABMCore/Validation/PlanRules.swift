/// Structure: plan files belong to their subject, have the sections the policy asks for, and
/// their front matter has the expected shape.
enum PlanRules: RuleFamily {
    static let planID = ValidationRule("plan-id", .error, "a plan's front-matter id is missing or differs from its file name")
    static let planFileName = ValidationRule("plan-file-name", .error, "a plan's file name is not a valid id")
    static let orphanPlan = ValidationRule("orphan-plan", .error, "an account plan has no account in accounts.yaml")
    static let missingSection = ValidationRule("missing-section", .error, "a plan lacks a section the policy requires")
    static let stakeholderShape = ValidationRule(
        "stakeholder-shape", .error, "front-matter stakeholders are not a list of {name, role, sentiment}")
    static let kpiShape = ValidationRule("kpi-shape", .error, "front-matter kpis are not a mapping of numbers")

    static let rules = [planID, planFileName, orphanPlan, missingSection, stakeholderShape, kpiShape]

    static let stakeholderRoles = ["economic-buyer", "champion", "influencer", "user", "blocker"]
    static let sentiments = ["positive", "neutral", "negative", "unknown"]

    /// The checks that look across files: the plan's account exists, and the plan has the sections
    /// its kind (and, for account plans, its account's tier) requires.
    static func checkPlan(_ plan: PlanFacts, _ context: ValidationContext, _ report: inout FindingCollector) {
        // An account list that cannot be read is not an empty one.
        if plan.kind == .account, context.workspace.account(plan.id) == nil,
            !context.workspace.isUnreadable(WorkspaceFile.accounts)
        {
            report.report(
                orphanPlan, at: plan.frontMatterLocation,
                "\(plan.path) is a plan for account '\(plan.id)', which is not in accounts.yaml",
                why: "accounts.yaml is the one shared account list; a plan outside it has no tier or owners",
                fix: "add '\(plan.id):' to accounts.yaml, or rename or remove the plan", account: plan.id)
        }
        checkSections(plan, context, &report)
    }

    /// The checks that need nothing but the plan itself: run when it is parsed, so their findings
    /// are kept with the file and re-checked only when it changes.
    static func checkFile(_ plan: Plan, _ report: inout FindingCollector) {
        let account = plan.kind == .account ? plan.id : nil
        // Front matter that does not read is reported where it breaks; what it says is unknown.
        guard !plan.frontMatterBroken else { return }
        checkID(plan, &report)
        if let frontMatter = plan.frontMatter {
            if let stakeholders = frontMatter["stakeholders"] {
                checkStakeholders(stakeholders, plan: plan, account: account, &report)
            }
            if let kpis = frontMatter["kpis"] { checkKPIs(kpis, plan: plan, account: account, &report) }
        }
    }

    private static func location(_ node: YAMLNode, in plan: Plan) -> SourceLocation {
        SourceLocation(file: plan.path, line: node.line, column: node.column)
    }

    private static func checkID(_ plan: Plan, _ report: inout FindingCollector) {
        let key = plan.kind.idKey
        let account = plan.kind == .account ? plan.id : nil
        if let problem = Identifier.problem(plan.id) {
            let suggestion = Identifier.suggest(from: plan.id)
            report.report(
                planFileName, at: SourceLocation(file: plan.path),
                "\(plan.path) is not named after a valid id: \(problem)",
                why: "a plan's file name is its id, and ids are what accounts.yaml and the other files refer to",
                fix: suggestion.isEmpty
                    ? "rename the file to \(plan.kind.folder)/<id>.md with an id like 'acme-corp'"
                    : "rename the file to \(plan.kind.folder)/\(suggestion).md", account: nil)
            return
        }
        guard let node = plan.frontMatter?[key], let value = node.scalar, !value.isNull else {
            report.report(
                planID, at: SourceLocation(file: plan.path, line: plan.frontMatterLines?.lowerBound ?? 1),
                "\(plan.path) has no '\(key): \(plan.id)' in its front matter",
                why: "the front matter says which \(key) the \(plan.kind.title) belongs to, so renames and merges keep them together",
                fix: "add '\(key): \(plan.id)' as the first front-matter field", account: account)
            return
        }
        guard value.text != plan.id else { return }
        report.report(
            planID, at: location(node, in: plan),
            "\(plan.path) says '\(key): \(value.text)', but its file name says '\(plan.id)'",
            why: "a plan's file name is its id; a different id inside means the plan was copied or renamed halfway",
            fix: "write '\(key): \(plan.id)', or rename the file to \(plan.kind.folder)/\(value.text).md", account: account)
    }

    private static func checkSections(_ plan: PlanFacts, _ context: ValidationContext, _ report: inout FindingCollector) {
        let required: [String]
        let source: String
        switch plan.kind {
        case .account:
            guard let tier = context.workspace.account(plan.id)?.tier?.value else { return }
            required = context.policy.tier(tier).sections
            source = "tiers.\(tier.rawValue).sections"
        case .cluster:
            required = context.policy.clusterSections
            source = "plans.cluster.sections"
        case .program:
            required = context.policy.programSections
            source = "plans.program.sections"
        }
        guard !required.isEmpty else { return }
        let present = Set(plan.sections)
        let missing = required.filter { !present.contains(Plan.normalizedTitle($0)) }
        guard !missing.isEmpty else { return }
        let list = missing.map { "'\($0)'" }.joined(separator: ", ")
        report.report(
            missingSection, at: plan.titleLocation,
            "\(plan.kind.title) '\(plan.id)' is missing \(missing.count == 1 ? "the section" : "the sections") \(list)",
            why: "abmsync.yaml (\(source)) requires these sections, so every plan of this kind covers the same ground",
            fix: "add \(missing.map { "'## \($0)'" }.joined(separator: ", ")) to \(plan.path) (see templates/plans)",
            account: plan.kind == .account ? plan.id : nil)
    }

    private static func checkStakeholders(
        _ node: YAMLNode, plan: Plan, account: String?, _ report: inout FindingCollector
    ) {
        let why = "the buying group is counted and reported from these entries"
        if node.scalar?.isNull == true { return }
        guard let items = node.items else {
            report.report(
                stakeholderShape, at: location(node, in: plan),
                "'stakeholders' must be a list, found \(node.kindDescription)", why: why,
                fix: "write one '- name: …' entry per person, with role and sentiment", account: account)
            return
        }
        for item in items {
            guard case .mapping = item.content else {
                report.report(
                    stakeholderShape, at: location(item, in: plan),
                    "a stakeholder must be a mapping with name and role, found \(item.kindDescription)", why: why,
                    fix: "write it like '- name: Dana Ruiz' with 'role: economic-buyer' on the next line", account: account)
                continue
            }
            let name = item["name"]?.scalar.flatMap { $0.isNull ? nil : $0.text }
            if name == nil || name?.isEmpty == true {
                report.report(
                    stakeholderShape, at: location(item, in: plan), "a stakeholder has no name", why: why,
                    fix: "add 'name: <full name>' to the entry", account: account)
            }
            checkChoice(
                item, key: "role", required: true, allowed: stakeholderRoles, name: name, plan: plan, account: account,
                &report)
            checkChoice(
                item, key: "sentiment", required: false, allowed: sentiments, name: name, plan: plan, account: account,
                &report)
        }
    }

    private static func checkChoice(
        _ item: YAMLNode, key: String, required: Bool, allowed: [String], name: String?, plan: Plan,
        account: String?, _ report: inout FindingCollector
    ) {
        // Worded only when there is something to report (this runs for every stakeholder).
        func who() -> String { name.map { "stakeholder '\($0)'" } ?? "a stakeholder" }
        var choices: String { allowed.joined(separator: ", ") }
        guard let node = item[key], let scalar = node.scalar, !scalar.isNull else {
            guard required else { return }
            report.report(
                stakeholderShape, at: location(item, in: plan), "\(who()) has no \(key)",
                why: "the buying group is judged by who decides, champions and blocks",
                fix: "add '\(key):' with one of: \(choices)", account: account)
            return
        }
        guard !allowed.contains(scalar.text) else { return }
        report.report(
            stakeholderShape, at: location(node, in: plan),
            "\(who()) has \(key) '\(scalar.text)', which is not one of \(choices)",
            why: "reports group the buying group by these values only",
            fix: "use one of: \(choices)\(ValidationContext.didYouMean(scalar.text, in: allowed))", account: account)
    }

    private static func checkKPIs(
        _ node: YAMLNode, plan: Plan, account: String?, _ report: inout FindingCollector
    ) {
        let why = "KPIs are compared and summed across plans, which needs plain numbers"
        if node.scalar?.isNull == true { return }
        guard let entries = node.entries else {
            report.report(
                kpiShape, at: location(node, in: plan),
                "'kpis' must be a mapping of names to numbers, found \(node.kindDescription)", why: why,
                fix: "write one 'name: number' per line under 'kpis:', like 'pipeline: 450000'", account: account)
            return
        }
        for entry in entries {
            let value = entry.value
            if let scalar = value.scalar, scalar.isNull || scalar.double?.isFinite == true { continue }
            report.report(
                kpiShape, at: location(value, in: plan),
                "KPI '\(entry.key)' must be a number, found \(value.describedValue)", why: why,
                fix: "write the number without units or quotes (like '\(entry.key): 12'), or leave it empty", account: account)
        }
    }
}
