/// The one table of the fields abmsync knows in an accounts.yaml entry. Everything that lists the
/// fields follows from it: the reader (`FieldReader.account`), the known keys misspellings are
/// checked against, the owners and the role each names (`unknown-person`, `owner-role`), what a
/// tier can require and how a message names it, the cache encoding, the digest the checks across
/// accounts compare (`AccountRow`), `templates/schemas/accounts.schema.json` and the field list in
/// Docs/FileFormat.md (both generated: `AccountFieldTableTests`, `ABMSYNC_RECORD=1` rewrites them).
///
/// A new field is one row here plus the stored property of `Account` its key path names.
public enum AccountFields {
    public static let all: [AccountField] = [
        AccountField(
            "name", .text(\.name), notes: "display name", schema: "Display name", readAcross: true),
        AccountField("domain", .text(\.domain), readAcross: true),
        AccountField(
            "tier", .tier(\.tier), notes: "required",
            schema: "1 strategic (1:1), 2 cluster (1:few), 3 programmatic (1:many)", readAcross: true),
        AccountField(
            "ae", .person(\.ae, .ae), schema: "Account executive (team.yaml person with role ae)",
            meaning: "an account executive", readAcross: true),
        AccountField(
            "marketer", .person(\.marketer, .marketing), schema: "Marketer (role marketing)",
            meaning: "a marketing partner", readAcross: true),
        AccountField(
            "sponsor", .person(\.sponsor, .exec), schema: "Executive sponsor (role exec), tier 1",
            meaning: "an executive sponsor", readAcross: true),
        AccountField(
            "cluster", .plan(\.cluster, .cluster), notes: "tier 2", schema: "Tier 2 cluster (clusters/<id>.md)",
            meaning: "a cluster", readAcross: true),
        AccountField(
            "program", .plan(\.program, .program), notes: "tier 3", schema: "Tier 3 programme (programs/<id>.md)",
            meaning: "a programme"),
        AccountField(
            "acv", .number(\.acv, 0...Int.max, example: "450000"), notes: "expected annual contract value",
            schema: "Expected annual contract value"),
        AccountField("stage", .text(\.stage), type: "one of `stages`", schema: "One of abmsync.yaml stages"),
        AccountField("tier_since", .date(\.tierSince)),
        AccountField("reviewed", .date(\.reviewed)),
        AccountField("cycle_months", .number(\.cycleMonths, 0...240), notes: "optional"),
        AccountField("strategic", .flag(\.strategic), notes: "optional"),
        AccountField("intent", .number(\.intent, 0...100, example: "72"), notes: "optional"),
    ]

    /// The row for a key, or nil for a key abmsync does not know.
    public static func named(_ key: String) -> AccountField? { byKey[key] }

    private static let byKey: [String: AccountField] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    /// The fields that name an owner, with the role the person must hold, in table order.
    public static let owners: [(key: String, role: Role, value: KeyPath<Account, Located<String>?> & Sendable)] =
        all.compactMap { field in
            if case .person(let path, let role) = field.kind { return (field.key, role, path) }
            return nil
        }
}

/// One row of `AccountFields.all`.
public struct AccountField: Sendable {
    public typealias Slot<Value> = WritableKeyPath<Account, Located<Value>?> & Sendable

    /// What the value is, and the `Account` property that holds it.
    public enum Kind: Sendable {
        /// Any text.
        case text(Slot<String>)
        /// A person id in team.yaml who must hold `role`: an owner of the account.
        case person(Slot<String>, Role)
        /// The id of a cluster or programme plan.
        case plan(Slot<String>, Plan.Kind)
        case tier(Slot<Tier>)
        /// A whole number in `range`; `example` goes into the fix of a message.
        case number(Slot<Int>, ClosedRange<Int>, example: String = "12")
        /// `YYYY-MM-DD`.
        case date(Slot<PlanDate>)
        case flag(Slot<Bool>)
    }

    public let key: String
    public let kind: Kind
    /// The type column of Docs/FileFormat.md when the kind's own words are not enough.
    let typeNote: String?
    /// The notes column of Docs/FileFormat.md (an owner field's role goes there by itself).
    let notes: String
    /// The `description` in the JSON Schema.
    let schemaDescription: String?
    /// How a message names a missing value ("an account executive"), for `tier-requires`.
    public let meaning: String?
    /// Read by the checks across accounts (`RuleFamily.checkAcross`), so part of `AccountRow`'s digest.
    public let readAcross: Bool

    init(
        _ key: String, _ kind: Kind, type: String? = nil, notes: String = "", schema: String? = nil,
        meaning: String? = nil, readAcross: Bool = false
    ) {
        self.key = key
        self.kind = kind
        self.typeNote = type
        self.notes = notes
        self.schemaDescription = schema
        self.meaning = meaning
        self.readAcross = readAcross
    }

    /// The role the person named here must hold, for an owner field.
    public var role: Role? {
        if case .person(_, let role) = kind { return role }
        return nil
    }

