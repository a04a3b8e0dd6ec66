/// What a change to a plan repository does, per account and in plan terms, for reviewers: accounts
/// added, removed and renamed, tier moves, owner changes with people's names, field changes old →
/// new (money with the percentage), stakeholders, plan sections with their changed lines and the
/// tasks ticked, policy and team changes in words, and the findings the change introduces.
/// `abmsync diff` renders it as text, Markdown (a pull request comment) or JSON (`PlanDiff+Render`).
///
/// Built from two snapshots (`compare(old:new:paths:)`); every value is kept as the repository
/// has it, and escaped only when rendered.
public struct PlanDiff: Sendable {
    /// A label for each side: "commit 1a2b3c4", "working tree".
    public var oldLabel: String
    public var newLabel: String
    /// Accounts whose entry in accounts.yaml or whose account plan changed, in the new list's order
    /// (removed ones last).
    public var accounts: [AccountChange] = []
    /// Cluster and programme plans that changed.
    public var plans: [PlanFileChange] = []
    /// abmsync.yaml changes in words ("tier 1 max_per_ae 5 → 50").
    public var policy: [String] = []
    /// team.yaml changes in words ("Sam Lee: roles + admin, exec").
    public var team: [String] = []
    /// Files whose new version cannot be compared (conflict markers, broken YAML), in words.
    public var unreadable: [String] = []
    /// Findings of the new snapshot that the old one did not have (`introducedFindings`).
    public var findings: [Finding] = []

    public var isEmpty: Bool {
        accounts.isEmpty && plans.isEmpty && policy.isEmpty && team.isEmpty && unreadable.isEmpty && findings.isEmpty
    }

    public init(oldLabel: String, newLabel: String) {
        self.oldLabel = oldLabel
        self.newLabel = newLabel
    }
}

/// One account's change: its entry in accounts.yaml and its account plan.
public struct AccountChange: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        case added
        case removed
        /// The id changed (the entry is the same account: same name and domain).
        case renamed(from: String)
        case changed
    }

    public var id: String
    public var name: String
    public var status: Status
    public var tierBefore: Int?
    public var tierAfter: Int?
    public var acvBefore: Int?
    public var acvAfter: Int?
    /// Field changes of the entry, in the order of `AccountFields.all`, then the team's own fields.
    public var fields: [FieldChange] = []
    /// The account plan (`accounts/<id>.md`), when it changed.
    public var plan: PlanFileChange?
}

/// A value that changed: `key` as written, both values as written, and the change in words.
public struct FieldChange: Sendable, Hashable {
    public var key: String
    public var old: String?
    public var new: String?
    /// "ACV $450,000 → $515,000 (+14%)", "tier 2 → 1", "AE Jane Doe → Sam Lee".
    public var words: String
}

/// A plan file's change: front matter, stakeholders, sections.
public struct PlanFileChange: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case added, removed, renamed, edited }
    public var path: String
    public var oldPath: String?
    public var name: String
    public var status: Status
    /// Front matter values other than the stakeholders.
    public var frontMatter: [FieldChange] = []
    public var stakeholders: [StakeholderChange] = []
    public var sections: [SectionChange] = []
}

public struct StakeholderChange: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case added, removed, changed }
    public var name: String
    public var status: Status
    /// For a changed one: "sentiment neutral → positive"; for an added one: its title and role.
    public var details: [String]
}

/// One `##` section of a plan (or the text above the first, "(top)").
public struct SectionChange: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case added, removed, renamed, edited }
    public var title: String
    public var oldTitle: String?
    public var status: Status
    /// The changed lines with a line of context around each run (`gap` between runs).
    public var lines: [DiffLine]
    public var tasks: [TaskChange]
}

public struct DiffLine: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case context = " "
        case added = "+"
        case removed = "-"
        /// Lines left out between two runs of changes.
        case gap = "@"
    }

    public var kind: Kind
    public var text: String
    /// On an added line that rewrites the removed line paired with it (same place in a run of as
    /// many removed as added lines, at least half of the words kept): the line with the word-level
    /// change marked, `[-old-]{+new+}` (the pair's removed line is the text before).
    public var words: [WordPart]? = nil
}

