/// What parsing one file gave, kept so a later run can skip files whose content has not changed.
///
/// A parse depends only on a file's path and bytes, so a result recorded for the same content (the
/// same `fingerprint`: a blob id, say) is exactly what parsing it again would give.
public struct FileParse: Sendable {
    public enum Result: Sendable {
        /// A plan file: the plan (nil when unusable) and the problems met reading it.
        case plan(Plan?, [Finding])
        /// accounts.yaml: its YAML (nil when it did not parse) and every problem met reading it.
        /// The accounts are read from the document again, which is cheap and exact.
        case accounts(YAMLNode?, [Finding])
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
    /// Bumped whenever `Plan`, `YAMLNode`, `Finding` or this encoding changes.
    public static let version: UInt32 = 1

    public static func encode(_ parses: [String: FileParse]) -> [UInt8] {
        var writer = ByteWriter()
        writer.int(parses.count)
        for path in parses.keys.sorted() {
            let parse = parses[path]!
            writer.string(path)
            writer.string(parse.fingerprint)
            switch parse.result {
            case .plan(let plan, let findings):
                writer.byte(0)
                writer.findings(findings, path: path)
                if let plan {
                    writer.byte(1)
                    writer.plan(plan)
                } else {
                    writer.byte(0)
                }
            case .accounts(let document, let findings):
                writer.byte(1)
                writer.findings(findings, path: path)
                writer.optionalNode(document)
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
                let count = try reader.int()
                guard count >= 0, count <= buffer.count else { return nil }
                var result: [String: FileParse] = [:]
                result.reserveCapacity(count)
                for _ in 0..<count {
                    let path = try reader.string()
                    let fingerprint = try reader.string()
                    switch try reader.byte() {
                    case 0:
                        let findings = try reader.findings(path: path)
                        let plan = try reader.byte() == 1 ? try reader.plan(path: path) : nil
                        result[path] = FileParse(fingerprint: fingerprint, result: .plan(plan, findings))
                    case 1:
                        let findings = try reader.findings(path: path)
                        let document = try reader.optionalNode()
                        result[path] = FileParse(fingerprint: fingerprint, result: .accounts(document, findings))
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

    mutating func range(_ value: Range<Int>) {
        int(value.lowerBound)
        int(value.upperBound - value.lowerBound)
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
            int(finding.location.line)
            int(finding.location.column)
            string(finding.message)
            optionalString(finding.why)
            optionalString(finding.fix)
            optionalString(finding.account)
        }
    }

    mutating func optionalNode(_ node: YAMLNode?) {
        if let node {
            byte(1)
            self.node(node)
        } else {
            byte(0)
        }
    }

    mutating func node(_ node: YAMLNode) {
        int(node.line)
        int(node.column)
        switch node.content {
        case .scalar(let scalar):
            let style: UInt8
            switch scalar.style {
            case .plain: style = 0
            case .singleQuoted: style = 1
            case .doubleQuoted: style = 2
            case .literal: style = 3
            case .folded: style = 4
            }
            // Kind, flow flag, tag flag and style in one byte.
            byte(style << 3 | (scalar.tag == nil ? 0 : 4) | (node.isFlow ? 2 : 0))
            string(scalar.text)
            if let tag = scalar.tag { string(tag) }
        case .mapping(let entries):
            byte(0x40 | (node.isFlow ? 2 : 0))
            int(entries.count)
            for entry in entries {
                self.node(entry.keyNode)
                self.node(entry.value)
            }
        case .sequence(let items):
            byte(0x80 | (node.isFlow ? 2 : 0))
            int(items.count)
            for item in items { self.node(item) }
        }
    }

    mutating func plan(_ plan: Plan) {
        // kind, id and path follow from the file's path.
        optionalNode(plan.frontMatter)
        if let lines = plan.frontMatterLines {
            byte(1)
            range(lines)
        } else {
            byte(0)
        }
        int(plan.bodyStartLine)
        optionalString(plan.title)
        int(plan.sections.count)
        for section in plan.sections {
            string(section.title)
            int(section.headingLine)
            range(section.lines)
        }
        int(plan.blocks.count)
        for block in plan.blocks {
            range(block.lines)
            switch block.kind {
            case .heading(let level):
                byte(0)
                int(level)
            case .paragraph: byte(1)
            case .list(let items):
                byte(2)
                int(items.count)
                for item in items {
                    range(item.lines)
                    byte(item.checked.map { $0 ? 2 : 1 } ?? 0)
                }
            case .table(let rows):
                byte(3)
                int(rows.count)
                for row in rows { range(row) }
            case .codeBlock: byte(4)
            case .quote: byte(5)
            case .html: byte(6)
            case .rule: byte(7)
            case .other(let name):
                byte(8)
                string(name)
            }
        }
        int(plan.lineCount)
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
        switch try byte() {
        case 0: return nil
        case 1: return try string()
        default: throw Malformed()
        }
    }

    mutating func range() throws(Malformed) -> Range<Int> {
        let lower = try int()
        let length = try int()
        guard length >= 0, lower <= Int.max - length else { throw Malformed() }
        return lower..<(lower + length)
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
            let file: String
            switch try byte() {
            case 0: file = path
            case 1: file = try string()
            default: throw Malformed()
            }
            let location = SourceLocation(file: file, line: try int(), column: try int())
            let message = try string()
            let why = try optionalString()
            let fix = try optionalString()
            let account = try optionalString()
            findings.append(Finding(severity, rule: rule, at: location, message, why: why, fix: fix, account: account))
        }
        return findings
    }

    mutating func optionalNode() throws(Malformed) -> YAMLNode? {
        switch try byte() {
        case 0: return nil
        case 1: return try node(depth: 0)
        default: throw Malformed()
        }
    }

    mutating func node(depth: Int) throws(Malformed) -> YAMLNode {
        guard depth < 10_000 else { throw Malformed() }
        let line = try int()
        let column = try int()
        let flags = try byte()
        let isFlow = flags & 2 != 0
        switch flags & 0xC0 {
        case 0:
            let style: YAMLScalar.Style
            switch flags >> 3 {
            case 0: style = .plain
            case 1: style = .singleQuoted
            case 2: style = .doubleQuoted
            case 3: style = .literal
            case 4: style = .folded
            default: throw Malformed()
            }
            let text = try string()
            let tag = flags & 4 != 0 ? try string() : nil
            return YAMLNode(.scalar(YAMLScalar(text, style: style, tag: tag)), line: line, column: column, isFlow: isFlow)
        case 0x40:
            let count = try count()
            var entries: [YAMLEntry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let key = try node(depth: depth + 1)
                entries.append(YAMLEntry(keyNode: key, value: try node(depth: depth + 1)))
            }
            return YAMLNode(.mapping(entries), line: line, column: column, isFlow: isFlow)
        case 0x80:
            let count = try count()
            var items: [YAMLNode] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try node(depth: depth + 1)) }
            return YAMLNode(.sequence(items), line: line, column: column, isFlow: isFlow)
        default:
            throw Malformed()
        }
    }

    mutating func plan(path: String) throws(Malformed) -> Plan {
        guard let kind = WorkspaceFile.planKind(of: path) else { throw Malformed() }
        let id = String(path.dropFirst(kind.folder.count + 1).dropLast(3))
        let frontMatter = try optionalNode()
        let frontMatterLines: Range<Int>?
        switch try byte() {
        case 0: frontMatterLines = nil
        case 1: frontMatterLines = try range()
        default: throw Malformed()
        }
        let bodyStart = try int()
        let title = try optionalString()
        let sectionCount = try count()
        var sections: [Plan.Section] = []
        sections.reserveCapacity(sectionCount)
        for _ in 0..<sectionCount {
            sections.append(Plan.Section(title: try string(), headingLine: try int(), lines: try range()))
        }
        let blockCount = try count()
        var blocks: [MarkdownOutline.Block] = []
        blocks.reserveCapacity(blockCount)
        for _ in 0..<blockCount {
            let lines = try range()
            let kind: MarkdownOutline.Block.Kind
            switch try byte() {
            case 0: kind = .heading(level: try int())
            case 1: kind = .paragraph
            case 2:
                let count = try count()
                var items: [MarkdownOutline.ListItem] = []
                items.reserveCapacity(count)
                for _ in 0..<count {
                    let lines = try range()
                    let checked: Bool?
                    switch try byte() {
                    case 0: checked = nil
                    case 1: checked = false
                    case 2: checked = true
                    default: throw Malformed()
                    }
                    items.append(MarkdownOutline.ListItem(lines: lines, checked: checked))
                }
                kind = .list(items: items)
            case 3:
                let count = try count()
                var rows: [Range<Int>] = []
                rows.reserveCapacity(count)
                for _ in 0..<count { rows.append(try range()) }
                kind = .table(rows: rows)
            case 4: kind = .codeBlock
            case 5: kind = .quote
            case 6: kind = .html
            case 7: kind = .rule
            case 8: kind = .other(try string())
            default: throw Malformed()
            }
            blocks.append(MarkdownOutline.Block(kind: kind, lines: lines))
        }
        let lineCount = try int()
        return Plan(
            kind: kind, id: id, path: path, frontMatter: frontMatter, frontMatterLines: frontMatterLines,
            bodyStartLine: bodyStart, title: title, sections: sections, blocks: blocks, lineCount: lineCount)
    }
}
