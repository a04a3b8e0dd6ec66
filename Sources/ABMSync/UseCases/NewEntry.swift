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
        try checkPerson(request.ae, field: "ae", role: AccountFields.named("ae")?.role, team: workspace.team)
        try checkPerson(request.marketer, field: "marketer", role: AccountFields.named("marketer")?.role, team: workspace.team)
        try checkPerson(request.sponsor, field: "sponsor", role: AccountFields.named("sponsor")?.role, team: workspace.team)
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
        let planFile = try repository.file(planPath)
        var plan: String?
        if wantsPlan, try !planFile.exists() {
            plan = try accountPlan(
                id: request.id, name: request.name, tier: request.tier, ae: request.ae, marketer: request.marketer,
                cluster: request.cluster, program: request.program, repository: repository, today: today)
        }
        let name = request.name ?? request.id
        var pending = [WorkspaceFile.accounts: editor.text]
        if let plan { pending[planPath] = plan }
        try refuseWhatValidateRejects(
            request.name.map { "\($0) (\(request.id))" } ?? "account '\(request.id)'", pending: pending, before: load, repository: repository, today: today)
        if let plan {
            try planFile.write(plan)
            written.append(planPath)
        }
        do {
            try accountsFile.write(editor.text)
        } catch {
            if plan != nil { unlink(planFile.full) }
            throw error
        }
        written.insert(WorkspaceFile.accounts, at: 0)
        return Result(written: written, summary: "\(name): added as \(request.tier) (\(workspace.policy.tier(request.tier).name))")
    }

    /// `new plan ID`: the plan of an account already in accounts.yaml (one moved to tier 1 by hand),
    /// from the template its tier uses, filled with what the account list says.
    public static func addAccountPlan(id: String, in repository: PlanRepository, today: PlanDate) throws(AbmsyncError)
        -> Result
    {
        try checkID(id, what: "account")
        let load = WorkspaceLoader.load(from: WorkingTreeSource(root: repository.root))
        guard let account = load.workspace.account(id) else {
            throw .notFound(
                what: "account '\(id)' in accounts.yaml",
                hint: "add it with 'abmsync new account \(id) --tier N' (which writes its plan too)")
        }
        let path = "accounts/\(id).md"
        let file = try repository.file(path)
        if try file.exists() {
            throw .alreadyExists(what: "account plan '\(path)'", location: SourceLocation(file: path), hint: "edit it")
        }
        let text = try accountPlan(
            id: id, name: account.name?.value, tier: account.tier?.value ?? .strategic, ae: account.ae?.value,
            marketer: account.marketer?.value, cluster: account.cluster?.value, program: account.program?.value,
            repository: repository, today: today)
        try refuseWhatValidateRejects(
            "the plan of \(account.displayName) (\(id))", pending: [path: text], before: load, repository: repository,
            today: today)
        try file.write(text)
        return Result(written: [path], summary: "\(account.displayName): account plan created")
    }

    /// An account's plan: the strategic template for tier 1, a short one beside its cluster's or
    /// programme's for tiers 2 and 3.
    static func accountPlan(
        id: String, name: String?, tier: Tier, ae: String?, marketer: String?, cluster: String?, program: String?,
        repository: PlanRepository, today: PlanDate
    ) throws(AbmsyncError) -> String {
        let group: (word: String, id: String?) = tier == .cluster ? ("cluster", cluster) : ("programme", program)
        return fill(
            tier == .strategic ? try template(.account, repository: repository) : try lightAccountTemplate(repository),
            values: [
                "id": id, "name": name ?? id, "ae": ae ?? "ae", "marketer": marketer ?? "marketer",
                "owner": ae ?? marketer ?? "owner", "date": today.description,
                "due": PlanDate(dayNumber: today.dayNumber + 30).description,
                "subject": "\(tier)" + (group.id.map { ", \(group.word) \($0)" } ?? ""), "group": group.word,
            ])
    }

    /// Runs validate's rules on the files as they would be after `new` (`pending` over the working
    /// tree) and refuses, writing nothing, when that gives an error the files do not have today:
    /// `new` never adds what validate then rejects. Errors already there (someone else's) do not stop it.
    /// `allowing` names rules a fresh plan is expected to break until the team fills it in.
    static func refuseWhatValidateRejects(
        _ what: String, pending: [String: String], before: WorkspaceLoad, allowing: Set<String> = [],
        repository: PlanRepository, today: PlanDate
    ) throws(AbmsyncError) {
        let validator = Validator(today: today)
        let after = WorkspaceLoader.load(
            from: PendingFiles(base: WorkingTreeSource(root: repository.root), files: pending.mapValues { Array($0.utf8) }))
        struct Place: Hashable {
            var rule: String
            var file: String
            var line: Int
        }
        struct Words: Hashable {
            var rule: String
            var file: String
            var message: String
        }
        let old = validator.validate(before).filter { $0.severity == .error }
        let places = Set(old.map { Place(rule: $0.rule, file: $0.location.file, line: $0.location.line) })
        let words = Set(old.map { Words(rule: $0.rule, file: $0.location.file, message: $0.message) })
        // A finding that was there (at the same place, or in the same words when lines moved) is not new.
        let new = validator.validate(after).filter { finding in
            finding.severity == .error && !allowing.contains(finding.rule)
                && !places.contains(Place(rule: finding.rule, file: finding.location.file, line: finding.location.line))
                && !words.contains(Words(rule: finding.rule, file: finding.location.file, message: finding.message))
        }
        if !new.isEmpty { throw .newRejected(what: what, findings: new) }
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
        let load = WorkspaceLoader.load(from: WorkingTreeSource(root: repository.root))
        let workspace = load.workspace
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
        // A new cluster has no members yet: its size is for the accounts added to it next.
        try refuseWhatValidateRejects(
            "\(kind.title) '\(id)'", pending: [path: text], before: load,
            allowing: kind == .cluster ? ["cluster-size"] : [], repository: repository, today: today)
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

/// The working tree with some files as `new` would write them, for checking before writing.
struct PendingFiles: ConcurrentWorkspaceSource {
    var base: WorkingTreeSource
    var files: [String: [UInt8]]
    var label: String { base.label }

    func read(_ path: String) throws(SourceError) -> [UInt8]? {
        if let pending = files[path] { return pending }
        return try base.read(path)
    }

    func list(_ folder: String) throws(SourceError) -> [String] {
        var names = try base.list(folder)
        let prefix = folder + "/"
        for path in files.keys.sorted() where path.hasPrefix(prefix) {
            let name = String(path.dropFirst(prefix.count))
            if !name.contains("/"), !names.contains(name) { names.append(name) }
        }
        return names
    }

    func paths(in folder: String) throws(SourceError) -> [String] { try list(folder).map { folder + "/" + $0 } }
}
