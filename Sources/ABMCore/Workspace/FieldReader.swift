/// Reads typed fields out of YAML nodes, recording a finding (with file, line and column) for
/// every value of the wrong shape instead of stopping.
struct FieldReader {
    let file: String
    var findings: [Finding] = []

    init(file: String) { self.file = file }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.line, column: node.column)
    }

    mutating func typeError(_ node: YAMLNode, field: String, expected: String, example: String, account: String? = nil) {
        findings.append(
            Finding(
                .error, rule: "field-type", at: location(node),
                "'\(field)' must be \(expected), found \(node.describedValue)",
                fix: "write it like \(field): \(example)", account: account))
    }

    mutating func mapping(_ node: YAMLNode, what: String, example: String) -> [YAMLEntry]? {
        if let entries = node.entries { return entries }
        if node.scalar?.isNull == true { return [] }
        findings.append(
            Finding(
                .error, rule: "file-shape", at: location(node), "\(what) must be a mapping, found \(node.kindDescription)",
                fix: "write it as \(example)"))
        return nil
    }

    /// A mapping keyed by tier (`tiers:`, `add_remove:`, `buying_group_default:`): each entry with
    /// its tier; a key that is not 1, 2 or 3 is an error and left out.
    mutating func tierEntries(_ node: YAMLNode, what: String, example: String) -> [(tier: Tier, value: YAMLNode)] {
        guard let entries = mapping(node, what: "'\(what)'", example: example) else { return [] }
        var result: [(tier: Tier, value: YAMLNode)] = []
        for entry in entries {
            guard let number = Int(entry.key), let tier = Tier(rawValue: number) else {
                findings.append(
                    Finding(
                        .error, rule: "policy-shape", at: location(entry.keyNode),
                        "unknown tier '\(entry.key)'" + (what == "tiers" ? "" : " under '\(what)'"),
                        fix: "tiers are 1, 2 and 3"))
                continue
            }
            result.append((tier, entry.value))
        }
        return result
    }

    mutating func string(_ node: YAMLNode, field: String, account: String? = nil) -> Located<String>? {
        guard let scalar = node.scalar else {
            typeError(node, field: field, expected: "text", example: "some text", account: account)
            return nil
        }
        if scalar.isNull { return nil }
        return Located(scalar.text, at: location(node))
    }

    mutating func integer(_ node: YAMLNode, field: String, range: ClosedRange<Int>? = nil, example: String = "12", account: String? = nil)
        -> Located<Int>?
    {
        guard let scalar = node.scalar else {
            typeError(node, field: field, expected: "a whole number", example: example, account: account)
            return nil
        }
        if scalar.isNull { return nil }
        guard let value = scalar.integer else {
            typeError(node, field: field, expected: "a whole number", example: example, account: account)
            return nil
        }
        if let range, !range.contains(value) {
            findings.append(
                Finding(
                    .error, rule: "field-type", at: location(node),
                    "'\(field)' must be between \(range.lowerBound) and \(range.upperBound), found \(value)",
                    fix: "use a value in that range", account: account))
            return nil
        }
        return Located(value, at: location(node))
    }

    mutating func double(_ node: YAMLNode, field: String) -> Double? {
        guard let scalar = node.scalar, !scalar.isNull else { return nil }
        guard let value = scalar.double else {
            typeError(node, field: field, expected: "a number", example: "0.5")
            return nil
        }
        return value
    }

    mutating func bool(_ node: YAMLNode, field: String, account: String? = nil) -> Located<Bool>? {
        guard let scalar = node.scalar, !scalar.isNull else { return nil }
        guard let value = scalar.bool else {
            typeError(node, field: field, expected: "true or false", example: "true", account: account)
            return nil
        }
        return Located(value, at: location(node))
    }

    mutating func date(_ node: YAMLNode, field: String, account: String? = nil) -> Located<PlanDate>? {
        guard let scalar = node.scalar else {
            typeError(node, field: field, expected: "a date (YYYY-MM-DD)", example: "2026-09-30", account: account)
            return nil
        }
        if scalar.isNull { return nil }
        guard let date = PlanDate(scalar.text) else {
            findings.append(
                Finding(
                    .error, rule: "field-type", at: location(node),
                    "'\(field)' is not a valid date: '\(scalar.text)'",
                    fix: "write the date as YYYY-MM-DD, e.g. \(field): 2026-09-30", account: account))
            return nil
        }
        return Located(date, at: location(node))
    }

    mutating func stringList(_ node: YAMLNode, field: String) -> [Located<String>] {
        if let items = node.items {
            return items.compactMap { string($0, field: field) }
        }
        if node.scalar?.isNull == true { return [] }
        typeError(node, field: field, expected: "a list", example: "[a, b]")
        return []
    }

    mutating func identifier(_ node: YAMLNode, what: String, account: String? = nil) -> Located<String>? {
        guard let scalar = node.scalar, !scalar.isNull else {
            findings.append(
                Finding(.error, rule: "id-syntax", at: location(node), "\(what) id must be text, found \(node.kindDescription)"))
            return nil
        }
        if let problem = Identifier.problem(scalar.text) {
            findings.append(
                Finding(
                    .error, rule: "id-syntax", at: location(node), "invalid \(what) id '\(scalar.text)': \(problem)",
                    fix: "use an id like '\(Identifier.suggest(from: scalar.text).isEmpty ? "acme-corp" : Identifier.suggest(from: scalar.text))'",
                    account: account))
        }
        return Located(scalar.text, at: location(node))
    }

    /// Warns about unknown keys that look like misspellings of known ones.
    mutating func checkUnknownKeys(_ entries: [YAMLEntry], known: [String], context: String, account: String? = nil)
        -> [Located<String>]
    {
        var extra: [Located<String>] = []
        for entry in entries where !known.contains(entry.key) {
            extra.append(Located(entry.key, at: location(entry.keyNode)))
            if let suggestion = Spelling.closest(to: entry.key, in: known) {
                findings.append(
                    Finding(
                        .warning, rule: "unknown-field", at: location(entry.keyNode),
                        "unknown field '\(entry.key)' in \(context) — did you mean '\(suggestion)'?",
                        why: "abmsync ignores fields it does not know, so this value is not checked or used",
                        fix: "rename it to '\(suggestion)' (or keep it if it is your team's own field)", account: account))
            }
        }
        return extra
    }

    // MARK: - abmsync.yaml

    mutating func policy(_ root: YAMLNode) -> Policy {
        var policy = Policy.defaults
        guard let entries = mapping(root, what: "abmsync.yaml", example: "version: 1") else { return policy }
        _ = checkUnknownKeys(
            entries,
            known: ["version", "stages", "review_every_days", "tiers", "separation", "scoring", "sections", "rules", "plans", "permissions"],
            context: "abmsync.yaml")
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "version":
                if let version = integer(value, field: "version") {
                    policy.version = version.value
                    if version.value != 1 {
                        findings.append(
                            Finding(
                                .error, rule: "policy-version", at: location(value),
                                "abmsync.yaml version \(version.value) is not supported (this abmsync reads version 1)",
                                fix: "upgrade abmsync, or set version: 1"))
                    }
                }
            case "stages":
                let stages = stringList(value, field: "stages").map(\.value)
                if !stages.isEmpty { policy.stages = stages }
            case "review_every_days":
                if let days = integer(value, field: "review_every_days", range: 1...3650) { policy.reviewEveryDays = days.value }
            case "separation":
                if let flag = bool(value, field: "separation") { policy.separation = flag.value }
            case "tiers":
                for (tier, tierValue) in tierEntries(value, what: "tiers", example: "tiers: {1: {...}}") {
                    policy.tiers[tier] = tierPolicy(tierValue, base: policy.tier(tier))
                }
            case "scoring":
                policy.scoring = scoring(value, base: policy.scoring)
            case "sections":
                guard let owners = mapping(value, what: "'sections'", example: "sections: {ae: [Buying Group]}") else { continue }
                var result: [Role: [String]] = [:]
                for owner in owners {
                    guard let role = Role(rawValue: owner.key) else {
                        findings.append(
                            Finding(
                                .error, rule: "policy-shape", at: location(owner.keyNode), "unknown role '\(owner.key)'",
                                fix: "roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))"))
                        continue
                    }
                    result[role] = stringList(owner.value, field: owner.key).map(\.value)
                }
                policy.sectionOwners = result
            case "plans":
                guard let kinds = mapping(value, what: "'plans'", example: "plans: {cluster: {sections: [...]}}") else { continue }
                for kind in kinds {
                    let sections = kind.value["sections"].map { stringList($0, field: "sections").map(\.value) } ?? []
                    if kind.key == "cluster" { policy.clusterSections = sections }
                    if kind.key == "program" || kind.key == "programme" { policy.programSections = sections }
                }
            case "permissions":
                policy.permissions = permissions(value)
            case "rules":
                guard let rules = mapping(value, what: "'rules'", example: "rules: {review-overdue: warning}") else { continue }
                for rule in rules {
                    guard let text = rule.value.scalar?.text, let level = Policy.RuleLevel(rawValue: text) else {
                        findings.append(
                            Finding(
                                .error, rule: "policy-shape", at: location(rule.value),
                                "rule '\(rule.key)' must be set to off, warning or error"))
                        continue
                    }
                    policy.ruleLevels[rule.key] = level
                }
            default:
                break
            }
        }
        return policy
    }

    private mutating func tierPolicy(_ node: YAMLNode, base: Policy.TierPolicy) -> Policy.TierPolicy {
        var tier = base
        guard let entries = mapping(node, what: "a tier", example: "1: {name: Strategic}") else { return tier }
        _ = checkUnknownKeys(
            entries,
            known: [
                "name", "requires", "plan", "sections", "max_accounts", "max_per_ae", "max_per_marketer", "min_acv",
                "stale_after_days", "min_stakeholders", "cluster_size",
            ], context: "a tier policy")
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "name": tier.name = string(value, field: "name")?.value ?? tier.name
            case "requires": tier.requires = stringList(value, field: "requires").map(\.value)
            case "plan": tier.planRequired = value.scalar?.text == "required"
            case "sections": tier.sections = stringList(value, field: "sections").map(\.value)
            case "max_accounts": tier.maxAccounts = integer(value, field: entry.key, range: 0...10_000_000)?.value
            case "max_per_ae": tier.maxPerAE = integer(value, field: entry.key, range: 0...10_000_000)?.value
            case "max_per_marketer": tier.maxPerMarketer = integer(value, field: entry.key, range: 0...10_000_000)?.value
            case "min_acv": tier.minACV = integer(value, field: entry.key, range: 0...Int.max)?.value
            case "stale_after_days": tier.staleAfterDays = integer(value, field: entry.key, range: 1...36500)?.value
            case "min_stakeholders": tier.minStakeholders = integer(value, field: entry.key, range: 0...1000)?.value
            case "cluster_size":
                let low = value["min"].flatMap { integer($0, field: "min", range: 0...100_000)?.value } ?? 0
                let high = value["max"].flatMap { integer($0, field: "max", range: 0...100_000)?.value } ?? Int.max
                if low <= high { tier.clusterSize = low...high }
            default: break
            }
        }
        return tier
    }

    // MARK: - team.yaml

    mutating func team(_ root: YAMLNode) -> Team {
        guard let entries = mapping(root, what: "team.yaml", example: "people: {jane: {name: Jane Doe}}") else {
            return Team(people: [])
        }
        guard let peopleNode = root["people"] else {
            findings.append(
                Finding(
                    .error, rule: "file-shape", at: SourceLocation(file: file), "team.yaml has no 'people:' section",
                    fix: "list the team under 'people:' (see templates/team.yaml)"))
            return Team(people: [])
        }
        _ = entries
        guard let people = mapping(peopleNode, what: "'people'", example: "people: {jane: {name: Jane Doe}}") else {
            return Team(people: [])
        }
        var result: [Person] = []
        for entry in people {
            guard let id = identifier(entry.keyNode, what: "person") else { continue }
            guard let fields = mapping(entry.value, what: "person '\(id.value)'", example: "jane: {name: Jane Doe, roles: [ae]}")
            else { continue }
            _ = checkUnknownKeys(fields, known: ["name", "email", "roles", "title", "manager"], context: "person '\(id.value)'")
            let name = entry.value["name"].flatMap { string($0, field: "name")?.value } ?? id.value
            let email = entry.value["email"].flatMap { string($0, field: "email")?.value }
            var roles: [Role] = []
            var unknown: [Located<String>] = []
            if let rolesNode = entry.value["roles"] {
                for role in stringList(rolesNode, field: "roles") {
                    if let known = Role(rawValue: role.value) { roles.append(known) } else { unknown.append(role) }
                }
            }
            result.append(Person(id: id, name: name, email: email, roles: roles, unknownRoles: unknown))
        }
        return Team(people: result)
    }

    // MARK: - accounts.yaml

    mutating func accounts(_ root: YAMLNode) -> [Account] {
        guard mapping(root, what: "accounts.yaml", example: "accounts: {acme-corp: {name: Acme Corp, tier: 1}}") != nil
        else { return [] }
        guard let listNode = root["accounts"] else {
            findings.append(
                Finding(
                    .error, rule: "file-shape", at: SourceLocation(file: file),
                    "accounts.yaml has no 'accounts:' section",
                    fix: "put every account under 'accounts:', keyed by its id"))
            return []
        }
        if listNode.items != nil {
            findings.append(
                Finding(
                    .error, rule: "file-shape", at: location(listNode),
                    "'accounts' is a list; it must be a mapping keyed by account id",
                    why: "a mapping lets two people's edits to different accounts merge cleanly",
                    fix: "write each account as 'acme-corp:' followed by its indented fields"))
            return []
        }
        guard let entries = mapping(listNode, what: "'accounts'", example: "accounts: {acme-corp: {tier: 1}}") else { return [] }
        var result: [Account] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            if let account = account(entry) { result.append(account) }
        }
        return result
    }

    mutating func account(_ entry: YAMLEntry) -> Account? {
        guard let id = identifier(entry.keyNode, what: "account") else { return nil }
        let key = id.value
        guard let fields = entry.value.entries else {
            findings.append(
                Finding(
                    .error, rule: "file-shape", at: location(entry.value),
                    "account '\(key)' must be a mapping of fields, found \(entry.value.kindDescription)",
                    fix: "indent its fields under '\(key):' (name, tier, ae, …)", account: key))
            return nil
        }
        var account = Account(id: id, entry: entry.value)
        account.extraFields = checkUnknownKeys(fields, known: Account.knownFields, context: "account '\(key)'", account: key)
        for field in fields {
            guard let known = AccountFields.named(field.key) else { continue }
            let value = field.value
            switch known.kind {
            case .text(let path), .person(let path, _), .plan(let path, _):
                account[keyPath: path] = string(value, field: known.key, account: key)
            case .tier(let path):
                if let number = integer(value, field: known.key, example: "1", account: key) {
                    if let tier = Tier(rawValue: number.value) {
                        account[keyPath: path] = Located(tier, at: number.location)
                    } else {
                        findings.append(
                            Finding(
                                .error, rule: "field-type", at: number.location,
                                "tier must be 1, 2 or 3, found \(number.value)",
                                fix: "1 = strategic (1:1), 2 = cluster (1:few), 3 = programmatic (1:many)", account: key))
                    }
                }
            case .number(let path, let range, let example):
                account[keyPath: path] = integer(value, field: known.key, range: range, example: example, account: key)
            case .date(let path): account[keyPath: path] = date(value, field: known.key, account: key)
            case .flag(let path): account[keyPath: path] = bool(value, field: known.key, account: key)
            }
        }
        return account
    }
}

extension YAMLNode {
    /// The value quoted for a message: `'abc'`, or "a list", "a mapping".
    var describedValue: String {
        if let scalar, !scalar.isNull { return "'\(scalar.text)'" }
        return kindDescription
    }
}

/// Finds the known word a misspelt one most likely meant.
public enum Spelling {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate)
            let limit = candidate.count <= 4 ? 1 : 2
            if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Damerau–Levenshtein distance (adjacent swaps count as one edit: `stgae` → `stage` is 1).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
