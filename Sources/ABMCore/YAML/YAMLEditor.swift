/// Text-preserving edits of a YAML document: only the lines an edit is about change; every other
/// byte (comments, key order, spacing, line breaks) stays as the person wrote it.
public struct YAMLEditor {
    public enum EditError: Error, Hashable, Sendable {
        case parse(YAMLParseError)
        case notAMapping(path: [String])
        case flowStyle(path: [String], line: Int)
        case alreadyExists(path: [String])
        case notFound(path: [String])

        public var message: String {
            switch self {
            case .parse(let error): return "line \(error.line): \(error.message)"
            case .notAMapping(let path): return "'\(path.joined(separator: "."))' is not a mapping"
            case .flowStyle(let path, let line):
                return "'\(path.joined(separator: "."))' on line \(line) is written in {…} style, which abmsync cannot edit in place"
            case .alreadyExists(let path): return "'\(path.joined(separator: "."))' already exists"
            case .notFound(let path): return "'\(path.joined(separator: "."))' does not exist"
            }
        }
    }

    public private(set) var text: String

    public init(_ text: String) {
        self.text = text
    }

    /// Appends `key:` with `fields` (already-ordered name/value pairs) at the end of the block
    /// mapping at `path` (e.g. ["accounts"]). An empty `{}` or empty value becomes a block mapping.
    public mutating func appendEntry(at path: [String], key: String, fields: [(String, YAMLValue)]) throws(EditError) {
        let lines = TextLines(text)
        let root = try parse()
        let lineBreak = lines.lineBreak
        guard let location = try locate(path, root: root, lines: lines) else { throw .notFound(path: path) }
        let node = location.node
        if node.entries?.contains(where: { $0.key == key }) == true { throw .alreadyExists(path: path + [key]) }

        let childIndent: Int
        let insertAt: Int
        var replaceKeyLine: String?
        if let entries = node.entries, !entries.isEmpty {
            guard !node.isFlow else { throw .flowStyle(path: path, line: node.line) }
            guard let layout = YAMLMappingLayout(mapping: node, in: lines, bounds: location.bounds) else {
                throw .notAMapping(path: path)
            }
            childIndent = layout.indentation
            insertAt = layout.trailer.lowerBound
        } else if node.entries != nil || node.scalar?.isNull == true {
            // `accounts: {}` or `accounts:` with nothing: rewrite the key line, add below it.
            childIndent = location.keyIndent + 2
            insertAt = location.keyLine + 1
            let keyLineText = lines[location.keyLine]
            let keyEnd = keyLineText.range(of: ":")?.upperBound ?? keyLineText.endIndex
            var rest = keyLineText[keyEnd...]
            var comment = ""
            if let hash = rest.range(of: " #") { comment = " " + rest[hash.lowerBound...].drop { $0 == " " }.trimmingLineBreak() }
            rest = ""
            replaceKeyLine = String(keyLineText[..<keyEnd]) + comment + lineBreak
        } else {
            throw .notAMapping(path: path)
        }

        var block = String(repeating: " ", count: childIndent) + YAMLValue.renderKey(key) + ":" + lineBreak
        let fieldIndent = String(repeating: " ", count: childIndent + 2)
        for (name, value) in fields {
            block += value.render(key: name, indent: fieldIndent, lineBreak: lineBreak)
        }
        var out = ""
        let total = lines.count
        for number in 1..<(total + 1) {
            if number == insertAt { out += block }
            if number == location.keyLine, let replaceKeyLine {
                out += replaceKeyLine
                continue
            }
            var line = String(lines[number])
            if number == total, !line.endsWithLineBreak, insertAt > total { line += lineBreak }
            out += line
        }
        if insertAt > total {
            if !out.isEmpty, !out.endsWithLineBreak { out += lineBreak }
            out += block
        }
        text = out
    }