/// A piece of a line in a word-level change.
public struct WordPart: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case same = " ", added = "+", removed = "-" }
    public var kind: Kind
    public var text: String
}

public struct TaskChange: Sendable, Hashable {
    public var task: String
    public var ticked: Bool
}

// MARK: - Comparing two snapshots

extension PlanDiff {
    /// Compares the abmsync files of two snapshots. `paths` limits the comparison to files known to
    /// differ (a tree diff or git status); nil compares every abmsync file.
    public static func compare(old: some WorkspaceSource, new: some WorkspaceSource, paths: [String]? = nil) -> PlanDiff {
        var diff = PlanDiff(oldLabel: old.label, newLabel: new.label)
        var candidates: [String] = []
        var seen: Set<String> = []
        for path in paths ?? ChangeSummary.allPaths(old) + ChangeSummary.allPaths(new)
        where WorkspaceFile.isPlanData(path) && seen.insert(path).inserted {
            candidates.append(path)
        }
        // A file either side cannot give (a symbolic link, over the size limit) is not compared: it
        // is listed under "not compared" with why, never taken for a deleted file.
        var refused: [String: SourceError] = [:]
        func read(_ source: any WorkspaceSource, _ path: String) -> [UInt8]? {
            do { return try source.read(path) } catch {
                if refused[path] == nil { refused[path] = error }
                return nil
            }
        }
        let oldAccounts = read(old, WorkspaceFile.accounts)
        let newAccounts = read(new, WorkspaceFile.accounts)
        let listsRead = refused[WorkspaceFile.accounts] == nil
        let oldTeam = WorkspaceLoader.loadTeam(from: old)
        let newTeam = WorkspaceLoader.loadTeam(from: new)
        let people = PeopleNames(old: oldTeam, new: newTeam)

        let newList = ChangeSummary.ScannedAccounts(bytes: listsRead ? newAccounts : nil)
        let oldList = candidates.contains(WorkspaceFile.accounts) || !listsRead
            ? ChangeSummary.ScannedAccounts(bytes: listsRead ? oldAccounts : nil) : newList
        let newEntries = EntryLookup(newList)
        let oldEntries = EntryLookup(oldList)

        // accounts.yaml: the entries that differ.
        var changes: [AccountChange] = []
        if oldList.bytes != newList.bytes {
            if let bytes = newList.bytes, newList.scan == nil,
                let problem = ChangeSummary.unreadable(bytes, path: WorkspaceFile.accounts)
            {
                diff.unreadable.append(
                    PlanChange(subject: WorkspaceFile.accounts, subjectName: WorkspaceFile.accounts, kind: problem).description)
            } else if let (before, after) = ChangeSummary.differingEntries(oldList, newList) {
                changes = compareEntries(old: before, new: after, people: people)
            }
        }

        // Plans.
        var planChanges: [String: PlanFileChange] = [:]
        var removedPlans: [String: [UInt8]] = [:]
        var addedPlans: [String: [UInt8]] = [:]
        for path in candidates {
            guard let kind = WorkspaceFile.planKind(of: path) else { continue }
            let before = read(old, path)
            let after = read(new, path)
            guard before != after, refused[path] == nil else { continue }
            let id = String(path.split(separator: "/").last?.dropLast(3) ?? "")
            if let after, let problem = ChangeSummary.unreadable(after, path: path) {
                diff.unreadable.append(PlanChange(subject: path, subjectName: path, kind: problem).description)
                continue
            }
            let name: String
            switch kind {
            case .account: name = "\(newEntries.name(id) ?? oldEntries.name(id) ?? id) plan"
            case .cluster: name = "\(id) cluster plan"
            case .program: name = "\(id) programme plan"
            }
            switch (before, after) {
            case (nil, let a?):
                addedPlans[path] = a
                planChanges[path] = comparePlans(path: path, name: name, old: nil, new: a)
            case (let b?, nil):
                removedPlans[path] = b
                planChanges[path] = comparePlans(path: path, name: name, old: b, new: nil)
            case (let b?, let a?):
                planChanges[path] = comparePlans(path: path, name: name, old: b, new: a)
            default: break
            }
        }

        // A renamed account's plan moves with it: one plan change from the old file to the new one.
        for index in changes.indices {
            guard case .renamed(let from) = changes[index].status else { continue }
            let oldPath = "accounts/\(from).md"
            let newPath = "accounts/\(changes[index].id).md"
            if let before = removedPlans[oldPath], let after = addedPlans[newPath] {
                var plan = comparePlans(path: newPath, name: "\(changes[index].name) plan", old: before, new: after)
                plan.status = .renamed
                plan.oldPath = oldPath
                planChanges[oldPath] = nil
                planChanges[newPath] = plan
            }
        }

        // Account plans go with their account; an account whose plan alone changed is listed too.
        var position: [String: Int] = [:]
        for (index, change) in changes.enumerated() { position[change.id] = index }
        for path in planChanges.keys.sorted() {
            guard let plan = planChanges[path] else { continue }
            guard WorkspaceFile.planKind(of: path) == .account else {
                diff.plans.append(plan)
                continue
            }
            let id = String(path.dropFirst("accounts/".count).dropLast(3))
            if let index = position[id] {
                changes[index].plan = plan
            } else if let renamedFrom = changes.firstIndex(where: { $0.status == .renamed(from: id) }) {
                // The old id's plan removed, no new one: it goes with the rename.
                changes[renamedFrom].plan = plan
            } else {
                let entry = newEntries.entry(id) ?? oldEntries.entry(id)
                var change = AccountChange(
                    id: id, name: entry.map(displayName) ?? id, status: .changed,
                    tierBefore: (oldEntries.entry(id)).flatMap(tier), tierAfter: newEntries.entry(id).flatMap(tier),
                    acvBefore: oldEntries.entry(id).flatMap(acv), acvAfter: newEntries.entry(id).flatMap(acv))
                change.plan = plan
                position[id] = changes.count
                changes.append(change)
            }
        }
        diff.accounts = changes

        if candidates.contains(WorkspaceFile.policy), read(old, WorkspaceFile.policy) != read(new, WorkspaceFile.policy),
            refused[WorkspaceFile.policy] == nil
        {
            if let bytes = read(new, WorkspaceFile.policy), let problem = ChangeSummary.unreadable(bytes, path: WorkspaceFile.policy) {
                diff.unreadable.append(
                    PlanChange(subject: WorkspaceFile.policy, subjectName: WorkspaceFile.policy, kind: problem).description)
            } else {
                diff.policy = comparePolicy(
                    old: read(old, WorkspaceFile.policy).flatMap(ChangeSummary.parse),
                    new: read(new, WorkspaceFile.policy).flatMap(ChangeSummary.parse))
            }
        }
        if candidates.contains(WorkspaceFile.team), read(old, WorkspaceFile.team) != read(new, WorkspaceFile.team),
            refused[WorkspaceFile.team] == nil
        {
            if let bytes = read(new, WorkspaceFile.team), let problem = ChangeSummary.unreadable(bytes, path: WorkspaceFile.team) {
                diff.unreadable.append(
                    PlanChange(subject: WorkspaceFile.team, subjectName: WorkspaceFile.team, kind: problem).description)
            } else {
                diff.team = compareTeams(old: oldTeam, new: newTeam)
            }
        }
        for path in candidates where refused[path] != nil {
            diff.unreadable.append((refused[path]?.message ?? path) + ": not compared")
        }
        return diff
    }

