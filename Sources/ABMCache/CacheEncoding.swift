// The cache's byte format: the file's payload (`ParseCacheCodec`) and how each value is written
// (`ByteWriter`) and read back (`ByteReader`): findings, plan facts, accounts, the memo's units.
// Everything a cache record holds is encoded here and nowhere else; bump `ParseCacheCodec.version`
// with any change.

import ABMCore

/// A compact binary encoding of parse results (pure; the caller stores and checks the bytes).
/// Decoding answers nil for anything malformed, never traps.
///
/// Layout: the memo of the cross-file rules, then the records: their count, a table of 32-bit
/// offsets (one per record, little-endian, from the first record), and the records sorted
/// byte-wise by path. A record is its path, its length and its body: fingerprint, kind (0 plan,
/// 1 accounts), digest (64-bit little-endian), findings, payload length, payload.
public enum ParseCacheCodec {
    /// Bumped whenever `PlanFacts`, `Account`, `Finding` or this encoding changes.
    public static let version: UInt32 = 6  // 6: account fields in `AccountFields.all` order

    /// The memo, then the records.
    public static func encode(_ parses: [String: FileParse], memo: ValidationMemo?) -> [UInt8] {
        encode(parses, memo: memo, after: [])
    }

    /// `encode(_:memo:)` behind `prefix` (a file header to fill in later), in one buffer: the cache
    /// is megabytes, and every copy of it costs as much as the rest of the write.
    public static func encode(_ parses: [String: FileParse], memo: ValidationMemo?, after prefix: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes = prefix
        writer.bytes.reserveCapacity(prefix.count + 64 + parses.values.reduce(0) { $0 + $1.encodedCount + 64 })
        if let memo {
            writer.byte(1)
            writer.int(Int(bitPattern: UInt(memo.signature)))
            writer.findings(memo.findings, path: "")
            writer.int(memo.accountNames.count)
            for (id, name) in memo.accountNames.sorted(by: { $0.key < $1.key }) {
                writer.string(id)
                writer.string(name)
            }
            writer.units(memo.units)
        } else {
            writer.byte(0)
        }
        encodeRecords(parses, to: &writer)
        return writer.bytes
    }

    /// What `encode(_:memo:)` wrote, the bytes `range` of `store`; nil when anything is malformed.
    /// The records are decoded one by one when looked up.
    public static func decodeWithMemo(_ store: ByteStore, range: Range<Int>) -> (parses: ParseRecords, memo: ValidationMemo?)? {
        let memo = store.withBytes(range) { buffer -> (memo: ValidationMemo?, end: Int)? in
            var reader = ByteReader(buffer)
            do {
                guard try reader.flag() else { return (nil, reader.position) }
                let signature = UInt64(UInt(bitPattern: try reader.int()))
                let findings = try reader.findings(path: "")
                let count = try reader.count()
                var names: [String: String] = [:]
                for _ in 0..<count {
                    let id = try reader.string()
                    names[id] = try reader.string()
                }
                let units = try reader.units()
                guard units == nil || units?.owners.count == findings.count else { return nil }
                return (
                    ValidationMemo(signature: signature, findings: findings, accountNames: names, units: units), reader.position
                )
            } catch {
                return nil
            }
        }
        guard let memo, let parses = ParseRecords(decoding: store, range: (range.lowerBound + memo.end)..<range.upperBound)
        else { return nil }
        return (parses, memo.memo)
    }

