/// What changed between two versions of a plan repository, in plan terms: accounts added or removed,
/// field changes ("Acme Corp: stage evaluation → negotiation"), plans created or deleted and which
/// sections of a plan were edited. Used for pull reports, generated commit messages and reviews.
public struct PlanChange: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case accountAdded(tier: Int?)
        case accountRemoved
        case fieldChanged(field: String, old: String?, new: String?)
        case planAdded
        case planRemoved
        case planEdited(sections: [String], frontMatter: [String])
        case fileEdited
        /// abmsync.yaml: its settings that changed, in words ("tier 1 max_per_ae 5 → 50").
        case policyChanged([String])
        /// team.yaml: a person added, removed, or their name, email or roles changed ("email a → b").
        case personAdded(name: String)
        case personRemoved(name: String)
        case personChanged(name: String, fields: [String])
        /// The new version holds conflict markers (the first at `line`): what it says is not decided.
        case fileConflicted(line: Int)
        /// The new version cannot be read (a YAML error at `line`): what it says is unknown.
        case fileUnreadable(line: Int, problem: String)
    }

    /// The account id, plan path or file path the change is about.
    public var subject: String
    /// A name for it people recognise ("Acme Corp", "Fintech EMEA cluster plan").
    public var subjectName: String
    public var kind: Kind

    /// A value as one short line: a multi-line value (`notes: |`) shows its first line and how many
    /// lines it has, a long one is cut; quotes mark where a text with spaces starts and ends.
    static func shown(_ value: String) -> String {
        let lines = value.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            String(line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
        }.filter { !$0.isEmpty }
        let limit = 48
        guard lines.count > 1 || value.count > limit else { return value }
        var first = lines.first ?? ""
        if first.count > limit { first = String(first.prefix(limit - 1)) + "…" } else if lines.count > 1 { first += " …" }
        return "\"\(first)\"" + (lines.count > 1 ? " (\(lines.count) lines)" : "")
    }

    public var description: String {
        switch kind {
        case .accountAdded(let tier):
            return "\(subjectName): added" + (tier.map { " as tier \($0)" } ?? "")
        case .accountRemoved:
            return "\(subjectName): removed from the account list"
        case .fieldChanged(let field, let old, let new):
            switch (old.map(Self.shown), new.map(Self.shown)) {
            case (nil, let new?): return "\(subjectName): \(field) set to \(new)"
            case (let old?, nil): return "\(subjectName): \(field) \(old) removed"
            case (let old, let new): return "\(subjectName): \(field) \(old ?? "") → \(new ?? "")"
            }
        case .planAdded: return "\(subjectName): created"
        case .planRemoved: return "\(subjectName): deleted"
        case .planEdited(let sections, let frontMatter):
            var parts: [String] = []
            if !sections.isEmpty { parts.append(sections.joined(separator: ", ") + " edited") }
            if !frontMatter.isEmpty { parts.append(frontMatter.joined(separator: ", ") + " changed") }
            return "\(subjectName): " + (parts.isEmpty ? "edited" : parts.joined(separator: "; "))
        case .fileEdited: return "\(subjectName): edited"
        case .policyChanged(let changes): return "\(subjectName): " + changes.joined(separator: "; ")
        case .personAdded(let name): return "\(subjectName): \(name) added to the team"
        case .personRemoved(let name): return "\(subjectName): \(name) removed from the team"
        case .personChanged(let name, let fields): return "\(subjectName): \(name): " + fields.joined(separator: ", ")
        case .fileConflicted(let line): return "\(subjectName): conflicts waiting for a decision (line \(line))"
        case .fileUnreadable(let line, let problem):
            return "\(subjectName): cannot be read (line \(line): \(problem)); 'abmsync validate' shows how to fix it"
        }
    }
}

