import ABMCore
import Foundation

/// `abmsync new account|cluster|programme`: adds an account to the shared list, or a plan from its
/// template, touching nothing else in any file.
public enum NewEntry {
    public struct AccountRequest: Sendable {
        public var id: String
        public var name: String?
        public var tier: Tier
        public var domain: String?
        public var ae: String?
        public var marketer: String?
        public var sponsor: String?
        public var cluster: String?
        public var program: String?
        public var acv: Int?
        public var stage: String?
        /// Also write a plan for a tier 2 or 3 account (tier 1 always gets one when the policy requires it).
        public var withPlan: Bool

        public init(
            id: String, name: String?, tier: Tier, domain: String? = nil, ae: String? = nil, marketer: String? = nil,
            sponsor: String? = nil, cluster: String? = nil, program: String? = nil, acv: Int? = nil, stage: String? = nil,
            withPlan: Bool = false
        ) {
            self.id = id
            self.name = name
            self.tier = tier
            self.domain = domain
            self.ae = ae
            self.marketer = marketer
            self.sponsor = sponsor
            self.cluster = cluster
            self.program = program
            self.acv = acv
            self.stage = stage
            self.withPlan = withPlan
        }
    }

    public struct Result: Sendable {
        public var written: [String]
        public var summary: String
    }

    public static func addAccount(_ request: AccountRequest, in repository: PlanRepository, today: PlanDate)
        throws(AbmsyncError) -> Result
    {
        try checkID(request.id, what: "account")
        let load = WorkspaceLoader.load(from: WorkingTreeSource(root: repository.root))
        let workspace = load.workspace
        if let broken = load.findings.first(where: { $0.location.file == WorkspaceFile.accounts && $0.severity == .error }),
            broken.rule.hasPrefix("yaml") || broken.rule.hasPrefix("file") || broken.rule == "conflict-marker"
        {
            throw .editFailed(
                file: WorkspaceFile.accounts, reason: "\(broken.location): \(broken.message)",
                hint: "fix accounts.yaml first (abmsync validate shows every problem)")
        }
        if let existing = workspace.account(request.id) {
            throw .alreadyExists(
                what: "account '\(request.id)' (\(existing.displayName))", location: existing.id.location,
                hint: "pick another id, or edit the existing entry")
        }
        try checkPerson(request.ae, field: "ae", role: .ae, team: workspace.team)
        try checkPerson(request.marketer, field: "marketer", role: .marketing, team: workspace.team)
        try checkPerson(request.sponsor, field: "sponsor", role: .exec, team: workspace.team)
        if let stage = request.stage, !workspace.policy.stages.contains(stage) {
            throw .invalidArgument(
                "unknown stage '\(stage)'", hint: "stages are: \(workspace.policy.stages.joined(separator: ", "))")
        }

        var fields: [(String, YAMLValue)] = []
        fields.append(("name", .string(request.name ?? request.id)))
        if let domain = request.domain { fields.append(("domain", .string(domain))) }
        fields.append(("tier", .integer(request.tier.rawValue)))
        if let cluster = request.cluster { fields.append(("cluster", .string(cluster))) }
        if let program = request.program { fields.append(("program", .string(program))) }
        if let ae = request.ae { fields.append(("ae", .string(ae))) }
        if let marketer = request.marketer { fields.append(("marketer", .string(marketer))) }
        if let sponsor = request.sponsor { fields.append(("sponsor", .string(sponsor))) }
        if let acv = request.acv { fields.append(("acv", .integer(acv))) }
        fields.append(("stage", .string(request.stage ?? workspace.policy.stages.first ?? "target")))
        fields.append(("tier_since", .date(today)))
        fields.append(("reviewed", .date(today)))

        let accountsFile = try repository.file(WorkspaceFile.accounts)
        let original = try readText(accountsFile) ?? "accounts:\n"
        var editor = YAMLEditor(original)
        do {
            try editor.appendEntry(at: ["accounts"], key: request.id, fields: fields)
        } catch {
            throw .editFailed(file: WorkspaceFile.accounts, reason: error.message, hint: "fix the file, then try again")
        }

        var written: [String] = []
        let wantsPlan = (request.tier == .strategic && workspace.policy.tier(.strategic).planRequired) || request.withPlan
        let planPath = "accounts/\(request.id).md"
        var createdPlan = false
        let planFile = try repository.file(planPath)
        if wantsPlan, try !planFile.exists() {
            // Tier 1 gets the strategic plan; tiers 2 and 3 a short one beside their cluster's or programme's.
            let group: (word: String, id: String?) =
                request.tier == .cluster ? ("cluster", request.cluster) : ("programme", request.program)
            let plan = fill(
                request.tier == .strategic ? try template(.account, repository: repository) : try lightAccountTemplate(repository),
                values: [
                    "id": request.id, "name": request.name ?? request.id, "ae": request.ae ?? "ae",
                    "marketer": request.marketer ?? "marketer", "owner": request.ae ?? request.marketer ?? "owner",
                    "date": today.description, "due": PlanDate(dayNumber: today.dayNumber + 30).description,
                    "subject": "\(request.tier)" + (group.id.map { ", \(group.word) \($0)" } ?? ""),
                    "group": group.word,
                ])
            try planFile.write(plan)
            createdPlan = true
            written.append(planPath)
        }
        do {
            try accountsFile.write(editor.text)
        } catch {
            if createdPlan { unlink(planFile.full) }
            throw error
        }
        written.insert(WorkspaceFile.accounts, at: 0)
        let name = request.name ?? request.id
        return Result(written: written, summary: "\(name): added as \(request.tier) (\(workspace.policy.tier(request.tier).name))")
    }