    /// The findings of `new` that `old` does not have: same rule, file and message (lines move
    /// with every edit above them, so they are not compared).
    public static func introducedFindings(old: [Finding], new: [Finding]) -> [Finding] {
        var before: [String: Int] = [:]
        func key(_ finding: Finding) -> String { "\(finding.rule)\u{0}\(finding.location.file)\u{0}\(finding.message)" }
        for finding in old { before[key(finding), default: 0] += 1 }
        var introduced: [Finding] = []
        for finding in new {
            let k = key(finding)
            if let count = before[k], count > 0 {
                before[k] = count - 1
            } else {
                introduced.append(finding)
            }
        }
        return introduced
    }

    // MARK: accounts.yaml

    static func compareEntries(old: [YAMLEntry], new: [YAMLEntry], people: PeopleNames) -> [AccountChange] {
        var oldByID: [String: YAMLNode] = [:]
        for entry in old { oldByID[entry.key] = entry.value }
        let newIDs = Set(new.map(\.key))
        var changes: [AccountChange] = []
        var added: [Int] = []
        for entry in new {
            let value = entry.value
            guard let previous = oldByID[entry.key] else {
                var change = AccountChange(
                    id: entry.key, name: displayName(entry), status: .added, tierBefore: nil, tierAfter: tier(entry),
                    acvBefore: nil, acvAfter: acv(entry))
                change.fields = fieldChanges(old: nil, new: value, people: people)
                added.append(changes.count)
                changes.append(change)
                continue
            }
            guard !previous.sameValue(as: value) else { continue }
            let before = YAMLEntry(keyNode: entry.keyNode, value: previous)
            var change = AccountChange(
                id: entry.key, name: displayName(entry), status: .changed, tierBefore: tier(before), tierAfter: tier(entry),
                acvBefore: acv(before), acvAfter: acv(entry))
            change.fields = fieldChanges(old: previous, new: value, people: people)
            changes.append(change)
        }
        // An entry removed and one added with the same name and domain: the id was renamed.
        var removed: [YAMLEntry] = []
        for entry in old where !newIDs.contains(entry.key) { removed.append(entry) }
        var renamedFrom: Set<String> = []
        for index in added {
            let entry = new.first { $0.key == changes[index].id }
            guard let entry, let name = entry.value["name"]?.scalar?.text, !name.isEmpty else { continue }
            let domain = entry.value["domain"]?.scalar?.text
            guard
                let match = removed.first(where: {
                    !renamedFrom.contains($0.key) && $0.value["name"]?.scalar?.text == name
                        && $0.value["domain"]?.scalar?.text == domain
                })
            else { continue }
            renamedFrom.insert(match.key)
            changes[index].status = .renamed(from: match.key)
            changes[index].tierBefore = tier(match)
            changes[index].acvBefore = acv(match)
            changes[index].fields = fieldChanges(old: match.value, new: entry.value, people: people)
        }
        for entry in removed where !renamedFrom.contains(entry.key) {
            var change = AccountChange(
                id: entry.key, name: displayName(entry), status: .removed, tierBefore: tier(entry), tierAfter: nil,
                acvBefore: acv(entry), acvAfter: nil)
            change.fields = []
            changes.append(change)
        }
        return changes
    }