public enum ChangeSummary {
    /// Compares the abmsync files of two snapshots. `paths` limits the comparison to files known to
    /// differ (from a tree diff); nil compares every abmsync file.
    public static func compare(old: some WorkspaceSource, new: some WorkspaceSource, paths: [String]? = nil) -> [PlanChange] {
        var changes: [PlanChange] = []
        let candidates = paths ?? allPaths(old) + allPaths(new)
        var seen: Set<String> = []
        // The new account list is read, decoded and cut into entries once: for plan names and for
        // the list's own changes.
        let newAccounts = ScannedAccounts(bytes: (try? new.read(WorkspaceFile.accounts)) ?? nil)
        let names = AccountNames(newAccounts)
        for path in candidates where seen.insert(path).inserted && WorkspaceFile.isPlanData(path) {
            let before = (try? old.read(path)) ?? nil
            let after = path == WorkspaceFile.accounts ? newAccounts.bytes : (try? new.read(path)) ?? nil
            guard before != after else { continue }
            if path == WorkspaceFile.accounts {
                changes += compareAccounts(ScannedAccounts(bytes: before), newAccounts)
            } else if let kind = WorkspaceFile.planKind(of: path) {
                let id = String(path.split(separator: "/").last?.dropLast(3) ?? "")
                let name = planName(kind: kind, id: id, accountNames: names)
                if let after, let problem = unreadable(after, path: path) {
                    changes.append(PlanChange(subject: path, subjectName: name, kind: problem))
                    continue
                }
                switch (before, after) {
                case (nil, _?): changes.append(PlanChange(subject: path, subjectName: name, kind: .planAdded))
                case (_?, nil): changes.append(PlanChange(subject: path, subjectName: name, kind: .planRemoved))
                case (let b?, let a?):
                    changes.append(PlanChange(subject: path, subjectName: name, kind: comparePlans(b, a)))
                default: break
                }
            } else if let after, let problem = unreadable(after, path: path) {
                changes.append(PlanChange(subject: path, subjectName: path, kind: problem))
            } else if path == WorkspaceFile.team, let people = compareTeams(old: old, new: new), !people.isEmpty {
                changes += people
            } else if path == WorkspaceFile.policy,
                case let words = PlanDiff.comparePolicy(old: before.flatMap(parse), new: after.flatMap(parse)), !words.isEmpty
            {
                changes.append(PlanChange(subject: path, subjectName: path, kind: .policyChanged(words)))
            } else {
                changes.append(PlanChange(subject: path, subjectName: path, kind: .fileEdited))
            }
        }
        return changes
    }

    /// The accounts whose `stage` differs between two versions of accounts.yaml (accounts in both;
    /// one added or removed is not a stage change). Only entries whose text differs are parsed.
    public static func stageChanges(old: [UInt8]?, new: [UInt8]?) -> Set<String> {
        guard let old, let new, old != new else { return [] }
        var ids: Set<String> = []
        for change in compareAccounts(ScannedAccounts(bytes: old), ScannedAccounts(bytes: new)) {
            if case .fieldChanged(field: "stage", _, _) = change.kind { ids.insert(change.subject) }
        }
        return ids
    }

    /// Who joined or left team.yaml and whose name, email or roles changed; nil when either version
    /// does not read as a team (then the file is only "edited").
    static func compareTeams(old: some WorkspaceSource, new: some WorkspaceSource) -> [PlanChange]? {
        let before = WorkspaceLoader.loadTeam(from: old).people
        let after = WorkspaceLoader.loadTeam(from: new).people
        guard !after.isEmpty || before.isEmpty else { return nil }
        let file = WorkspaceFile.team
        func label(_ person: Person) -> String { "\(person.name) (\(person.id.value))" }
        var changes: [PlanChange] = []
        var old: [String: Person] = [:]
        for person in before { old[person.id.value] = person }
        var seen: Set<String> = []
        for person in after {
            seen.insert(person.id.value)
            guard let was = old[person.id.value] else {
                changes.append(PlanChange(subject: file, subjectName: file, kind: .personAdded(name: label(person))))
                continue
            }
            var fields: [String] = []
            if was.name != person.name { fields.append("name \(was.name) → \(person.name)") }
            if was.email != person.email { fields.append("email \(was.email ?? "none") → \(person.email ?? "none")") }
            let roles = { (p: Person) in (p.roles.map(\.rawValue) + p.unknownRoles.map(\.value)).joined(separator: ", ") }
            if roles(was) != roles(person) { fields.append("roles \(roles(was)) → \(roles(person))") }
            if !fields.isEmpty {
                changes.append(PlanChange(subject: file, subjectName: file, kind: .personChanged(name: label(person), fields: fields)))
            }
        }
        for person in before where !seen.contains(person.id.value) {
            changes.append(PlanChange(subject: file, subjectName: file, kind: .personRemoved(name: label(person))))
        }
        return changes
    }