    public static func addPlan(
        kind: Plan.Kind, id: String, name: String?, owner: String?, in repository: PlanRepository, today: PlanDate
    ) throws(AbmsyncError) -> Result {
        try checkID(id, what: kind == .cluster ? "cluster" : "programme")
        let path = "\(kind.folder)/\(id).md"
        let file = try repository.file(path)
        if try file.exists() {
            throw .alreadyExists(
                what: "\(kind.title) '\(id)'", location: SourceLocation(file: path), hint: "edit it, or pick another id")
        }
        let workspace = WorkspaceLoader.load(from: WorkingTreeSource(root: repository.root)).workspace
        if kind == .program {
            try checkPerson(owner, field: "owner", role: .marketingOps, team: workspace.team)
        } else if let owner, workspace.team[owner] == nil {
            try checkPerson(owner, field: "owner", role: nil, team: workspace.team)
        }
        let text = fill(
            try template(kind, repository: repository),
            values: [
                "id": id, "name": name ?? id, "owner": owner ?? "owner", "owner_field": owner ?? "\"\"",
                "date": today.description,
                "due": PlanDate(dayNumber: today.dayNumber + 30).description,
            ])
        try file.write(text)
        return Result(written: [path], summary: "\(name ?? id): \(kind.title) created")
    }

    // MARK: - Helpers

    /// The repository's own template (templates/plans/<kind>.md) if it has one, else abmsync's.
    /// A template that is a link is an error, never followed: it could copy a private file into a plan.
    static func template(_ kind: Plan.Kind, repository: PlanRepository) throws(AbmsyncError) -> String {
        let local = try repository.file("templates/plans/\(kind.rawValue).md")
        if let data = try local.read() { return String(decoding: data, as: UTF8.self) }
        return BundledFiles.planTemplate(kind)
    }

    /// The repository's own templates/plans/account-light.md if it has one, else abmsync's.
    static func lightAccountTemplate(_ repository: PlanRepository) throws(AbmsyncError) -> String {
        let local = try repository.file("templates/plans/account-light.md")
        if let data = try local.read() { return String(decoding: data, as: UTF8.self) }
        return BundledFiles.lightAccountTemplate
    }

    static func fill(_ template: String, values: [String: String]) -> String {
        var text = template
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return text
    }

    static func checkID(_ id: String, what: String) throws(AbmsyncError) {
        if let problem = Identifier.problem(id) {
            let suggestion = Identifier.suggest(from: id)
            throw .invalidArgument(
                "invalid \(what) id '\(id)': \(problem)",
                hint: suggestion.isEmpty ? "use an id like 'acme-corp'" : "try '\(suggestion)'")
        }
    }

    static func checkPerson(_ id: String?, field: String, role: Role?, team: Team) throws(AbmsyncError) {
        guard let id else { return }
        guard let person = team[id] else {
            let known = team.people.filter { role == nil || $0.has(role!) }.map(\.id.value)
            throw .notFound(
                what: "person '\(id)' (given as \(field)) in team.yaml",
                hint: known.isEmpty
                    ? "add them to team.yaml first"
                    : "people who can be \(field): \(known.joined(separator: ", ")); or add them to team.yaml")
        }
        if let role, !person.has(role) {
            throw .invalidArgument(
                "\(person.name) ('\(id)') cannot be \(field): team.yaml does not give them the '\(role.rawValue)' role",
                hint: "pick someone with that role, or add '\(role.rawValue)' to their roles in team.yaml")
        }
    }

    static func readText(_ file: RepositoryPath) throws(AbmsyncError) -> String? {
        guard let data = try file.read() else { return nil }
        do {
            return try PlanText.decode(data)
        } catch {
            throw .editFailed(file: file.relative, reason: "line \(error.line): \(error.message)", hint: error.fix)
        }
    }
}
