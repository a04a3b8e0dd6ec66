/// One entry of accounts.yaml: a target account, its tier and its owners.
/// Every field keeps where it was written, so findings and merges can point at it.
/// The fields are declared in `AccountFields.all` (key, type, range, role, schema, docs); a stored
/// property here is what a row's key path names.
public struct Account: Sendable, Hashable {
    public var id: Located<String>
    public var name: Located<String>?
    public var domain: Located<String>?
    public var tier: Located<Tier>?
    public var ae: Located<String>?
    public var marketer: Located<String>?
    public var sponsor: Located<String>?
    public var cluster: Located<String>?
    public var program: Located<String>?
    public var acv: Located<Int>?
    public var stage: Located<String>?
    public var tierSince: Located<PlanDate>?
    public var reviewed: Located<PlanDate>?
    public var cycleMonths: Located<Int>?
    public var strategic: Located<Bool>?
    public var intent: Located<Int>?
    /// Fields abmsync does not know (kept, allowed; checked for likely misspellings).
    public var extraFields: [Located<String>]
    /// The keys the entry gives a value (not null, not empty), in file order: for policies that
    /// require a team's own fields.
    public var filledFields: [String]
    /// True when the entry writes `tier:` with some value, valid or not.
    public var writesTier: Bool

    public init(id: Located<String>, filledFields: [String] = [], writesTier: Bool = false) {
        self.id = id
        self.filledFields = filledFields
        self.writesTier = writesTier
        self.extraFields = []
    }

    /// The account as read from its entry in accounts.yaml (the typed fields are set by the reader).
    public init(id: Located<String>, entry: YAMLNode) {
        var filled: [String] = []
        var writesTier = false
        for field in entry.entries ?? [] {
            let value = field.value
            if field.key == "tier", value.scalar?.isNull != true { writesTier = true }
            if let scalar = value.scalar, scalar.isNull || scalar.text.isEmpty { continue }
            filled.append(field.key)
        }
        self.init(id: id, filledFields: filled, writesTier: writesTier)
    }

    /// The display name, or the id when the entry has none.
    public var displayName: String { name?.value ?? id.value }

    /// The person ids named as owners, with the field that names them.
    public var owners: [(field: String, person: Located<String>)] {
        AccountFields.owners.compactMap { owner in self[keyPath: owner.value].map { (owner.key, $0) } }
    }

    /// The fields abmsync knows in an accounts.yaml entry.
    public static let knownFields: [String] = AccountFields.all.map(\.key)
}

/// A calendar date written as YYYY-MM-DD.
public struct PlanDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= PlanDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly.
    public init?(_ text: String) {
        // Exactly `YYYY-MM-DD` in ASCII digits; byte-wise, as it runs for every date of every account.
        var fields = (year: 0, month: 0, day: 0)
        var count = 0
        for byte in text.utf8 {
            defer { count += 1 }
            if count == 4 || count == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard count < 10, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            if count < 4 {
                fields.year = fields.year * 10 + digit
            } else if count < 7 {
                fields.month = fields.month * 10 + digit
            } else {
                fields.day = fields.day * 10 + digit
            }
        }
        guard count == 10 else { return nil }
        self.init(year: fields.year, month: fields.month, day: fields.day)
    }

    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    public static func days(from a: PlanDate, to b: PlanDate) -> Int { b.dayNumber - a.dayNumber }

    public static func < (lhs: PlanDate, rhs: PlanDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