    static func allPaths(_ source: some WorkspaceSource) -> [String] {
        var paths = [WorkspaceFile.policy, WorkspaceFile.team, WorkspaceFile.accounts]
        for kind in Plan.Kind.allCases {
            paths += ((try? source.list(kind.folder)) ?? []).filter { $0.hasSuffix(".md") }.map { "\(kind.folder)/\($0)" }
        }
        return paths
    }

    /// One version of accounts.yaml: its bytes, and its entries cut by a line scan when the scan
    /// vouches for the text (nil otherwise, or when the text is not valid).
    struct ScannedAccounts {
        let bytes: [UInt8]?
        let scan: KeyedBlockScan?

        init(bytes: [UInt8]?) {
            self.bytes = bytes
            let text = bytes.flatMap { try? PlanText.decode($0) }
            scan = text.flatMap { KeyedBlockScan($0, containerKey: "accounts") }
        }
    }

    /// Display names of accounts, looked up lazily: only the entries asked for are parsed.
    struct AccountNames {
        let scan: KeyedBlockScan?
        let full: [String: String]

        init(_ accounts: ScannedAccounts) {
            if let scan = accounts.scan {
                self.scan = scan
                full = [:]
            } else {
                scan = nil
                full = accounts.bytes.map { ChangeSummary.accountNames(bytes: $0) } ?? [:]
            }
        }

        func name(of id: String) -> String {
            if let scan, let position = scan.index[id],
                let entry = ChangeSummary.entryNode(scan, scan.entries[position])
            {
                return entry.value["name"]?.scalar?.text ?? id
            }
            return full[id] ?? id
        }
    }

    static func accountNames(bytes: [UInt8]) -> [String: String] {
        guard let root = parse(bytes) else { return [:] }
        var names: [String: String] = [:]
        for entry in root["accounts"]?.entries ?? [] {
            names[entry.key] = entry.value["name"]?.scalar?.text ?? entry.key
        }
        return names
    }


    static func planName(kind: Plan.Kind, id: String, accountNames: AccountNames) -> String {
        switch kind {
        case .account: return "\(accountNames.name(of: id)) plan"
        case .cluster: return "\(id) cluster plan"
        case .program: return "\(id) programme plan"
        }
    }

    static func parse(_ bytes: [UInt8]) -> YAMLNode? {
        guard let text = try? PlanText.decode(bytes) else { return nil }
        return (try? YAMLParser.parse(text)) ?? nil
    }

    /// Why the bytes of `path` cannot be compared: conflict markers, or (a YAML file) a YAML error.
    /// Nil when they read.
    static func unreadable(_ bytes: [UInt8], path: String) -> PlanChange.Kind? {
        guard let text = try? PlanText.decode(bytes) else { return nil }
        if ConflictMarker.containsMarkerLine(bytes), let first = ConflictMarker.markers(in: text).first {
            return .fileConflicted(line: first.line)
        }
        guard path.hasSuffix(".yaml") else { return nil }
        do {
            _ = try YAMLParser.parse(text)
            return nil
        } catch {
            return .fileUnreadable(line: error.line, problem: error.message)
        }
    }