    /// The fields that differ between two versions of an entry (nil: the entry is new, so every
    /// field it gives is listed as set), known fields in table order, then the team's own.
    static func fieldChanges(old: YAMLNode?, new: YAMLNode, people: PeopleNames) -> [FieldChange] {
        var keys = AccountFields.all.map(\.key)
        var known = Set(keys)
        for entry in (old?.entries ?? []) + (new.entries ?? []) where known.insert(entry.key).inserted { keys.append(entry.key) }
        var changes: [FieldChange] = []
        for key in keys {
            let a = old?[key]
            let b = new[key]
            if let a, let b, a.sameValue(as: b) { continue }
            if a == nil, b == nil { continue }
            let before = a.flatMap(valueText)
            let after = b.flatMap(valueText)
            if before == after { continue }
            changes.append(
                FieldChange(key: key, old: before, new: after, words: FieldWords.account(key, before, after, people: people)))
        }
        return changes
    }

    static func valueText(_ node: YAMLNode) -> String? {
        if let scalar = node.scalar { return scalar.isNull ? nil : scalar.text }
        return node.summaryText
    }

    static func displayName(_ entry: YAMLEntry) -> String {
        entry.value["name"]?.scalar.flatMap { $0.isNull || $0.text.isEmpty ? nil : $0.text } ?? entry.key
    }

    static func tier(_ entry: YAMLEntry) -> Int? { entry.value["tier"]?.scalar?.integer }
    static func acv(_ entry: YAMLEntry) -> Int? { entry.value["acv"]?.scalar?.integer }

    /// Entries of one version of accounts.yaml by id, parsed only when asked for.
    struct EntryLookup {
        let scan: KeyedBlockScan?
        let full: [String: YAMLEntry]

        init(_ list: ChangeSummary.ScannedAccounts) {
            scan = list.scan
            if list.scan == nil, let root = list.bytes.flatMap(ChangeSummary.parse) {
                var all: [String: YAMLEntry] = [:]
                for entry in root["accounts"]?.entries ?? [] where all[entry.key] == nil { all[entry.key] = entry }
                full = all
            } else {
                full = [:]
            }
        }