    /// True when the account gives the field a value (non-empty for text).
    public func isFilled(in account: Account) -> Bool {
        switch kind {
        case .text(let path), .person(let path, _), .plan(let path, _): return account[keyPath: path].map { !$0.value.isEmpty } ?? false
        case .tier(let path): return account[keyPath: path] != nil
        case .number(let path, _, _): return account[keyPath: path] != nil
        case .date(let path): return account[keyPath: path] != nil
        case .flag(let path): return account[keyPath: path] != nil
        }
    }

    /// The value as text with where it is written (a tier as its number), for digests.
    public func text(in account: Account) -> Located<String>? {
        switch kind {
        case .text(let path), .person(let path, _), .plan(let path, _): return account[keyPath: path]
        case .tier(let path): return account[keyPath: path].map { Located(String($0.value.rawValue), at: $0.location) }
        case .number(let path, _, _): return account[keyPath: path].map { Located(String($0.value), at: $0.location) }
        case .date(let path): return account[keyPath: path].map { Located($0.value.description, at: $0.location) }
        case .flag(let path): return account[keyPath: path].map { Located($0.value ? "true" : "false", at: $0.location) }
        }
    }
}

// MARK: - Generated documents

extension AccountFields {
    /// `templates/schemas/accounts.schema.json`.
    public static var jsonSchema: JSONText {
        let idPattern = JSONText.string("^[a-z0-9]+(-[a-z0-9]+)*$")
        return .object([
            ("$schema", .string("http://json-schema.org/draft-07/schema#")),
            ("$id", .string("https://abmsync.example/schemas/accounts.schema.json")),
            ("title", .string("abmsync accounts.yaml: the shared account list")),
            ("type", .string("object")),
            ("required", .array([.string("accounts")])),
            (
                "properties",
                .object([
                    (
                        "accounts",
                        .object([
                            ("description", .string("Every target account, keyed by its id (lowercase-kebab-case).")),
                            ("type", .array([.string("object"), .string("null")])),
                            ("propertyNames", .object([("pattern", idPattern), ("maxLength", .integer(64))])),
                            ("additionalProperties", .object([("$ref", .string("#/definitions/account"))])),
                        ])
                    )
                ])
            ),
            (
                "definitions",
                .object([
                    ("id", .object([("type", .string("string")), ("pattern", idPattern), ("maxLength", .integer(64))])),
                    (
                        "date",
                        .object([
                            ("description", .string("YYYY-MM-DD (YAML loaders may read it as a date)")),
                            ("pattern", .string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
                        ])
                    ),
                    (
                        "account",
                        .object([
                            ("type", .string("object")),
                            ("required", .array([.string("tier")])),
                            ("properties", .object(all.map { ($0.key, $0.schema) })),
                            ("additionalProperties", .bool(true)),
                        ])
                    ),
                ])
            ),
        ])
    }

    /// The `accounts.yaml entry` table of Docs/FileFormat.md.
    public static var markdownTable: String {
        var out = "| field | type | notes |\n| --- | --- | --- |\n"
        for field in all {
            var notes = field.notes
            if notes.isEmpty, case .person(_, let role) = field.kind { notes = "role \(role.rawValue)" }
            out += "| `\(field.key)` | \(field.typeNote ?? field.typeWords) |" + (notes.isEmpty ? " |\n" : " \(notes) |\n")
        }
        return out
    }
}

extension AccountField {
    var schema: JSONText {
        var members: [(String, JSONText)]
        switch kind {
        case .text: members = [("type", .string("string"))]
        case .person, .plan: members = [("$ref", .string("#/definitions/id"))]
        case .tier: members = [("enum", .array(Tier.allCases.map { .integer($0.rawValue) }))]
        case .number(_, let range, _):
            members = [("type", .string("integer")), ("minimum", .integer(range.lowerBound))]
            if range.upperBound != Int.max { members.append(("maximum", .integer(range.upperBound))) }
        case .date: members = [("$ref", .string("#/definitions/date"))]
        case .flag: members = [("type", .string("boolean"))]
        }
        if let schemaDescription { members.append(("description", .string(schemaDescription))) }
        return .object(members)
    }

    var typeWords: String {
        switch kind {
        case .text: return "text"
        case .person: return "person id"
        case .plan(_, .cluster): return "cluster id"
        case .plan(_, .program): return "programme id"
        case .plan(_, .account): return "account id"
        case .tier: return Tier.allCases.map { String($0.rawValue) }.joinedWithOr()
        case .number(_, let range, _):
            return range.upperBound == Int.max ? "whole number" : "\(range.lowerBound)–\(range.upperBound)"
        case .date: return "date `YYYY-MM-DD`"
        case .flag: return "true/false"
        }
    }
}

extension Array where Element == String {
    /// `1, 2 or 3`.
    fileprivate func joinedWithOr() -> String {
        guard count > 1, let last else { return first ?? "" }
        return dropLast().joined(separator: ", ") + " or " + last
    }
}