    static func compareAccounts(_ beforeList: ScannedAccounts, _ afterList: ScannedAccounts) -> [PlanChange] {
        let before = beforeList.bytes
        let after = afterList.bytes
        // An account list that cannot be read is not an empty one: say why, compare nothing. (A list
        // the line scan vouches for reads.)
        if afterList.scan == nil, let after, let problem = unreadable(after, path: WorkspaceFile.accounts) {
            return [PlanChange(subject: WorkspaceFile.accounts, subjectName: WorkspaceFile.accounts, kind: problem)]
        }
        if beforeList.scan == nil, let before, unreadable(before, path: WorkspaceFile.accounts) != nil {
            return [PlanChange(subject: WorkspaceFile.accounts, subjectName: WorkspaceFile.accounts, kind: .fileEdited)]
        }
        guard let (old, new) = differingEntries(beforeList, afterList) else {
            return [PlanChange(subject: WorkspaceFile.accounts, subjectName: WorkspaceFile.accounts, kind: .fileEdited)]
        }
        return compareEntries(old: old, new: new)
    }

    /// The entries of two readable versions of accounts.yaml that may differ: both versions of an
    /// entry whose text changed, the new one of an entry added, the old one of an entry removed.
    /// Big lists are cut by a line scan and only the entries whose text differs are parsed (an
    /// entry that only moved is not); anything the scan is unsure of is parsed whole, and then every
    /// entry is returned (`compareEntries` skips those equal as data). Nil when neither version
    /// holds an entry.
    static func differingEntries(_ beforeList: ScannedAccounts, _ afterList: ScannedAccounts)
        -> (old: [YAMLEntry], new: [YAMLEntry])?
    {
        if let oldScan = beforeList.scan, let newScan = afterList.scan {
            var old: [YAMLEntry] = []
            var new: [YAMLEntry] = []
            var parsedAll = true
            for entry in newScan.entries {
                if let position = oldScan.index[entry.key] {
                    let previous = oldScan.entries[position]
                    if oldScan.slice(previous.lines) == newScan.slice(entry.lines) { continue }
                    guard let a = entryNode(oldScan, previous), let b = entryNode(newScan, entry) else {
                        parsedAll = false
                        break
                    }
                    old.append(a)
                    new.append(b)
                } else {
                    guard let b = entryNode(newScan, entry) else {
                        parsedAll = false
                        break
                    }
                    new.append(b)
                }
            }
            if parsedAll {
                for entry in oldScan.entries where newScan.index[entry.key] == nil {
                    guard let a = entryNode(oldScan, entry) else {
                        parsedAll = false
                        break
                    }
                    old.append(a)
                }
            }
            if parsedAll { return (old, new) }
        }
        let old = beforeList.bytes.flatMap(parse)?["accounts"]?.entries ?? []
        let new = afterList.bytes.flatMap(parse)?["accounts"]?.entries ?? []
        guard !(old.isEmpty && new.isEmpty) else { return nil }
        return (old, new)
    }

    /// One entry of a scanned list, parsed on its own.
    static func entryNode(_ scan: KeyedBlockScan, _ entry: KeyedBlockScan.Entry) -> YAMLEntry? {
        guard let root = (try? YAMLParser.parse(scan.text(entry.lines))) ?? nil else { return nil }
        return root.entries?.first { $0.key == entry.key }
    }

    /// Field-level changes between two sets of account entries (added, removed and changed ones).
    static func compareEntries(old: [YAMLEntry], new: [YAMLEntry]) -> [PlanChange] {
        var oldByID: [String: YAMLNode] = [:]
        for entry in old { oldByID[entry.key] = entry.value }
        var newIDs: Set<String> = []
        var changes: [PlanChange] = []
        for entry in new {
            newIDs.insert(entry.key)
            let name = entry.value["name"]?.scalar?.text ?? entry.key
            guard let previous = oldByID[entry.key] else {
                changes.append(
                    PlanChange(subject: entry.key, subjectName: name, kind: .accountAdded(tier: entry.value["tier"]?.scalar?.integer)))
                continue
            }
            guard !previous.sameValue(as: entry.value) else { continue }
            var fields: [String] = []
            var fieldSet: Set<String> = []
            for field in (previous.entries ?? []) + (entry.value.entries ?? []) where fieldSet.insert(field.key).inserted {
                fields.append(field.key)
            }
            for field in fields {
                let a = previous[field]
                let b = entry.value[field]
                if let a, let b, a.sameValue(as: b) { continue }
                changes.append(
                    PlanChange(
                        subject: entry.key, subjectName: name,
                        kind: .fieldChanged(field: field, old: a.map(\.summaryText), new: b.map(\.summaryText))))
            }
        }
        for entry in old where !newIDs.contains(entry.key) {
            changes.append(
                PlanChange(subject: entry.key, subjectName: entry.value["name"]?.scalar?.text ?? entry.key, kind: .accountRemoved))
        }
        return changes
    }