    /// Sets the scalar field `field` of the mapping at `path`: replaces the value in place (keeping a
    /// trailing comment) or adds the field after the mapping's last field.
    public mutating func setField(at path: [String], field: String, to value: YAMLValue) throws(EditError) {
        let lines = TextLines(text)
        let root = try parse()
        guard let location = try locate(path, root: root, lines: lines) else { throw .notFound(path: path) }
        guard let entries = location.node.entries else { throw .notAMapping(path: path) }
        guard !location.node.isFlow else { throw .flowStyle(path: path, line: location.node.line) }
        let lineBreak = lines.lineBreak
        if let existing = entries.first(where: { $0.key == field }) {
            guard let layout = YAMLMappingLayout(mapping: location.node, in: lines, bounds: location.bounds),
                let span = layout.span(for: field)
            else { throw .notAMapping(path: path) }
            let keyLine = lines[span.keyLine]
            let indent = String(keyLine.prefix { $0 == " " })
            var comment = ""
            if existing.value.scalar != nil, existing.value.line == span.keyLine,
                existing.value.scalar?.style != .literal, existing.value.scalar?.style != .folded,
                let hash = Self.trailingCommentStart(keyLine)
            {
                comment = " " + keyLine[hash...].trimmingLineBreak()
            }
            var replacement = value.render(key: field, indent: indent, lineBreak: lineBreak)
            if !comment.isEmpty, replacement.hasSuffix(lineBreak), !replacement.dropLast(lineBreak.count).utf8.contains(10) {
                replacement = String(replacement.dropLast(lineBreak.count)) + comment + lineBreak
            }
            // The field's own lines: its key line and any continuation, without the comments above it.
            let end = span.lines.upperBound
            var out = lines.text(1..<span.keyLine) + replacement
            if span.keyLine == lines.count, !lines[lines.count].endsWithLineBreak {
                out = String(out.dropLast(lineBreak.count))
            }
            out += lines.text(end..<(lines.count + 1))
            text = out
        } else {
            guard let layout = YAMLMappingLayout(mapping: location.node, in: lines, bounds: location.bounds) else {
                throw .notAMapping(path: path)
            }
            let indent = String(repeating: " ", count: layout.entries.isEmpty ? location.keyIndent + 2 : layout.indentation)
            let insertAt = layout.trailer.lowerBound
            var before = lines.text(1..<insertAt)
            if !before.isEmpty, !before.endsWithLineBreak { before += lineBreak }
            text = before + value.render(key: field, indent: indent, lineBreak: lineBreak)
                + lines.text(insertAt..<(lines.count + 1))
        }
    }

    /// Removes the entry `key` of the block mapping at `path`, with its leading comments.
    public mutating func removeEntry(at path: [String], key: String) throws(EditError) {
        let lines = TextLines(text)
        let root = try parse()
        guard let location = try locate(path, root: root, lines: lines) else { throw .notFound(path: path) }
        guard let layout = YAMLMappingLayout(mapping: location.node, in: lines, bounds: location.bounds),
            let span = layout.span(for: key)
        else { throw .notFound(path: path + [key]) }
        text = lines.text(1..<span.lines.lowerBound) + lines.text(span.lines.upperBound..<(lines.count + 1))
    }

    // MARK: - Locating

    private struct Location {
        var node: YAMLNode
        /// Lines the node's content may occupy.
        var bounds: Range<Int>
        var keyLine: Int
        var keyIndent: Int
    }

    private func parse() throws(EditError) -> YAMLNode {
        do {
            return try YAMLParser.parse(text) ?? YAMLNode(.mapping([]), line: 1, column: 1)
        } catch {
            throw .parse(error)
        }
    }

    private func locate(_ path: [String], root: YAMLNode, lines: TextLines) throws(EditError) -> Location? {
        var current = Location(node: root, bounds: 1..<(lines.count + 1), keyLine: 0, keyIndent: -2)
        for (depth, key) in path.enumerated() {
            guard current.node.entries != nil else { throw .notAMapping(path: Array(path.prefix(depth))) }
            if current.node.isFlow { throw .flowStyle(path: Array(path.prefix(depth)), line: current.node.line) }
            guard let layout = YAMLMappingLayout(mapping: current.node, in: lines, bounds: current.bounds),
                let span = layout.span(for: key), let entry = current.node.entries?.first(where: { $0.key == key })
            else { return nil }
            current = Location(
                node: entry.value, bounds: (span.keyLine + 1)..<span.lines.upperBound, keyLine: span.keyLine,
                keyIndent: entry.keyNode.column - 1)
        }
        return current
    }

    /// Where a `# comment` starts on a `key: value` line, outside quotes.
    static func trailingCommentStart(_ line: Substring) -> Substring.Index? {
        var inSingle = false
        var inDouble = false
        var previous: Character = " "
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "'" && !inDouble { inSingle.toggle() }
            if character == "\"" && !inSingle && previous != "\\" { inDouble.toggle() }
            if character == "#" && !inSingle && !inDouble && (previous == " " || previous == "\t") { return index }
            previous = character
            index = line.index(after: index)
        }
        return nil
    }
}

/// A value abmsync writes into YAML, rendered the way a person would type it.
public enum YAMLValue: Hashable, Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case date(PlanDate)
    case list([String])

    func render(key: String, indent: String, lineBreak: String) -> String {
        indent + YAMLValue.renderKey(key) + ": " + renderedValue + lineBreak
    }

    public var renderedValue: String {
        switch self {
        case .string(let text): return YAMLScalarWriter.render(text)
        case .integer(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .date(let date): return date.description
        case .list(let items): return "[" + items.map { YAMLScalarWriter.render($0, in: .flow) }.joined(separator: ", ") + "]"
        }
    }

    static func renderKey(_ key: String) -> String { YAMLScalarWriter.render(key) }
}

extension Substring {
    func trimmingLineBreak() -> String {
        var s = self
        while let last = s.last, last == "\n" || last == "\r\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension StringProtocol {
    /// True when the text ends with "\n" or "\r\n" (a Character comparison with "\n" misses "\r\n").
    var endsWithLineBreak: Bool { utf8.reversed().first == UInt8(ascii: "\n") }
}
