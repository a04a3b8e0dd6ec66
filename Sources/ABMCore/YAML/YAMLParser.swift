import Foundation
import Yams

/// Why a file could not be read as YAML, and where.
public struct YAMLParseError: Error, Hashable, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?
    public var rule: String

    public init(line: Int, column: Int, message: String, hint: String? = nil, rule: String = "yaml-syntax") {
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        self.rule = rule
    }
}

/// Reads untrusted YAML safely: no anchors or aliases (so no alias bombs), a bound on the number of
/// nodes, no tab indentation, one document, and errors that point at a line.
public enum YAMLParser {
    /// At most this many nodes are converted, whatever the input.
    public static let nodeBudget = 4_000_000

    public static func parse(_ text: String) throws(YAMLParseError) -> YAMLNode? {
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        if let tabLine = leadingTabLine(body) {
            throw YAMLParseError(
                line: tabLine, column: 1, message: "tab used for indentation",
                hint: "YAML indentation must use spaces; replace the tab with spaces")
        }
        let root: Node?
        let parser: Parser
        do {
            // The basic resolver: abmsync reads scalars by schema, so Yams need not guess types (its regex
            // guessing dominated parse time, and duplicate-key checks hash every key).
            parser = try Parser(yaml: body, resolver: .basic, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw translate(error, text: body)
        } catch {
            throw YAMLParseError(line: 1, column: 1, message: "cannot read YAML: \(error)")
        }
        guard let root else { return nil }
        var budget = nodeBudget
        let flow = FlowDetector(body)
        // The parser owns the anchors: keep it alive while we look for them.
        return try withExtendedLifetime(parser) { () throws(YAMLParseError) -> YAMLNode in
            try convert(root, budget: &budget, flow: flow)
        }
    }

    /// Yams reports a collection's style from its end event, which carries none, so flow style
    /// (`{…}`, `[…]`) is read from the text at the node's start instead.
    private struct FlowDetector {
        let bytes: [UInt8]
        let lineStarts: [Int]

        init(_ text: String) {
            bytes = Array(text.utf8)
            var starts = [0]
            for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
            lineStarts = starts
        }

        func isFlow(line: Int, column: Int) -> Bool {
            guard line >= 1, line <= lineStarts.count else { return false }
            var offset = lineStarts[line - 1]
            var scalars = 1
            while scalars < column, offset < bytes.count {
                offset += 1
                while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
                scalars += 1
            }
            guard offset < bytes.count else { return false }
            return bytes[offset] == UInt8(ascii: "{") || bytes[offset] == UInt8(ascii: "[")
        }
    }

    private static func convert(_ node: Node, budget: inout Int, flow: FlowDetector) throws(YAMLParseError) -> YAMLNode {
        budget -= 1
        let line = node.mark?.line ?? 1
        let column = node.mark?.column ?? 1
        if budget < 0 {
            throw YAMLParseError(
                line: line, column: column, message: "the file has too many values (over \(nodeBudget))",
                hint: "split the file or remove generated content", rule: "yaml-too-large")
        }
        switch node {
        case .scalar(let scalar):
            if scalar.anchor != nil { throw anchorError(line: line, column: column) }
            return YAMLNode(
                .scalar(YAMLScalar(scalar.string, style: style(scalar.style))),
                line: line, column: column)
        case .mapping(let mapping):
            if mapping.anchor != nil { throw anchorError(line: line, column: column) }
            var entries: [YAMLEntry] = []
            entries.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                let keyNode = try convert(key, budget: &budget, flow: flow)
                if keyNode.scalar?.text == "<<", keyNode.scalar?.style == .plain {
                    throw YAMLParseError(
                        line: keyNode.line, column: keyNode.column, message: "YAML merge keys (<<) are not allowed",
                        hint: "write the fields out in full", rule: "yaml-anchor")
                }
                entries.append(YAMLEntry(keyNode: keyNode, value: try convert(value, budget: &budget, flow: flow)))
            }
            return YAMLNode(.mapping(entries), line: line, column: column, isFlow: flow.isFlow(line: line, column: column))
        case .sequence(let sequence):
            if sequence.anchor != nil { throw anchorError(line: line, column: column) }
            var items: [YAMLNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try convert(item, budget: &budget, flow: flow)) }
            return YAMLNode(.sequence(items), line: line, column: column, isFlow: flow.isFlow(line: line, column: column))
        case .alias:
            throw anchorError(line: line, column: column)
        }
    }

    private static func anchorError(line: Int, column: Int) -> YAMLParseError {
        YAMLParseError(
            line: line, column: column, message: "YAML anchors and aliases (&name, *name) are not allowed",
            hint: "write the value out in full where it is used", rule: "yaml-anchor")
    }

    private static func style(_ style: Node.Scalar.Style) -> YAMLScalar.Style {
        switch style {
        case .singleQuoted: return .singleQuoted
        case .doubleQuoted: return .doubleQuoted
        case .literal: return .literal
        case .folded: return .folded
        default: return .plain
        }
    }

    /// The first line indented with a tab (libyaml's own message for it is cryptic).
    private static func leadingTabLine(_ text: String) -> Int? {
        var line = 1
        var atLineStart = true
        var inIndent = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                line += 1
                atLineStart = true
                inIndent = true
                continue
            }
            if atLineStart || inIndent {
                if byte == UInt8(ascii: "\t") { return line }
                if byte != UInt8(ascii: " ") {
                    inIndent = false
                }
            }
            atLineStart = false
        }
        return nil
    }

    private static func translate(_ error: YamlError, text: String) -> YAMLParseError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? ""
            let lines = duplicateLines(of: key, in: text, near: context.mark.line)
            let where_ = lines.count >= 2 ? " (lines \(lines.map(String.init).joined(separator: " and ")))" : ""
            return YAMLParseError(
                line: lines.last ?? context.mark.line, column: context.mark.column,
                message: "duplicate key '\(key)'\(where_)",
                hint: "keep one '\(key)' entry and merge the values into it", rule: "yaml-duplicate-key")
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            var message = problem
            if let context, !context.text.isEmpty { message += " (\(context.text) at line \(context.mark.line))" }
            return YAMLParseError(line: mark.line, column: mark.column, message: message, hint: syntaxHint(problem))
        case .composer(let context, let problem, let mark, _):
            var message = problem
            if let context, !context.text.isEmpty { message = "\(context.text), \(problem)" }
            return YAMLParseError(line: mark.line, column: mark.column, message: message)
        case .reader(let problem, let offset, _, _):
            let line = offset.map { lineNumber(atUTF8Offset: $0, in: text) } ?? 1
            return YAMLParseError(line: line, column: 1, message: problem)
        case .memory:
            return YAMLParseError(line: 1, column: 1, message: "out of memory while reading YAML")
        case .emitter(let problem), .representer(let problem):
            return YAMLParseError(line: 1, column: 1, message: problem)
        case .dataCouldNotBeDecoded:
            return YAMLParseError(line: 1, column: 1, message: "the file is not UTF-8 text")
        case .writer(let problem):
            return YAMLParseError(line: 1, column: 1, message: problem)
        case .no:
            return YAMLParseError(line: 1, column: 1, message: "cannot read YAML")
        @unknown default:
            return YAMLParseError(line: 1, column: 1, message: "cannot read YAML: \(error)")
        }
    }

    private static func syntaxHint(_ problem: String) -> String? {
        if problem.contains("mapping values are not allowed") {
            return "a value containing ': ' must be quoted, e.g. title: \"VP: Sales\""
        }
        if problem.contains("could not find expected ':'") {
            return "each line needs 'key: value'; check the indentation of this and the previous line"
        }
        if problem.contains("did not find expected key") || problem.contains("block end") {
            return "check that this line is indented like its neighbours"
        }
        return nil
    }

    /// The lines where `key` appears as a mapping key at the same indentation as the one Yams reported.
    private static func duplicateLines(of key: String, in text: String, near reportedLine: Int) -> [Int] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard reportedLine >= 1, reportedLine <= lines.count else { return [reportedLine] }
        let reported = lines[reportedLine - 1]
        let indent = reported.prefix { $0 == " " }.count
        var found: [Int] = []
        let candidates = [key + ":", "\"" + key + "\":", "'" + key + "':"]
        // Walk the block the reported key belongs to: lines with at least its indentation.
        var start = reportedLine - 1
        while start > 0 {
            let previous = lines[start - 1]
            let trimmed = previous.drop { $0 == " " }
            if !trimmed.isEmpty, !trimmed.hasPrefix("#"), previous.prefix(while: { $0 == " " }).count < indent { break }
            start -= 1
        }
        var index = start
        while index < lines.count {
            let line = lines[index]
            let lineIndent = line.prefix { $0 == " " }.count
            let trimmed = line.dropFirst(lineIndent)
            if index > reportedLine - 1, !trimmed.isEmpty, !trimmed.hasPrefix("#"), lineIndent < indent { break }
            if lineIndent == indent, candidates.contains(where: { trimmed.hasPrefix($0) }) { found.append(index + 1) }
            index += 1
        }
        return found.isEmpty ? [reportedLine] : found
    }

    private static func lineNumber(atUTF8Offset offset: Int, in text: String) -> Int {
        var line = 1
        for (index, byte) in text.utf8.enumerated() {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") { line += 1 }
        }
        return line
    }
}
