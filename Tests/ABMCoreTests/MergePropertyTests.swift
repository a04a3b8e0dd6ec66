import ABMCore
import PropertyBased
import Testing

/// A small model of accounts.yaml that random edits are applied to, rendered as people write it.
struct AccountsModel: Equatable, CustomStringConvertible {
    struct Account: Equatable {
        var id: String
        var fields: [(key: String, value: String)]
        var comment: String?
        /// Fields written in double quotes (the same value as plain: only the text differs).
        var quoted: Set<String> = []

        static func == (a: Account, b: Account) -> Bool {
            a.id == b.id && a.comment == b.comment && a.fields.map(\.key) == b.fields.map(\.key)
                && a.fields.map(\.value) == b.fields.map(\.value) && a.quoted == b.quoted
        }
    }

    var accounts: [Account]

    static let stages = ["target", "engaged", "opportunity", "evaluation", "negotiation", "won", "lost"]

    init(seed: Int) {
        let count = 2 + seed % 4
        accounts = (0..<count).map { index in
            Account(
                id: "acct-\(index)",
                fields: [
                    ("name", "Account \(index)"), ("tier", "\((seed + index) % 3 + 1)"),
                    ("stage", Self.stages[(seed + 3 * index) % Self.stages.count]), ("acv", "\(10_000 * (index + 1))"),
                ],
                comment: (seed + index) % 2 == 0 ? "# account \(index)" : nil)
        }
    }

    /// Applies one edit, decoded from a number: change, add or delete a field, add (at any place) or
    /// delete an account, move an account, re-quote a field (a change of text, not of value).
    mutating func apply(_ op: Int) {
        let argument = op / 7
        guard !accounts.isEmpty else { return }
        let index = argument % accounts.count
        switch op % 7 {
        case 0:
            let key = ["tier", "stage", "acv"][(argument / 7) % 3]
            let value = key == "stage" ? Self.stages[argument % Self.stages.count] : "\(argument % 3 + 1)"
            set(key, value, at: index)
        case 1:
            set("intent", "\(argument % 100)", at: index)
        case 2:
            let key = ["stage", "acv", "intent"][(argument / 7) % 3]
            accounts[index].fields.removeAll { $0.key == key }
        case 3:
            let id = "new-\(argument % 50)"
            if !accounts.contains(where: { $0.id == id }) {
                accounts.insert(
                    Account(id: id, fields: [("name", "New \(argument % 50)"), ("tier", "3")], comment: nil),
                    at: (argument / 13) % (accounts.count + 1))
            }
        case 5:
            let account = accounts.remove(at: index)
            accounts.insert(account, at: (argument / 13) % (accounts.count + 1))
        case 6:
            let key = ["name", "stage"][(argument / 13) % 2]
            if accounts[index].fields.contains(where: { $0.key == key }) {
                if accounts[index].quoted.remove(key) == nil { accounts[index].quoted.insert(key) }
            }
        default:
            if accounts.count > 1 { accounts.remove(at: index) }
        }
    }

    mutating func set(_ key: String, _ value: String, of id: String) {
        if let index = accounts.firstIndex(where: { $0.id == id }) { set(key, value, at: index) }
    }

    private mutating func set(_ key: String, _ value: String, at index: Int) {
        if let field = accounts[index].fields.firstIndex(where: { $0.key == key }) {
            accounts[index].fields[field].value = value
        } else {
            accounts[index].fields.append((key, value))
        }
    }

    var text: String {
        var out = "# Target accounts\naccounts:\n"
        for account in accounts {
            if let comment = account.comment { out += "  \(comment)\n" }
            out += "  \(account.id):\n"
            for field in account.fields {
                let value = account.quoted.contains(field.key) ? "\"\(field.value)\"" : field.value
                out += "    \(field.key): \(value)\n"
            }
        }
        return out
    }

    var description: String { text }

