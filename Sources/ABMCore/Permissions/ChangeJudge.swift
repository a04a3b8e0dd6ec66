/// One version of the plan repository as the permission rules see it: the loaded workspace and the
/// files it was loaded from (to tell what changed).
public struct Snapshot {
    public var workspace: Workspace
    public var source: any WorkspaceSource

    public init(workspace: Workspace, source: any WorkspaceSource) {
        self.workspace = workspace
        self.source = source
    }

    /// The snapshot of `source`, loaded as far as the permission rules need: the policy, the team,
    /// the account list and the programme plans (for their owners). Account and cluster plans are
    /// compared from the source only when they changed, never parsed all.
    public init(loading source: some WorkspaceSource) {
        self.init(workspace: WorkspaceLoader.load(from: RulesOnlySource(source)).workspace, source: source)
    }
}

/// A source that shows the loader only what the permission rules read.
private struct RulesOnlySource<Base: WorkspaceSource>: WorkspaceSource {
    let base: Base
    init(_ base: Base) { self.base = base }
    var label: String { base.label }
    func read(_ path: String) throws(SourceError) -> [UInt8]? { try base.read(path) }
    func list(_ folder: String) throws(SourceError) -> [String] {
        folder == Plan.Kind.program.folder ? try base.list(folder) : []
    }
    func paths(in folder: String) throws(SourceError) -> [String] {
        folder == Plan.Kind.program.folder ? try base.paths(in: folder) : []
    }
}

/// Judges a change (old snapshot → new snapshot, made by one author) against `permissions:` and
/// `sections:`. The change is judged under the policy and team of the OLD snapshot, so changing the
/// rules takes someone the old rules allow. Every refusal is a finding (rule `permission-…`): what
/// changed, in plan terms, who may make it (names from team.yaml), and how to get it done.
public enum ChangeJudge {
    /// The findings for the change; empty when the author may make all of it. `paths` limits the
    /// comparison to files known to differ (from a tree diff); nil compares every abmsync file.
    public static func judge(old: Snapshot, new: Snapshot, authorEmail: String, paths: [String]? = nil) -> [Finding] {
        let changes = ChangeSummary.compare(old: old.source, new: new.source, paths: paths)
        guard let first = changes.first else { return [] }
        let judge = Judge(old: old.workspace, new: new.workspace, newSource: new.source)
        guard let author = old.workspace.team.person(withEmail: authorEmail) else {
            return [judge.unknownAuthor(authorEmail, first: first)]
        }
        let moved = Set(changes.compactMap { change -> String? in
            if case .fieldChanged(field: "tier", _, _) = change.kind { return change.subject }
            return nil
        })
        var findings: [Finding] = []
        for change in changes {
            for need in judge.needs(for: change, moved: moved) where !judge.qualifies(author, for: need) {
                findings.append(judge.refusal(need, author: author))
            }
        }
        return findings
    }
}

/// What one change needs: who may make it, and the words for telling the author.
struct PermissionNeed {
    var rule: String
    var grantees: [Permissions.Grantee]
    /// The account whose owners `account-owners` means.
    var account: Account?
    /// The cluster whose other accounts' owners `cluster-owners` means (and the account not counted).
    var cluster: String?
    var excluding: String?
    /// The programme whose owner `program-owner` means.
    var program: String?
    /// What changed, in plan terms ("Stark Industries: tier 1 → 3").
    var what: String
    /// What the author may not do ("move accounts between tiers").
    var reason: String
    /// What to ask someone else to do ("move Stark Industries to tier 3").
    var action: String
    var location: SourceLocation
    var accountID: String?
}

struct Judge {
    let old: Workspace
    let new: Workspace
    let newSource: (any WorkspaceSource)?
    let permissions: Permissions
    /// Normalised section title → the roles it is reserved to.
    let reserved: [String: [Role]]