        func entry(_ id: String) -> YAMLEntry? {
            if let scan {
                guard let position = scan.index[id] else { return nil }
                return ChangeSummary.entryNode(scan, scan.entries[position])
            }
            return full[id]
        }

        func name(_ id: String) -> String? { entry(id).map(PlanDiff.displayName) }
    }

    // MARK: plans

    static func comparePlans(path: String, name: String, old: [UInt8]?, new: [UInt8]?) -> PlanFileChange {
        let status: PlanFileChange.Status = old == nil ? .added : new == nil ? .removed : .edited
        var change = PlanFileChange(path: path, name: name, status: status)
        let before = old.flatMap { try? PlanText.decode($0) }.map(ChangeSummary.split)
        let after = new.flatMap { try? PlanText.decode($0) }.map(ChangeSummary.split)
        change.frontMatter = frontMatterChanges(old: before?.0, new: after?.0)
        change.stakeholders = stakeholderChanges(old: before?.0?["stakeholders"], new: after?.0?["stakeholders"])
        change.sections = sectionChanges(old: before?.1 ?? [], new: after?.1 ?? [])
        return change
    }

    static func frontMatterChanges(old: YAMLNode?, new: YAMLNode?) -> [FieldChange] {
        let a = Flattened(old, skipping: "stakeholders")
        let b = Flattened(new, skipping: "stakeholders")
        return Flattened.changes(a, b).map { key, before, after in
            FieldChange(key: key, old: before, new: after, words: FieldWords.plain(key, before, after))
        }
    }

    static func stakeholderChanges(old: YAMLNode?, new: YAMLNode?) -> [StakeholderChange] {
        func people(_ node: YAMLNode?) -> [(String, YAMLNode)] {
            (node?.items ?? []).compactMap { item in item["name"]?.scalar.map { ($0.text, item) } }
        }
        let before = people(old)
        let after = people(new)
        var oldByName: [String: YAMLNode] = [:]
        for (name, node) in before where oldByName[name] == nil { oldByName[name] = node }
        let newNames = Set(after.map(\.0))
        var changes: [StakeholderChange] = []
        for (name, node) in after {
            guard let previous = oldByName[name] else {
                let details = ["title", "role", "sentiment"].compactMap { key in node[key]?.scalar.map { "\(key) \($0.text)" } }
                changes.append(StakeholderChange(name: name, status: .added, details: details))
                continue
            }
            guard !previous.sameValue(as: node) else { continue }
            let details = Flattened.changes(Flattened(previous, skipping: "name"), Flattened(node, skipping: "name")).map {
                FieldWords.plain($0.0, $0.1, $0.2)
            }
            changes.append(StakeholderChange(name: name, status: .changed, details: details))
        }
        for (name, _) in before where !newNames.contains(name) {
            changes.append(StakeholderChange(name: name, status: .removed, details: []))
        }
        return changes
    }

    static func sectionChanges(old: [(String, String)], new: [(String, String)]) -> [SectionChange] {
        func body(_ title: String, _ text: String) -> [String] {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            }
            if title != "(top)", !lines.isEmpty { lines.removeFirst() }
            // The blank lines before the next heading belong to no one's edit.
            while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
            return lines
        }
        var oldByTitle: [String: [String]] = [:]
        for (title, text) in old { oldByTitle[title, default: []] += body(title, text) }
        var newByTitle: [String: [String]] = [:]
        var newOrder: [String] = []
        for (title, text) in new {
            if newByTitle[title] == nil { newOrder.append(title) }
            newByTitle[title, default: []] += body(title, text)
        }
        var oldOrder: [String] = []
        var seenOld: Set<String> = []
        for (title, _) in old where seenOld.insert(title).inserted { oldOrder.append(title) }