    /// The records section: count, offset table, records in path order.
    static func encodeRecords(_ parses: [String: FileParse], to writer: inout ByteWriter) {
        // Paths alone are sorted (moving whole records around cost more than the rest of the write),
        // with String's own order, which is byte order for ASCII paths; checked, and sorted byte-wise
        // when some path is not ASCII.
        var paths = parses.keys.sorted()
        if zip(paths, paths.dropFirst()).contains(where: { !UTF8Order.precedes($0, $1) }) {
            paths.sort(by: UTF8Order.precedes)
        }
        // The offsets come first: each record's length is known before it is written, so the
        // records go straight into `writer`.
        func varintCount(_ value: Int) -> Int {
            var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
            var count = 1
            while rest >= 0x80 {
                rest >>= 7
                count += 1
            }
            return count
        }
        writer.int(paths.count)
        var offset = 0
        for path in paths {
            // Past 4 GiB the offsets would wrap: such a cache is over `maxBytes` and never written.
            let value = UInt32(truncatingIfNeeded: offset)
            for shift in stride(from: 0, to: 32, by: 8) { writer.byte(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
            let pathCount = path.utf8.count
            let bodyCount = parses[path]?.encodedCount ?? 0
            offset += varintCount(pathCount) + pathCount + varintCount(bodyCount) + bodyCount
        }
        for path in paths {
            writer.string(path)
            parses[path]?.appendEncoded(to: &writer)
        }
    }

    /// A record's facts or accounts, located in `path`; nil when the bytes are damaged.
    static func decodePayload(_ buffer: UnsafeRawBufferPointer, path: String, isAccounts: Bool, findings: [Finding])
        -> FileParse.Result?
    {
        var reader = ByteReader(buffer)
        do {
            if isAccounts {
                let form = try reader.byte()
                if form == FileParse.entryByEntry {
                    guard let list = AccountList.decode(Array(buffer.dropFirst())[...]) else { return nil }
                    return .accounts(list.accounts, findings)
                }
                guard form == FileParse.wholeFile else { return nil }
                let file = path
                let count = try reader.count()
                var accounts: [Account] = []
                accounts.reserveCapacity(count)
                for _ in 0..<count { accounts.append(try reader.account(path: file)) }
                guard reader.atEnd else { return nil }
                return .accounts(accounts, findings)
            }
            guard try reader.flag() else { return reader.atEnd ? .plan(nil, findings) : nil }
            let facts = try reader.facts(path: path)
            guard reader.atEnd else { return nil }
            return .plan(facts, findings)
        } catch {
            return nil
        }
    }
}

// MARK: - Writing

struct ByteWriter {
    var bytes: [UInt8] = []
    /// Subtracted from every line written (an accounts.yaml entry is kept relative to its key line).
    var lineBase = 0

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// Zig-zag LEB128: small numbers of either sign take one byte.
    mutating func int(_ value: Int) {
        var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// A 64-bit word, little-endian.
    mutating func word(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optionalString(_ value: String?) {
        if let value {
            byte(1)
            string(value)
        } else {
            byte(0)
        }
    }

    /// A place in the file being encoded (its name is implied).
    mutating func position(_ location: SourceLocation) {
        int(location.line - lineBase)
        int(location.column)
    }

    /// Findings of one file; the file name is left out when it is `path` (the file's own path, when
    /// the reader knows it).
    mutating func findings(_ findings: [Finding], path: String?) {
        int(findings.count)
        for finding in findings {
            byte(finding.severity == .error ? 0 : 1)
            string(finding.rule)
            if let path, finding.location.file == path {
                byte(0)
            } else {
                byte(1)
                string(finding.location.file)
            }
            position(finding.location)
            string(finding.message)
            optionalString(finding.why)
            optionalString(finding.fix)
            optionalString(finding.account)
        }
    }

    mutating func facts(_ facts: PlanFacts) {
        // kind, id and path follow from the file's path.
        int(facts.frontMatterLine)
        int(facts.titleLine)
        int(facts.sections.count)
        for section in facts.sections { string(section) }
        int(facts.stakeholderCount ?? -1)
        optionalPosition(facts.stakeholdersKey)
        if let owner = facts.owner {
            byte(1)
            string(owner.value)
            position(owner.location)
        } else {
            byte(0)
        }
        optionalPosition(facts.clusterField)
    }

    mutating func optionalPosition(_ location: SourceLocation?) {
        if let location {
            byte(1)
            position(location)
        } else {
            byte(0)
        }
    }

    mutating func account(_ account: Account) {
        string(account.id.value)
        position(account.id.location)
        // Every known field in `AccountFields.all` order: 0 when absent, else 1, its value and position
        // (a tier or a flag: its value in that byte).
        for field in AccountFields.all {
            switch field.kind {
            case .text(let slot), .person(let slot, _), .plan(let slot, _):
                guard let value = account[keyPath: slot] else { byte(0); continue }
                byte(1)
                string(value.value)
                position(value.location)
            case .number(let slot, _, _):
                guard let value = account[keyPath: slot] else { byte(0); continue }
                byte(1)
                int(value.value)
                position(value.location)
            case .date(let slot):
                guard let value = account[keyPath: slot] else { byte(0); continue }
                byte(1)
                int(value.value.year)
                int(value.value.month)
                int(value.value.day)
                position(value.location)
            case .tier(let slot):
                guard let value = account[keyPath: slot] else { byte(0); continue }
                byte(UInt8(value.value.rawValue))
                position(value.location)
            case .flag(let slot):
                guard let value = account[keyPath: slot] else { byte(0); continue }
                byte(value.value ? 2 : 1)
                position(value.location)
            }
        }
        int(account.extraFields.count)
        for field in account.extraFields {
            string(field.value)
            position(field.location)
        }
        int(account.filledFields.count)
        for field in account.filledFields { string(field) }
        byte(account.writesTier ? 1 : 0)
    }
}

// MARK: - Reading

struct ByteReader {
    struct Malformed: Error {}

    let buffer: UnsafeRawBufferPointer
    var position = 0
    /// Added to every line read (see `ByteWriter.lineBase`).
    var lineBase = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var atEnd: Bool { position == buffer.count }

    mutating func byte() throws(Malformed) -> UInt8 {
        guard position < buffer.count else { throw Malformed() }
        defer { position += 1 }
        return buffer[position]
    }

    mutating func flag() throws(Malformed) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw Malformed()
        }
    }

    mutating func int() throws(Malformed) -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Malformed() }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { break }
            shift += 7
        }
        let signed = Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
        return Int(signed)
    }

    /// A count of things that follow (each at least one byte long).
    mutating func count() throws(Malformed) -> Int {
        let value = try int()
        guard value >= 0, value <= buffer.count - position else { throw Malformed() }
        return value
    }

    /// A 64-bit word, little-endian.
    mutating func word() throws(Malformed) -> UInt64 {
        guard buffer.count - position >= 8 else { throw Malformed() }
        defer { position += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// Where the next `count` bytes are, skipping them.
    mutating func skip(_ count: Int) throws(Malformed) -> Range<Int> {
        guard count >= 0, count <= buffer.count - position else { throw Malformed() }
        defer { position += count }
        return position..<(position + count)
    }

    mutating func string() throws(Malformed) -> String {
        let length = try count()
        defer { position += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[position..<(position + length)]), as: UTF8.self)
    }

    mutating func optionalString() throws(Malformed) -> String? {
        try flag() ? try string() : nil
    }

    mutating func location(in file: String) throws(Malformed) -> SourceLocation {
        SourceLocation(file: file, line: try int() + lineBase, column: try int())
    }

    mutating func optionalLocation(in file: String) throws(Malformed) -> SourceLocation? {
        try flag() ? try location(in: file) : nil
    }

    mutating func findings(path: String) throws(Malformed) -> [Finding] {
        let count = try count()
        var findings: [Finding] = []
        findings.reserveCapacity(count)
        for _ in 0..<count {
            let severity: Finding.Severity
            switch try byte() {
            case 0: severity = .error
            case 1: severity = .warning
            default: throw Malformed()
            }
            let rule = try string()
            let file = try flag() ? try string() : path
            let location = try self.location(in: file)
            let message = try string()
            let why = try optionalString()
            let fix = try optionalString()
            let account = try optionalString()
            findings.append(Finding(severity, rule: rule, at: location, message, why: why, fix: fix, account: account))
        }
        return findings
    }

    mutating func facts(path: String) throws(Malformed) -> PlanFacts {
        guard let kind = WorkspaceFile.planKind(of: path) else { throw Malformed() }
        let id = String(path.dropFirst(kind.folder.count + 1).dropLast(3))
        let frontMatterLine = try int()
        let titleLine = try int()
        let sectionCount = try count()
        var sections: [String] = []
        sections.reserveCapacity(sectionCount)
        for _ in 0..<sectionCount { sections.append(try string()) }
        let stakeholders = try int()
        guard stakeholders >= -1 else { throw Malformed() }
        let stakeholdersKey = try optionalLocation(in: path)
        var owner: Located<String>?
        if try flag() {
            let value = try string()
            owner = Located(value, at: try location(in: path))
        }
        return PlanFacts(
            kind: kind, id: id, path: path, frontMatterLine: frontMatterLine, titleLine: titleLine, sections: sections,
            stakeholderCount: stakeholders < 0 ? nil : stakeholders, stakeholdersKey: stakeholdersKey, owner: owner,
            clusterField: try optionalLocation(in: path))
    }

    mutating func located(in file: String) throws(Malformed) -> Located<String>? {
        guard try flag() else { return nil }
        let value = try string()
        return Located(value, at: try location(in: file))
    }

    mutating func locatedInt(in file: String) throws(Malformed) -> Located<Int>? {
        guard try flag() else { return nil }
        let value = try int()
        return Located(value, at: try location(in: file))
    }

    mutating func locatedDate(in file: String) throws(Malformed) -> Located<PlanDate>? {
        guard try flag() else { return nil }
        guard let date = PlanDate(year: try int(), month: try int(), day: try int()) else { throw Malformed() }
        return Located(date, at: try location(in: file))
    }

    mutating func account(path: String) throws(Malformed) -> Account {
        let idValue = try string()
        var account = Account(id: Located(idValue, at: try location(in: path)))
        for field in AccountFields.all {
            switch field.kind {
            case .text(let slot), .person(let slot, _), .plan(let slot, _):
                account[keyPath: slot] = try located(in: path)
            case .number(let slot, _, _):
                account[keyPath: slot] = try locatedInt(in: path)
            case .date(let slot):
                account[keyPath: slot] = try locatedDate(in: path)
            case .tier(let slot):
                let raw = try byte()
                guard raw != 0 else { continue }
                guard let tier = Tier(rawValue: Int(raw)) else { throw Malformed() }
                account[keyPath: slot] = Located(tier, at: try location(in: path))
            case .flag(let slot):
                switch try byte() {
                case 0: break
                case let value where value <= 2: account[keyPath: slot] = Located(value == 2, at: try location(in: path))
                default: throw Malformed()
                }
            }
        }
        let extraCount = try count()
        account.extraFields.reserveCapacity(extraCount)
        for _ in 0..<extraCount {
            let value = try string()
            account.extraFields.append(Located(value, at: try location(in: path)))
        }
        let filledCount = try count()
        account.filledFields.reserveCapacity(filledCount)
        for _ in 0..<filledCount { account.filledFields.append(try string()) }
        account.writesTier = try flag()
        return account
    }
}

