/// What parsing one file gave, kept so a later run can skip files whose content has not changed.
///
/// A parse depends only on a file's path and bytes, so a result recorded for the same content (the
/// same `fingerprint`: a blob id, say) is exactly what parsing it again would give.
public struct FileParse: Sendable {
    public enum Result: Sendable {
        /// A plan file: its facts (nil when unusable) and the problems met reading and checking it.
        case plan(PlanFacts?, [Finding])
        /// accounts.yaml: the accounts read from it and every problem met reading it.
        case accounts([Account], [Finding])
    }

    /// Identifies the file's content without reading it (a blob id); any text the caller chooses.
    public var fingerprint: String
    public var result: Result

    public init(fingerprint: String, result: Result) {
        self.fingerprint = fingerprint
        self.result = result
    }
}

/// Earlier parse results the loader may reuse, and what each file's content is now.
public struct ParseReuse: Sendable {
    /// The current content's fingerprint for files whose content is known without reading them.
    /// A file without one is always read and parsed.
    public var fingerprints: [String: String]
    /// Earlier results by path.
    public var previous: [String: FileParse]

    public init(fingerprints: [String: String], previous: [String: FileParse]) {
        self.fingerprints = fingerprints
        self.previous = previous
    }

    /// The earlier result for `path` when its content is unchanged.
    func reusable(_ path: String) -> FileParse.Result? {
        guard let now = fingerprints[path], let earlier = previous[path], earlier.fingerprint == now else { return nil }
        return earlier.result
    }
}

/// A compact binary encoding of parse results (pure; the caller stores and checks the bytes).
/// Decoding answers nil for anything malformed, never traps.
public enum ParseCacheCodec {
    /// Bumped whenever `PlanFacts`, `Account`, `Finding` or this encoding changes.
    public static let version: UInt32 = 2

    public static func encode(_ parses: [String: FileParse]) -> [UInt8] {
        var writer = ByteWriter()
        writer.int(parses.count)
        for path in parses.keys.sorted() {
            let parse = parses[path]!
            writer.string(path)
            writer.string(parse.fingerprint)
            switch parse.result {
            case .plan(let facts, let findings):
                writer.byte(0)
                writer.findings(findings, path: path)
                if let facts {
                    writer.byte(1)
                    writer.facts(facts)
                } else {
                    writer.byte(0)
                }
            case .accounts(let accounts, let findings):
                writer.byte(1)
                writer.findings(findings, path: path)
                writer.int(accounts.count)
                for account in accounts { writer.account(account) }
            }
        }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) -> [String: FileParse]? {
        decode(bytes[...])
    }

    public static func decode(_ bytes: ArraySlice<UInt8>) -> [String: FileParse]? {
        bytes.withUnsafeBytes { buffer -> [String: FileParse]? in
            var reader = ByteReader(buffer)
            do {
                let count = try reader.count()
                var result: [String: FileParse] = [:]
                result.reserveCapacity(count)
                for _ in 0..<count {
                    let path = try reader.string()
                    let fingerprint = try reader.string()
                    switch try reader.byte() {
                    case 0:
                        let findings = try reader.findings(path: path)
                        let facts = try reader.byte() == 1 ? try reader.facts(path: path) : nil
                        result[path] = FileParse(fingerprint: fingerprint, result: .plan(facts, findings))
                    case 1:
                        let findings = try reader.findings(path: path)
                        let count = try reader.count()
                        var accounts: [Account] = []
                        accounts.reserveCapacity(count)
                        for _ in 0..<count { accounts.append(try reader.account(path: path)) }
                        result[path] = FileParse(fingerprint: fingerprint, result: .accounts(accounts, findings))
                    default:
                        throw ByteReader.Malformed()
                    }
                }
                guard reader.atEnd else { return nil }
                return result
            } catch {
                return nil
            }
        }
    }
}

// MARK: - Writing

private struct ByteWriter {
    var bytes: [UInt8] = []

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
        int(location.line)
        int(location.column)
    }

    /// Findings of one file; the file name is left out when it is the file's own path.
    mutating func findings(_ findings: [Finding], path: String) {
        int(findings.count)
        for finding in findings {
            byte(finding.severity == .error ? 0 : 1)
            string(finding.rule)
            if finding.location.file == path {
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
        for field in [
            account.name, account.domain, account.ae, account.marketer, account.sponsor, account.cluster,
            account.program, account.stage,
        ] {
            if let field {
                byte(1)
                string(field.value)
                position(field.location)
            } else {
                byte(0)
            }
        }
        for field in [account.acv, account.cycleMonths, account.intent] {
            if let field {
                byte(1)
                int(field.value)
                position(field.location)
            } else {
                byte(0)
            }
        }
        for field in [account.tierSince, account.reviewed] {
            if let field {
                byte(1)
                int(field.value.year)
                int(field.value.month)
                int(field.value.day)
                position(field.location)
            } else {
                byte(0)
            }
        }
        if let tier = account.tier {
            byte(UInt8(tier.value.rawValue))
            position(tier.location)
        } else {
            byte(0)
        }
        if let strategic = account.strategic {
            byte(strategic.value ? 2 : 1)
            position(strategic.location)
        } else {
            byte(0)
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

private struct ByteReader {
    struct Malformed: Error {}

    let buffer: UnsafeRawBufferPointer
    var position = 0

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

    mutating func string() throws(Malformed) -> String {
        let length = try count()
        defer { position += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[position..<(position + length)]), as: UTF8.self)
    }

    mutating func optionalString() throws(Malformed) -> String? {
        try flag() ? try string() : nil
    }

    mutating func location(in file: String) throws(Malformed) -> SourceLocation {
        SourceLocation(file: file, line: try int(), column: try int())
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
        account.name = try located(in: path)
        account.domain = try located(in: path)
        account.ae = try located(in: path)
        account.marketer = try located(in: path)
        account.sponsor = try located(in: path)
        account.cluster = try located(in: path)
        account.program = try located(in: path)
        account.stage = try located(in: path)
        account.acv = try locatedInt(in: path)
        account.cycleMonths = try locatedInt(in: path)
        account.intent = try locatedInt(in: path)
        account.tierSince = try locatedDate(in: path)
        account.reviewed = try locatedDate(in: path)
        let tier = try byte()
        if tier != 0 {
            guard let value = Tier(rawValue: Int(tier)) else { throw Malformed() }
            account.tier = Located(value, at: try location(in: path))
        }
        switch try byte() {
        case 0: break
        case let flag where flag <= 2: account.strategic = Located(flag == 2, at: try location(in: path))
        default: throw Malformed()
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