        var gone = oldOrder.filter { newByTitle[$0] == nil }
        var changes: [SectionChange] = []
        for title in newOrder {
            let lines = newByTitle[title] ?? []
            if let previous = oldByTitle[title] {
                guard previous != lines else { continue }
                changes.append(section(title: title, oldTitle: nil, status: .edited, old: previous, new: lines))
                continue
            }
            // A section of the old version that is gone and holds mostly the same lines: renamed.
            if let match = gone.firstIndex(where: { LineDiff.similar(oldByTitle[$0] ?? [], lines) }) {
                let oldTitle = gone.remove(at: match)
                changes.append(section(title: title, oldTitle: oldTitle, status: .renamed, old: oldByTitle[oldTitle] ?? [], new: lines))
                continue
            }
            changes.append(section(title: title, oldTitle: nil, status: .added, old: [], new: lines))
        }
        for title in gone {
            changes.append(section(title: title, oldTitle: nil, status: .removed, old: oldByTitle[title] ?? [], new: []))
        }
        return changes
    }

    static func section(title: String, oldTitle: String?, status: SectionChange.Status, old: [String], new: [String])
        -> SectionChange
    {
        let operations = LineDiff.operations(old, new)
        var removedTasks: [String: Bool] = [:]
        var addedTasks: [(String, Bool)] = []
        for operation in operations {
            switch operation.kind {
            case .removed: if let task = Task(operation.text) { removedTasks[task.text] = task.done }
            case .added: if let task = Task(operation.text) { addedTasks.append((task.text, task.done)) }
            default: break
            }
        }
        var tasks: [TaskChange] = []
        for (text, done) in addedTasks where removedTasks[text] == !done {
            tasks.append(TaskChange(task: text, ticked: done))
        }
        return SectionChange(
            title: title, oldTitle: oldTitle, status: status, lines: LineDiff.withWords(LineDiff.withContext(operations)),
            tasks: tasks)
    }

    /// A Markdown task list item: `- [ ] text` / `- [x] text` (also `*`, `+`, indented).
    struct Task {
        var text: String
        var done: Bool

        init?(_ line: String) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard let bullet = trimmed.first, bullet == "-" || bullet == "*" || bullet == "+" else { return nil }
            let rest = trimmed.dropFirst()
            guard rest.hasPrefix(" ["), rest.count >= 4 else { return nil }
            let mark = rest[rest.index(rest.startIndex, offsetBy: 2)]
            guard rest[rest.index(rest.startIndex, offsetBy: 3)] == "]" else { return nil }
            switch mark {
            case " ": done = false
            case "x", "X": done = true
            default: return nil
            }
            text = String(rest.dropFirst(4).drop { $0 == " " })
        }
    }

    // MARK: policy and team

    static func comparePolicy(old: YAMLNode?, new: YAMLNode?) -> [String] {
        Flattened.changes(Flattened(old), Flattened(new)).map { key, before, after in
            var parts = key.split(separator: ".").map(String.init)
            // tiers.1.max_per_ae → tier 1 max_per_ae
            if parts.count >= 2, parts[0] == "tiers" { parts[0] = "tier" }
            return FieldWords.plain(parts.joined(separator: " "), before, after)
        }
    }

    static func compareTeams(old: Team, new: Team) -> [String] {
        var before: [String: Person] = [:]
        for person in old.people { before[person.id.value] = person }
        func roles(_ person: Person) -> [String] { person.roles.map(\.rawValue) + person.unknownRoles.map(\.value) }
        var lines: [String] = []
        var seen: Set<String> = []
        for person in new.people {
            seen.insert(person.id.value)
            guard let was = before[person.id.value] else {
                lines.append("\(person.name) (\(person.id.value)) joined the team" + (roles(person).isEmpty ? "" : " as \(roles(person).joined(separator: ", "))"))
                continue
            }
            var parts: [String] = []
            if was.name != person.name { parts.append("name \(was.name) → \(person.name)") }
            if was.email != person.email { parts.append("email \(was.email ?? "none") → \(person.email ?? "none")") }
            let gained = roles(person).filter { !roles(was).contains($0) }
            let lost = roles(was).filter { !roles(person).contains($0) }
            if !gained.isEmpty || !lost.isEmpty {
                var words = "roles"
                if !gained.isEmpty { words += " + " + gained.joined(separator: ", ") }
                if !lost.isEmpty { words += (gained.isEmpty ? "" : ";") + " − " + lost.joined(separator: ", ") }
                parts.append(words)
            }
            if !parts.isEmpty { lines.append("\(person.name): " + parts.joined(separator: "; ")) }
        }
        for person in old.people where !seen.contains(person.id.value) {
            lines.append("\(person.name) (\(person.id.value)) left the team")
        }
        return lines
    }
}