    static func comparePlans(_ before: [UInt8], _ after: [UInt8]) -> PlanChange.Kind {
        guard let a = try? PlanText.decode(before), let b = try? PlanText.decode(after) else { return .fileEdited }
        let (aFront, aSections) = split(a)
        let (bFront, bSections) = split(b)
        var sections: [String] = []
        var titles: [String] = []
        var seen: Set<String> = []
        for (title, _) in aSections + bSections where seen.insert(title).inserted { titles.append(title) }
        let aMap = Dictionary(aSections, uniquingKeysWith: { $0 + $1 })
        let bMap = Dictionary(bSections, uniquingKeysWith: { $0 + $1 })
        for title in titles where aMap[title] != bMap[title] { sections.append(title) }
        var keys: [String] = []
        let aEntries = aFront?.entries ?? []
        let bEntries = bFront?.entries ?? []
        var keySeen: Set<String> = []
        for entry in aEntries + bEntries where keySeen.insert(entry.key).inserted {
            let x = aFront?[entry.key]
            let y = bFront?[entry.key]
            if let x, let y, x.sameValue(as: y) { continue }
            keys.append(entry.key)
        }
        return .planEdited(sections: sections, frontMatter: keys)
    }

    /// Front matter and (title, text) per `##` section (`PlanDocument.sections`); the text outside
    /// every `##` section (above the first, or under a later `#` heading) is "(top)".
    static func split(_ text: String) -> (YAMLNode?, [(String, String)]) {
        let document = PlanDocument(text)
        let lines = TextLines(text)
        var front: YAMLNode?
        if case .found(let yaml, _) = document.frontMatter {
            front = (try? YAMLParser.parse(lines.text(yaml))) ?? nil
        }
        var sections: [(String, String)] = []
        for part in document.parts {
            let title = part.heading.flatMap { $0.level == 2 ? $0.title : nil } ?? "(top)"
            if title == "(top)", let last = sections.last, last.0 == title {
                sections[sections.count - 1].1 += lines.text(part.lines)
            } else {
                sections.append((title, lines.text(part.lines)))
            }
        }
        return (front, sections)
    }
}

extension YAMLNode {
    /// Equal as data: same structure and scalar texts, whatever the positions or quoting.
    public func sameValue(as other: YAMLNode) -> Bool {
        switch (content, other.content) {
        case (.scalar(let a), .scalar(let b)):
            return a.text == b.text && (a.isNull == b.isNull)
        case (.mapping(let a), .mapping(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where x.key != y.key || !x.value.sameValue(as: y.value) { return false }
            return true
        case (.sequence(let a), .sequence(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !x.sameValue(as: y) { return false }
            return true
        default:
            return false
        }
    }

    /// A short rendering for messages: the scalar text, `[a, b]` for short lists, "(n items)" otherwise.
    public var summaryText: String {
        switch content {
        case .scalar(let s): return s.isNull ? "(empty)" : s.text
        case .sequence(let items):
            let texts = items.compactMap { $0.scalar?.text }
            if texts.count == items.count, texts.joined().count < 60 { return "[" + texts.joined(separator: ", ") + "]" }
            return "(\(items.count) items)"
        case .mapping(let entries): return "(\(entries.count) fields)"
        }
    }
}
