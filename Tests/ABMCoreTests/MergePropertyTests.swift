import ABMCore
import PropertyBased
import Testing

/// A small model of accounts.yaml that random edits are applied to, rendered as people write it.
struct AccountsModel: Equatable, CustomStringConvertible {
    struct Account: Equatable {
        var id: String
        var fields: [(key: String, value: String)]
        var comment: String?

        static func == (a: Account, b: Account) -> Bool {
            a.id == b.id && a.comment == b.comment && a.fields.map(\.key) == b.fields.map(\.key)
                && a.fields.map(\.value) == b.fields.map(\.value)
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

    /// Applies one edit, decoded from a number: change, add or delete a field, add or delete an account.
    mutating func apply(_ op: Int) {
        let argument = op / 5
        guard !accounts.isEmpty else { return }
        let index = argument % accounts.count
        switch op % 5 {
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
                accounts.append(Account(id: id, fields: [("name", "New \(argument % 50)"), ("tier", "3")], comment: nil))
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
            for field in account.fields { out += "    \(field.key): \(field.value)\n" }
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