// MARK: - Validation units (in the memo)

extension ByteWriter {
    mutating func units(_ units: ValidationUnits?) {
        guard let units else {
            byte(0)
            return
        }
        byte(1)
        word(units.shared)
        word(units.across)
        int(units.accounts.count)
        for unit in units.accounts {
            string(unit.key)
            int(unit.lineOffset)
            word(unit.inputs)
        }
        int(units.plans.count)
        for unit in units.plans {
            string(unit.path)
            word(unit.inputs)
        }
        int(units.owners.count)
        for owner in units.owners {
            switch owner {
            case .shared: byte(0)
            case .across(let anchor):
                byte(anchor == nil ? 1 : 2)
                if let anchor { string(anchor) }
            case .account(let key):
                byte(3)
                string(key)
            case .plan(let path):
                byte(4)
                string(path)
            }
        }
    }
}

extension ByteReader {
    mutating func units() throws(Malformed) -> ValidationUnits? {
        guard try flag() else { return nil }
        let shared = try word()
        let across = try word()
        let accountCount = try count()
        var accounts: [ValidationUnits.AccountUnit] = []
        accounts.reserveCapacity(accountCount)
        for _ in 0..<accountCount {
            let key = try string()
            let lineOffset = try int()
            accounts.append(ValidationUnits.AccountUnit(key: key, lineOffset: lineOffset, inputs: try word()))
        }
        let planCount = try count()
        var plans: [ValidationUnits.PlanUnit] = []
        plans.reserveCapacity(planCount)
        for _ in 0..<planCount {
            let path = try string()
            plans.append(ValidationUnits.PlanUnit(path: path, inputs: try word()))
        }
        let ownerCount = try count()
        var owners: [ValidationUnits.Owner] = []
        owners.reserveCapacity(ownerCount)
        for _ in 0..<ownerCount {
            switch try byte() {
            case 0: owners.append(.shared)
            case 1: owners.append(.across(anchor: nil))
            case 2: owners.append(.across(anchor: try string()))
            case 3: owners.append(.account(try string()))
            case 4: owners.append(.plan(try string()))
            default: throw Malformed()
            }
        }
        return ValidationUnits(shared: shared, across: across, accounts: accounts, plans: plans, owners: owners)
    }
}