/// People's names by id, from the new team.yaml, else the old one.
struct PeopleNames {
    var names: [String: String] = [:]

    init(old: Team, new: Team) {
        for person in old.people { names[person.id.value] = person.name }
        for person in new.people { names[person.id.value] = person.name }
    }

    func name(_ id: String) -> String { names[id] ?? id }
}

/// A YAML tree as `a.b.c` → value text (a list of plain values as `[a, b]`), in file order.
struct Flattened {
    var keys: [String] = []
    var values: [String: String] = [:]

    init(_ node: YAMLNode?, skipping skipped: String? = nil) {
        guard let node else { return }
        add(node, prefix: "", skipped: skipped)
    }

    private mutating func add(_ node: YAMLNode, prefix: String, skipped: String?) {
        if let entries = node.entries {
            for entry in entries where prefix.isEmpty ? entry.key != skipped : true {
                add(entry.value, prefix: prefix.isEmpty ? entry.key : prefix + "." + entry.key, skipped: skipped)
            }
            return
        }
        guard !prefix.isEmpty, values[prefix] == nil else { return }
        let text: String?
        if let scalar = node.scalar { text = scalar.isNull ? nil : scalar.text } else { text = node.summaryText }
        keys.append(prefix)
        if let text { values[prefix] = text }
    }

    /// (key, old, new) for every key whose value differs, in the new version's order then the old's.
    static func changes(_ a: Flattened, _ b: Flattened) -> [(String, String?, String?)] {
        var out: [(String, String?, String?)] = []
        var seen: Set<String> = []
        for key in b.keys + a.keys where seen.insert(key).inserted {
            let before = a.values[key]
            let after = b.values[key]
            if before != after { out.append((key, before, after)) }
        }
        return out
    }
}

/// A change in words.
enum FieldWords {
    static func plain(_ label: String, _ old: String?, _ new: String?) -> String {
        switch (old.map(PlanChange.shown), new.map(PlanChange.shown)) {
        case (nil, let new?): return "\(label) set to \(new)"
        case (let old?, nil): return "\(label) \(old) removed"
        case (let old, let new): return "\(label) \(old ?? "") → \(new ?? "")"
        }
    }

    /// An accounts.yaml field, read through its row of `AccountFields`: owners by name, the tier and
    /// money in plan terms.
    static func account(_ key: String, _ old: String?, _ new: String?, people: PeopleNames) -> String {
        guard let field = AccountFields.named(key) else { return plain(key, old, new) }
        switch field.kind {
        case .person:
            let label = key == "ae" ? "AE" : key
            return plain(label, old.map(people.name), new.map(people.name))
        case .tier:
            return plain("tier", old, new)
        case .number where key == "acv":
            let a = old.flatMap { Int($0) }
            let b = new.flatMap { Int($0) }
            var words = plain("ACV", a.map(money) ?? old, b.map(money) ?? new)
            if let a, let b, a != 0 {
                let percent = Int(((Double(b - a) / Double(a)) * 100).rounded())
                words += " (\(percent >= 0 ? "+" : "")\(percent)%)"
            }
            return words
        default:
            return plain(key, old, new)
        }
    }

    /// `$450,000`.
    static func money(_ amount: Int) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (amount < 0 ? "-$" : "$") + grouped
    }
}