    /// The data of a merged accounts.yaml: account id → field → value.
    static func data(of text: String) -> [String: [String: String]]? {
        guard let root = try? YAMLParser.parse(text), let accounts = root["accounts"] else { return nil }
        // `accounts:` with every entry removed is an empty mapping.
        guard let entries = accounts.entries ?? (accounts.scalar?.isNull == true ? [] : nil) else { return nil }
        var result: [String: [String: String]] = [:]
        for entry in entries {
            var fields: [String: String] = [:]
            for field in entry.value.entries ?? [] { fields[field.key] = field.value.scalar?.text }
            result[entry.key] = fields
        }
        return result
    }

    var data: [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: accounts.map { account in
            (account.id, Dictionary(account.fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
        })
    }
}

@Suite struct MergePropertyTests {
    static let edits = Gen.int(in: 0...999).array(of: 0...6)
    static let seeds = Gen.int(in: 0...999)

    static func variant(_ seed: Int, _ ops: [Int]) -> AccountsModel {
        var model = AccountsModel(seed: seed)
        for op in ops { model.apply(op) }
        return model
    }

    @Test func takingOneSideWhenTheOtherIsUnchanged() async {
        await propertyCheck(input: Self.seeds, Self.edits) { seed, ops in
            let base = AccountsModel(seed: seed).text
            let x = Self.variant(seed, ops).text
            #expect(merge("accounts.yaml", base: base, ours: x, theirs: base) == MergeOutcome(text: x, conflicts: []))
            #expect(merge("accounts.yaml", base: base, ours: base, theirs: x) == MergeOutcome(text: x, conflicts: []))
            #expect(merge("accounts.yaml", base: base, ours: x, theirs: x) == MergeOutcome(text: x, conflicts: []))
        }
    }

    @Test func cleanMergesAreSymmetricInData() async {
        await propertyCheck(count: 200, input: Self.seeds, Self.edits, Self.edits) { seed, oursOps, theirsOps in
            let base = AccountsModel(seed: seed).text
            let x = Self.variant(seed, oursOps).text
            let y = Self.variant(seed, theirsOps).text
            let xy = merge("accounts.yaml", base: base, ours: x, theirs: y)
            let yx = merge("accounts.yaml", base: base, ours: y, theirs: x)
            #expect(xy.isClean == yx.isClean)
            #expect(xy.conflicts.count == yx.conflicts.count)
            #expect(xy.lineMergeFallback == nil)
            if xy.isClean, yx.isClean {
                #expect(AccountsModel.data(of: xy.text) != nil)
                #expect(AccountsModel.data(of: xy.text) == AccountsModel.data(of: yx.text))
            }
        }
    }