    init(old: Workspace, new: Workspace, newSource: (any WorkspaceSource)?) {
        self.old = old
        self.new = new
        self.newSource = newSource
        permissions = old.policy.permissions
        var reserved: [String: [Role]] = [:]
        for (role, titles) in old.policy.sectionOwners.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for title in titles { reserved[Plan.normalizedTitle(title), default: []].append(role) }
        }
        self.reserved = reserved
    }

    // MARK: - What a change needs

    func needs(for change: PlanChange, moved: Set<String>) -> [PermissionNeed] {
        let subject = change.subject
        if subject == WorkspaceFile.policy {
            return [fileNeed(.policy, rule: "permission-policy", change: change, reason: "change abmsync.yaml (the team's policy)")]
        }
        if subject == WorkspaceFile.team {
            return [fileNeed(.team, rule: "permission-team", change: change, reason: "change team.yaml (the people and their roles)")]
        }
        if subject == WorkspaceFile.accounts {
            // The list could not be compared account by account (it does not read): only those who
            // may move any account may change it.
            return [
                PermissionNeed(
                    rule: "permission-accounts-file", grantees: permissions.grantees(.move), what: change.description,
                    reason: "change accounts.yaml as a whole", action: "make this change to accounts.yaml",
                    location: SourceLocation(file: subject))
            ]
        }
        if let kind = WorkspaceFile.planKind(of: subject) { return planNeeds(change, kind: kind) }
        return accountNeeds(change, moved: moved)
    }

    private func fileNeed(_ kind: Permissions.Change, rule: String, change: PlanChange, reason: String) -> PermissionNeed {
        PermissionNeed(
            rule: rule, grantees: permissions.grantees(kind), what: change.description, reason: reason,
            action: "make this change to \(change.subject)", location: SourceLocation(file: change.subject))
    }

    func accountNeeds(_ change: PlanChange, moved: Set<String>) -> [PermissionNeed] {
        let id = change.subject
        let before = old.account(id)
        let after = new.account(id)
        let name = after?.displayName ?? before?.displayName ?? id
        let what = change.description
        switch change.kind {
        case .accountAdded(let tierNumber):
            let tier = tierNumber.flatMap(Tier.init(rawValue:))
            return [
                PermissionNeed(
                    rule: "permission-add-account", grantees: permissions.grantees(addingOrRemoving: tier), account: after,
                    cluster: after?.cluster?.value, excluding: id, program: after?.program?.value, what: what,
                    reason: "add a \(tier.map { "\($0)" } ?? "tier 1") account" + placement(after),
                    action: "add \(name) to the account list", location: after?.id.location ?? accountsFile, accountID: id)
            ]
        case .accountRemoved:
            let tier = before?.tier?.value
            return [
                PermissionNeed(
                    rule: "permission-remove-account", grantees: permissions.grantees(addingOrRemoving: tier), account: before,
                    cluster: before?.cluster?.value, excluding: id, program: before?.program?.value, what: what,
                    reason: "remove a \(tier.map { "\($0)" } ?? "tier 1") account" + placement(before),
                    action: "remove \(name) from the account list", location: before?.id.location ?? accountsFile,
                    accountID: id)
            ]
        case .fieldChanged(let field, _, let value):
            let location = after.map { fieldLocation($0, field) } ?? accountsFile
            if Permissions.placementFields.contains(field) {
                // The cluster or programme that comes with a tier move is part of the move.
                if field != "tier", moved.contains(id) { return [] }
                let action: String
                switch (field, value) {
                case ("tier", let value?): action = "move \(name) to tier \(value)"
                case (_, let value?): action = "move \(name) to \(field) \(value)"
                default: action = "take \(name) out of its \(field)"
                }
                return [
                    PermissionNeed(
                        rule: "permission-tier-move", grantees: permissions.grantees(.move), what: what,
                        reason: "move accounts between tiers, clusters or programmes", action: action, location: location,
                        accountID: id)
                ]
            }
            let action = value.map { "set \(name)'s \(field) to \($0)" } ?? "clear \(name)'s \(field)"
            if Permissions.ownerFields.contains(field) {
                var grantees = permissions.grantees(.owners)
                var program: String?
                if field == "ae", before?.tier?.value == .programmatic, after?.tier?.value == .programmatic {
                    grantees += permissions.grantees(.handoffAE)
                    program = before?.program?.value
                }
                return [
                    PermissionNeed(
                        rule: "permission-owner-field", grantees: grantees, program: program, what: what,
                        reason: "change who owns an account", action: action, location: location, accountID: id)
                ]
            }
            return [
                PermissionNeed(
                    rule: "permission-field", grantees: permissions.grantees(.fields), account: before, what: what,
                    reason: "change \(name)'s \(field) (it is not one of your accounts)", action: action, location: location,
                    accountID: id)
            ]
        default:
            return []
        }
    }

    func planNeeds(_ change: PlanChange, kind: Plan.Kind) -> [PermissionNeed] {
        let path = change.subject
        let id = String(path.split(separator: "/").last?.dropLast(3) ?? "")
        let plan = change.subjectName
        let verb: String
        switch change.kind {
        case .planAdded: verb = "create"
        case .planRemoved: verb = "delete"
        default: verb = "edit"
        }
        var need = PermissionNeed(
            rule: "", grantees: [], what: change.description, reason: "\(verb) the \(plan)", action: "\(verb) the \(plan)",
            location: SourceLocation(file: path))
        switch kind {
        case .account:
            need.rule = "permission-account-plan"
            need.grantees = permissions.grantees(.accountPlans)
            need.account = old.account(id) ?? new.account(id)
            need.accountID = id
        case .cluster:
            need.rule = "permission-cluster-plan"
            need.grantees = permissions.grantees(.clusterPlans)
            need.cluster = id
        case .program:
            need.rule = "permission-program-plan"
            need.grantees = permissions.grantees(.programPlans)
            need.program = id
        }
        var needs = [need]
        guard case .planEdited(let sections, _) = change.kind, !reserved.isEmpty else { return needs }
        let lines = sectionLines(path)
        for section in sections {
            let title = Plan.normalizedTitle(section)
            guard let roles = reserved[title] else { continue }
            var sectionNeed = need
            sectionNeed.rule = "permission-section"
            sectionNeed.grantees = roles.map { .role($0) } + permissions.grantees(.sections)
            sectionNeed.account = nil
            sectionNeed.cluster = nil
            sectionNeed.program = nil
            sectionNeed.what = "\(plan): \(section) edited"
            let holders = roles.map { Role.plural($0) }.joined(separator: " and ")
            sectionNeed.reason = "edit \(section) (reserved to \(holders) under 'sections:' in abmsync.yaml)"
            sectionNeed.action = "edit \(section) in the \(plan)"
            sectionNeed.location = SourceLocation(file: path, line: lines[title] ?? 1)
            needs.append(sectionNeed)
        }
        return needs
    }

    private var accountsFile: SourceLocation { SourceLocation(file: WorkspaceFile.accounts) }

    private func placement(_ account: Account?) -> String {
        if let cluster = account?.cluster?.value { return " in cluster \(cluster)" }
        if let program = account?.program?.value { return " in programme \(program)" }
        return ""
    }

    private func fieldLocation(_ account: Account, _ field: String) -> SourceLocation {
        let known: SourceLocation?
        switch field {
        case "name": known = account.name?.location
        case "domain": known = account.domain?.location
        case "tier": known = account.tier?.location
        case "ae": known = account.ae?.location
        case "marketer": known = account.marketer?.location
        case "sponsor": known = account.sponsor?.location
        case "cluster": known = account.cluster?.location
        case "program": known = account.program?.location
        case "acv": known = account.acv?.location
        case "stage": known = account.stage?.location
        case "tier_since": known = account.tierSince?.location
        case "reviewed": known = account.reviewed?.location
        case "cycle_months": known = account.cycleMonths?.location
        case "strategic": known = account.strategic?.location
        case "intent": known = account.intent?.location
        default: known = account.extraFields.first { $0.value == field }?.location
        }
        return known ?? account.id.location
    }

    /// The line of each `##` section of the new version of a plan, by normalised title.
    private func sectionLines(_ path: String) -> [String: Int] {
        guard let bytes = (try? newSource?.read(path)) ?? nil, let text = try? PlanText.decode(bytes) else { return [:] }
        let lines = TextLines(text)
        var bodyStart = 1
        if case .found(_, let body) = FrontMatter.split(lines) { bodyStart = body }
        let outline = MarkdownOutline(markdown: lines.text(bodyStart..<(lines.count + 1)))
        var result: [String: Int] = [:]
        for heading in outline.headings where heading.level == 2 {
            let title = Plan.normalizedTitle(heading.title)
            if result[title] == nil { result[title] = heading.line + bodyStart - 1 }
        }
        return result
    }

    // MARK: - Who qualifies

    func qualifies(_ person: Person, for need: PermissionNeed) -> Bool {
        label(person, for: need) != nil
    }

    /// Why `person` may make the change ("admin", "Acme Corp's AE"), nil when they may not.
    func label(_ person: Person, for need: PermissionNeed) -> String? {
        let id = person.id.value
        for grantee in need.grantees {
            switch grantee {
            case .role(let role):
                if person.has(role) { return role.title }
            case .accountOwners:
                if let account = need.account, let field = accountOwnerField(of: id, in: account) {
                    return "\(Judge.possessive(account.displayName)) \(field)"
                }
            case .clusterOwners:
                if let cluster = need.cluster, clusterOwners(cluster, excluding: need.excluding).contains(id) {
                    return "owns an account in cluster \(cluster)"
                }
            case .programOwner:
                if let program = need.program, programOwner(program) == id { return "owner of programme \(program)" }
            }
        }
        return nil
    }

    private func accountOwnerField(of person: String, in account: Account) -> String? {
        for (field, owner) in account.owners where owner.value == person { return field == "ae" ? "AE" : field }
        if account.tier?.value == .programmatic, let program = account.program?.value, programOwner(program) == person {
            return "programme owner"
        }
        return nil
    }

    private func clusterOwners(_ cluster: String, excluding: String?) -> Set<String> {
        var owners: Set<String> = []
        for account in old.accounts where account.cluster?.value == cluster && account.id.value != excluding {
            if let ae = account.ae?.value { owners.insert(ae) }
            if let marketer = account.marketer?.value { owners.insert(marketer) }
        }
        return owners
    }

    private func programOwner(_ program: String) -> String? {
        old.plan(.program, program)?.owner?.value
    }

    // MARK: - Findings

    /// "Val Park (admin)" for everyone team.yaml lists who may make the change.
    func allowed(_ need: PermissionNeed) -> [String] {
        var allowed: [String] = []
        for person in old.team.people {
            if let label = label(person, for: need) { allowed.append("\(person.name) (\(label))") }
        }
        return allowed
    }

    func refusal(_ need: PermissionNeed, author: Person) -> Finding {
        let allowed = allowed(need)
        let shown = allowed.count > 5 ? Array(allowed.prefix(5)) + ["\(allowed.count - 5) more"] : allowed
        let names = Judge.list(shown, joiner: "or")
        let why: String
        let fix: String
        if allowed.isEmpty {
            why = "nobody in team.yaml may \(need.reason)"
            fix = "ask an admin to \(need.action), or to change 'permissions:' in abmsync.yaml"
        } else {
            // The rule in words; the people are named once, in the fix.
            why = "only \(Judge.list(need.grantees.map(Self.words), joiner: "and")) may ('permissions:' in abmsync.yaml)"
            fix = "ask \(names) to \(need.action), or open a pull request for them to approve"
        }
        return Finding(
            .error, rule: need.rule, at: need.location, "\(need.what) (by \(author.name), who may not \(need.reason))",
            why: why, fix: fix, account: need.accountID)
    }

    func unknownAuthor(_ email: String, first: PlanChange) -> Finding {
        let admins = old.team.people.filter { $0.has(.admin) }.map { "\($0.name) (admin)" }
        let location: SourceLocation
        if let account = new.account(first.subject) ?? old.account(first.subject) {
            location = account.id.location
        } else {
            location = SourceLocation(file: WorkspaceFile.isPlanData(first.subject) ? first.subject : WorkspaceFile.accounts)
        }
        return Finding(
            .error, rule: "permission-unknown-author", at: location,
            "\(first.description)\(first.description.isEmpty ? "" : " and any other change") by \(email.isEmpty ? "an author with no email" : email), who is not in team.yaml",
            why: "who may change what is decided by the person team.yaml lists with that email",
            fix: admins.isEmpty
                ? "commit with the email team.yaml lists for you (git config user.email)"
                : "commit with the email team.yaml lists for you (git config user.email), or ask \(Judge.list(admins, joiner: "or")) to add you to team.yaml",
            account: first.subject == WorkspaceFile.accounts ? nil : (new.account(first.subject) ?? old.account(first.subject))?.id.value)
    }

    /// "Acme Corp's", "Stark Industries'".
    static func possessive(_ name: String) -> String { name.hasSuffix("s") ? name + "'" : name + "'s" }

    /// "admins", "the account's AE, marketer or sponsor": who a grantee is, for "only … may".
    static func words(_ grantee: Permissions.Grantee) -> String {
        switch grantee {
        case .role(let role): return Role.plural(role)
        case .accountOwners: return "the account's owners"
        case .clusterOwners: return "the owners of other accounts in its cluster"
        case .programOwner: return "the programme's owner"
        }
    }

    static func list(_ items: [String], joiner: String) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " \(joiner) " + items[items.count - 1]
        }
    }
}

extension Role {
    /// "account executives", "marketers": for "reserved to …".
    static func plural(_ role: Role) -> String {
        switch role {
        case .ae: return "account executives"
        case .marketing: return "marketers"
        case .sdr: return "SDRs"
        case .marketingOps: return "marketing ops"
        case .exec: return "executives"
        case .admin: return "admins"
        }
    }
}