/// Line diffs: the longest common subsequence of two line lists, after their common ends.
enum LineDiff {
    static func operations(_ old: [String], _ new: [String]) -> [DiffLine] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        var out = old[..<prefix].map { DiffLine(kind: .context, text: $0) }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        if a.count * b.count > 4_000_000 || a.isEmpty || b.isEmpty {
            out += a.map { DiffLine(kind: .removed, text: $0) } + b.map { DiffLine(kind: .added, text: $0) }
        } else {
            // lengths[i][j]: the LCS of a[i...] and b[j...].
            let width = b.count + 1
            var lengths = [Int](repeating: 0, count: (a.count + 1) * width)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lengths[i * width + j] =
                        a[i] == b[j] ? lengths[(i + 1) * width + j + 1] + 1 : max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < a.count || j < b.count {
                if i < a.count, j < b.count, a[i] == b[j] {
                    out.append(DiffLine(kind: .context, text: a[i]))
                    i += 1
                    j += 1
                } else if i < a.count, j == b.count || lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
                    out.append(DiffLine(kind: .removed, text: a[i]))
                    i += 1
                } else {
                    out.append(DiffLine(kind: .added, text: b[j]))
                    j += 1
                }
            }
        }
        out += old[(old.count - suffix)...].map { DiffLine(kind: .context, text: $0) }
        return out
    }

    /// The changed lines with `context` unchanged lines around each run; a `gap` line where lines
    /// are left out between runs.
    static func withContext(_ operations: [DiffLine], context: Int = 1) -> [DiffLine] {
        var keep = [Bool](repeating: false, count: operations.count)
        for (index, line) in operations.enumerated() where line.kind != .context {
            for near in max(0, index - context)...min(operations.count - 1, index + context) { keep[near] = true }
        }
        var out: [DiffLine] = []
        var skipped = false
        for (index, line) in operations.enumerated() {
            if keep[index] {
                if skipped, !out.isEmpty { out.append(DiffLine(kind: .gap, text: "")) }
                skipped = false
                out.append(line)
            } else {
                skipped = true
            }
        }
        return out
    }

    /// Marks the word-level change on each added line that rewrites a removed one: in a run of n
    /// removed lines followed by n added lines, the i-th of each, when they keep at least half of
    /// their words (a task ticked is left as a line change).
    static func withWords(_ lines: [DiffLine]) -> [DiffLine] {
        var out = lines
        var index = 0
        while index < out.count {
            guard out[index].kind == .removed else {
                index += 1
                continue
            }
            var removedEnd = index
            while removedEnd < out.count, out[removedEnd].kind == .removed { removedEnd += 1 }
            var addedEnd = removedEnd
            while addedEnd < out.count, out[addedEnd].kind == .added { addedEnd += 1 }
            if addedEnd - removedEnd == removedEnd - index {
                for offset in 0..<(removedEnd - index) {
                    let old = out[index + offset].text
                    let new = out[removedEnd + offset].text
                    if PlanDiff.Task(old) != nil && PlanDiff.Task(new) != nil { continue }
                    out[removedEnd + offset].words = wordParts(old, new)
                }
            }
            index = addedEnd
        }
        return out
    }

    /// The word-level change from `old` to `new` (words and the spaces after them), nil when
    /// fewer than half of the words are kept.
    static func wordParts(_ old: String, _ new: String) -> [WordPart]? {
        func words(_ line: String) -> [String] {
            var out: [String] = []
            var current = ""
            for character in line {
                if character == " ", !current.isEmpty, current.last != " " {
                    current.append(character)
                    continue
                }
                if current.last == " " {
                    out.append(current)
                    current = ""
                }
                current.append(character)
            }
            if !current.isEmpty { out.append(current) }
            return out
        }
        let a = words(old)
        let b = words(new)
        let operations = operations(a, b)
        let kept = operations.filter { $0.kind == .context }.count
        guard kept > 0, kept * 2 >= max(a.count, b.count) else { return nil }
        var parts: [WordPart] = []
        for operation in operations {
            let kind: WordPart.Kind = operation.kind == .added ? .added : operation.kind == .removed ? .removed : .same
            if let last = parts.last, last.kind == kind {
                parts[parts.count - 1].text += operation.text
            } else {
                parts.append(WordPart(kind: kind, text: operation.text))
            }
        }
        return parts
    }

    /// Whether two line lists share at least half of the longer one's non-blank lines.
    static func similar(_ a: [String], _ b: [String]) -> Bool {
        let x = a.filter { !$0.trimmingSpaces.isEmpty }
        let y = b.filter { !$0.trimmingSpaces.isEmpty }
        guard !x.isEmpty, !y.isEmpty else { return x.isEmpty && y.isEmpty }
        let common = operations(x, y).filter { $0.kind == .context }.count
        return common * 2 >= max(x.count, y.count)
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring { self.drop { $0 == " " || $0 == "\t" } }
}