    @Test func noCleanMergeLosesAOneSidedChange() async {
        await propertyCheck(count: 200, input: Self.seeds, Self.edits, Self.edits) { seed, oursOps, theirsOps in
            let base = AccountsModel(seed: seed)
            let x = Self.variant(seed, oursOps)
            let y = Self.variant(seed, theirsOps)
            let outcome = merge("accounts.yaml", base: base.text, ours: x.text, theirs: y.text)
            #expect(outcome.lineMergeFallback == nil)
            guard outcome.isClean else {
                // A conflict must be marked in the text, where the validator will refuse it.
                #expect(outcome.text.contains("\n<<<<<<< ours — "))
                #expect(outcome.text.contains("\n>>>>>>> theirs — "))
                return
            }
            guard let merged = AccountsModel.data(of: outcome.text) else {
                Issue.record("clean merge does not parse:\n\(outcome.text)")
                return
            }
            let (b, o, t) = (base.data, x.data, y.data)
            for id in Set(b.keys).union(o.keys).union(t.keys) {
                let fields = Set((b[id] ?? [:]).keys).union((o[id] ?? [:]).keys).union((t[id] ?? [:]).keys)
                for field in fields {
                    let (bv, ov, tv) = (b[id]?[field], o[id]?[field], t[id]?[field])
                    let expected = ov == bv ? tv : ov
                    // One-sided or identical changes must arrive; nothing else may change.
                    if ov == bv || tv == bv || ov == tv {
                        #expect(merged[id]?[field] == expected, "\(id).\(field)")
                    }
                }
                if o[id] == nil, b[id] != nil, t[id] == b[id] { #expect(merged[id] == nil, "\(id) deleted by ours") }
                if t[id] == nil, b[id] != nil, o[id] == b[id] { #expect(merged[id] == nil, "\(id) deleted by theirs") }
            }
        }
    }

    /// The same account added by both sides at different places is one account, at ours' place.
    @Test func theSameAccountAddedAtDifferentPlacesIsAddedOnce() async {
        await propertyCheck(count: 200, input: Self.seeds, Gen.int(in: 0...999)) { seed, pick in
            let base = AccountsModel(seed: seed)
            let added = AccountsModel.Account(id: "initech", fields: [("name", "Initech"), ("tier", "3")], comment: nil)
            var x = base
            var y = base
            x.accounts.insert(added, at: pick % (base.accounts.count + 1))
            y.accounts.insert(added, at: (pick / 7) % (base.accounts.count + 1))
            let outcome = merge("accounts.yaml", base: base.text, ours: x.text, theirs: y.text)
            #expect(outcome == MergeOutcome(text: x.text, conflicts: []))
        }
    }

    @Test func disjointFieldEditsAlwaysMergeCleanly() async {
        await propertyCheck(count: 200, input: Self.seeds, Gen.int(in: 0...999)) { seed, pick in
            let base = AccountsModel(seed: seed)
            var x = base
            var y = base
            let index = pick % base.accounts.count
            let id = base.accounts[index].id
            x.set("tier", "\(pick % 3 + 1)", of: id)  // ours: the tier of one account…
            y.set("stage", "won", of: id)  // …theirs: the stage on the next line
            y.set("intent", "\(pick % 100)", of: base.accounts[(index + 1) % base.accounts.count].id)
            let outcome = merge("accounts.yaml", base: base.text, ours: x.text, theirs: y.text)
            #expect(outcome.isClean)
            #expect(AccountsModel.data(of: outcome.text)?[id]?["tier"] == x.data[id]?["tier"])
            #expect(AccountsModel.data(of: outcome.text)?[id]?["stage"] == "won")
        }
    }
}

/// A plan's Plays list that random edits are applied to: tick, move, add (at any place), delete.
struct PlaysModel: Equatable, CustomStringConvertible {
    struct Play: Equatable {
        var name: String
        var done: Bool
    }

    var plays: [Play]

    static let names = [
        "Q1 executive briefing (sam)", "Custom ROI model (sam)", "Reference call (jane)", "Site visit (jane)",
        "Webinar invite (sam)", "Security review (jane)", "Pricing proposal (sam)", "Champion lunch (jane)",
    ]

    init(seed: Int) {
        plays = (0..<(2 + seed % 4)).map { Play(name: Self.names[$0], done: (seed + $0) % 3 == 0) }
    }

    /// Applies one edit, decoded from a number.
    mutating func apply(_ op: Int) {
        let argument = op / 4
        switch op % 4 {
        case 0:
            guard !plays.isEmpty else { return }
            plays[argument % plays.count].done.toggle()
        case 1:
            guard plays.count > 1 else { return }
            let play = plays.remove(at: argument % plays.count)
            plays.insert(play, at: (argument / 7) % (plays.count + 1))
        case 2:
            let name = Self.names[argument % Self.names.count]
            guard !plays.contains(where: { $0.name == name }) else { return }
            plays.insert(Play(name: name, done: false), at: (argument / 11) % (plays.count + 1))
        default:
            guard plays.count > 1 else { return }
            plays.remove(at: argument % plays.count)
        }
    }

    var text: String {
        "---\naccount: acme-corp\n---\n# Acme Corp\n\n## Plays\n"
            + plays.map { "- [\($0.done ? "x" : " ")] \($0.name)\n" }.joined() + "\n## Review Log\n- 2026-09-30 review\n"
    }

    var description: String { text }

    /// The plays of a merged plan, in order; nil when the text is not a plan of this shape.
    static func plays(of text: String) -> [Play]? {
        guard let start = text.range(of: "## Plays\n"), let end = text.range(of: "\n## Review Log") else { return nil }
        return text[start.upperBound..<end.lowerBound].split(separator: "\n").map { line in
            Play(name: String(line.dropFirst(6)), done: line.hasPrefix("- [x]"))
        }
    }
}

@Suite struct PlanMergePropertyTests {
    static let edits = Gen.int(in: 0...999).array(of: 0...5)
    static let seeds = Gen.int(in: 0...999)
    static let path = "accounts/acme-corp.md"

    static func variant(_ seed: Int, _ ops: [Int]) -> PlaysModel {
        var model = PlaysModel(seed: seed)
        for op in ops { model.apply(op) }
        return model
    }

    @Test func takingOneSideWhenTheOtherIsUnchanged() async {
        await propertyCheck(input: Self.seeds, Self.edits) { seed, ops in
            let base = PlaysModel(seed: seed).text
            let x = Self.variant(seed, ops).text
            #expect(merge(Self.path, base: base, ours: x, theirs: base) == MergeOutcome(text: x, conflicts: []))
            #expect(merge(Self.path, base: base, ours: base, theirs: x) == MergeOutcome(text: x, conflicts: []))
            #expect(merge(Self.path, base: base, ours: x, theirs: x) == MergeOutcome(text: x, conflicts: []))
        }
    }

    /// Moves, ticks, additions (the same one at different places too) and deletions on both sides: a
    /// clean merge holds every play once, each one-sided tick and addition, no play one side deleted
    /// and the other left alone; either side first gives the same number of conflicts and the same plays.
    @Test func movesAndAdditionsNeverLoseAnEditNorDuplicate() async {
        await propertyCheck(count: 300, input: Self.seeds, Self.edits, Self.edits) { seed, oursOps, theirsOps in
            let base = PlaysModel(seed: seed)
            let x = Self.variant(seed, oursOps)
            let y = Self.variant(seed, theirsOps)
            let xy = merge(Self.path, base: base.text, ours: x.text, theirs: y.text)
            let yx = merge(Self.path, base: base.text, ours: y.text, theirs: x.text)
            #expect(xy.conflicts.count == yx.conflicts.count)
            #expect(xy.lineMergeFallback == nil)
            guard xy.isClean else {
                #expect(xy.text.contains("\n<<<<<<< ours — "))
                return
            }
            guard let merged = PlaysModel.plays(of: xy.text) else {
                Issue.record("clean merge is not a plan:\n\(xy.text)")
                return
            }
            let names = merged.map(\.name)
            #expect(Set(names).count == names.count, "a play twice:\n\(xy.text)")
            if let other = PlaysModel.plays(of: yx.text) {
                #expect(Set(other.map(\.name)) == Set(names))
            }
            func done(_ model: PlaysModel) -> [String: Bool] {
                Dictionary(model.plays.map { ($0.name, $0.done) }, uniquingKeysWith: { a, _ in a })
            }
            let (b, o, t) = (done(base), done(x), done(y))
            let m = Dictionary(merged.map { ($0.name, $0.done) }, uniquingKeysWith: { a, _ in a })
            for name in Set(b.keys).union(o.keys).union(t.keys) {
                let (bv, ov, tv) = (b[name], o[name], t[name])
                if ov == bv || tv == bv || ov == tv {
                    #expect(m[name] == (ov == bv ? tv : ov), "\(name)")
                }
            }
        }
    }

    @Test func theSamePlayAddedAtDifferentPlacesIsAddedOnce() async {
        await propertyCheck(count: 200, input: Self.seeds, Gen.int(in: 0...999)) { seed, pick in
            let base = PlaysModel(seed: seed)
            let name = PlaysModel.names[7]
            var x = base
            var y = base
            x.plays.insert(.init(name: name, done: false), at: pick % (base.plays.count + 1))
            y.plays.insert(.init(name: name, done: false), at: (pick / 7) % (base.plays.count + 1))
            let outcome = merge(Self.path, base: base.text, ours: x.text, theirs: y.text)
            #expect(outcome.isClean)
            #expect(outcome.text == x.text)
        }
    }
}
