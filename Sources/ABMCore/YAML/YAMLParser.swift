internal import CYaml

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
///
/// libyaml (the copy Yams vendors as `CYaml`) scans and parses; this file composes `YAMLNode`s
/// straight from libyaml's events. Going through Yams' `Node` tree cost most of `abmsync validate`'s
/// time (a class-backed node per value, every mapping's keys hashed as whole nodes, a Foundation
/// string conversion per scalar) only to be converted again into `YAMLNode`.
///
/// Which problem is reported when a file has several follows the order of the former Yams-based
/// reader: libyaml syntax errors and duplicate keys (checked when a mapping ends) as they come,
/// then the first anchor, merge key or node-budget problem in document order.
public enum YAMLParser {
    /// At most this many nodes are converted, whatever the input.
    public static let nodeBudget = 4_000_000

    /// Parses one YAML document. `lineOffset` is added to every line number, of nodes and of errors
    /// (for YAML embedded in a larger file, such as front matter).
    public static func parse(_ text: String, lineOffset: Int = 0) throws(YAMLParseError) -> YAMLNode? {
        var body = text
        let result = body.withUTF8 { bytes -> Result<YAMLNode?, YAMLParseError> in
            do throws(YAMLParseError) {
                return .success(try parse(utf8: bytes, lineOffset: lineOffset))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses one YAML document from UTF-8 bytes (a leading byte order mark is skipped).
    public static func parse(utf8 input: UnsafeBufferPointer<UInt8>, lineOffset: Int = 0) throws(YAMLParseError)
        -> YAMLNode?
    {
        var bytes = input
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes = UnsafeBufferPointer(rebasing: bytes[3...])
        }
        if let tabLine = leadingTabLine(bytes) {
            throw YAMLParseError(
                line: tabLine + lineOffset, column: 1, message: "tab used for indentation",
                hint: "YAML indentation must use spaces; replace the tab with spaces")
        }
        var composer = Composer(lineOffset: lineOffset)
        return try composer.compose(bytes)
    }

    // MARK: - Composing nodes from libyaml events

    /// A collection whose end event has not come yet. Its children wait in the composer's scratch
    /// buffers from `start` on, and are copied out once, at its end event, into an array of the
    /// right size (growing one array per collection was most of the allocations).
    private struct Frame {
        var isMapping: Bool
        var line: Int
        var column: Int
        var isFlow: Bool
        var anchor: String?
        var start: Int
        /// Mappings: the key waiting for its value.
        var pendingKey: YAMLNode?
        /// Mappings with many keys: key → its first position, for duplicate checks in O(1).
        var keyIndex: [String: Int]?
        /// Keys seen more than once.
        var duplicated: [String] = []
    }

    /// Mappings up to this many keys are checked for duplicates by a linear scan.
    private static let linearKeyScan = 8

    private struct Composer {
        let lineOffset: Int
        var stack: [Frame] = []
        var entries: [YAMLEntry] = []
        var items: [YAMLNode] = []
        var root: YAMLNode?
        var budget = YAMLParser.nodeBudget
        /// The first anchor, merge-key or budget problem. Reported once the document has been read
        /// without syntax errors or duplicate keys; from then on values are no longer kept (keys
        /// are, for the duplicate check).
        var deferred: YAMLParseError?
        /// Anchors whose node is complete (an alias to anything else is a syntax error, as in Yams).
        var anchors: Set<String> = []
        var documents = 0

        init(lineOffset: Int) {
            self.lineOffset = lineOffset
            stack.reserveCapacity(16)
        }

        mutating func compose(_ bytes: UnsafeBufferPointer<UInt8>) throws(YAMLParseError) -> YAMLNode? {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw YAMLParseError(line: 1 + lineOffset, column: 1, message: "out of memory while reading YAML")
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            // Empty input is an empty stream (libyaml wants a non-null pointer).
            guard let start = bytes.baseAddress, bytes.count > 0 else { return nil }
            yaml_parser_set_input_string(&parser, start, bytes.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw YAMLParser.error(from: parser, bytes: bytes, lineOffset: lineOffset)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try handle(event)
            }
            if let deferred { throw deferred }
            return root
        }

        private func position(_ mark: yaml_mark_t) -> (line: Int, column: Int) {
            (mark.line + 1 + lineOffset, mark.column + 1)
        }

        private mutating func handle(_ event: yaml_event_t) throws(YAMLParseError) {
            switch event.type {
            case YAML_SCALAR_EVENT:
                let (line, column) = position(event.start_mark)
                let scalar = event.data.scalar
                count(line: line, column: column)
                let anchor = scalar.anchor.map { YAMLParser.string($0) }
                if anchor != nil { postpone(YAMLParser.anchorError(line: line, column: column)) }
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let node = YAMLNode(.scalar(YAMLScalar(text, style: YAMLParser.style(scalar.style))), line: line, column: column)
                if let anchor { anchors.insert(anchor) }
                try add(node)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let (line, column) = position(event.start_mark)
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                count(line: line, column: column)
                let anchorPointer = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                let anchor = anchorPointer.map { YAMLParser.string($0) }
                if anchor != nil { postpone(YAMLParser.anchorError(line: line, column: column)) }
                let isFlow =
                    isMapping
                    ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                    : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                let start = isMapping ? entries.count : items.count
                stack.append(
                    Frame(isMapping: isMapping, line: line, column: column, isFlow: isFlow, anchor: anchor, start: start))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return }
                let content: YAMLNode.Content
                if frame.isMapping {
                    if let duplicate = duplicateError(frame) { throw duplicate }
                    content = .mapping(Array(entries[frame.start...]))
                    entries.removeSubrange(frame.start...)
                } else {
                    content = .sequence(Array(items[frame.start...]))
                    items.removeSubrange(frame.start...)
                }
                if let anchor = frame.anchor { anchors.insert(anchor) }
                try add(YAMLNode(content, line: frame.line, column: frame.column, isFlow: frame.isFlow))
            case YAML_ALIAS_EVENT:
                let (line, column) = position(event.start_mark)
                let name = event.data.alias.anchor.map { YAMLParser.string($0) } ?? ""
                guard anchors.contains(name) else {
                    throw YAMLParseError(line: line, column: column, message: "found undefined alias")
                }
                // Its anchor was refused already; the alias only needs a place holder.
                try add(YAMLNode(.scalar(YAMLScalar("")), line: line, column: column))
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    let (line, column) = position(event.start_mark)
                    throw YAMLParseError(
                        line: line, column: column,
                        message: "expected a single document in the stream, but found another document")
                }
            default:
                // Stream start, document end: nothing to build.
                break
            }
        }

        /// Counts a node against the budget.
        private mutating func count(line: Int, column: Int) {
            budget -= 1
            if budget < 0 {
                postpone(
                    YAMLParseError(
                        line: line, column: column, message: "the file has too many values (over \(YAMLParser.nodeBudget))",
                        hint: "split the file or remove generated content", rule: "yaml-too-large"))
            }
        }

        private mutating func postpone(_ error: YAMLParseError) {
            if deferred == nil { deferred = error }
        }

        /// Puts a finished node into its parent (as key, value or item), or makes it the root.
        private mutating func add(_ node: YAMLNode) throws(YAMLParseError) {
            let top = stack.count - 1
            guard top >= 0 else {
                root = node
                return
            }
            guard stack[top].isMapping else {
                if deferred == nil { items.append(node) }
                return
            }
            guard let key = stack[top].pendingKey else {
                if let scalar = node.scalar {
                    if scalar.style == .plain, scalar.text == "<<" {
                        postpone(
                            YAMLParseError(
                                line: node.line, column: node.column, message: "YAML merge keys (<<) are not allowed",
                                hint: "write the fields out in full", rule: "yaml-anchor"))
                    }
                    noteKey(scalar.text, in: top)
                }
                stack[top].pendingKey = node
                return
            }
            stack[top].pendingKey = nil
            // Once a problem is deferred only keys matter: values become empty place holders.
            entries.append(YAMLEntry(keyNode: key, value: deferred == nil ? node : YAMLNode(.scalar(YAMLScalar("")), line: 0, column: 0)))
        }

        /// Records a duplicate when `text` is already a key of the mapping `stack[frame]`.
        private mutating func noteKey(_ text: String, in frame: Int) {
            let start = stack[frame].start
            let position = entries.count
            let seen: Bool
            if stack[frame].keyIndex != nil {
                seen = stack[frame].keyIndex?[text] != nil
                if !seen { stack[frame].keyIndex?[text] = position }
            } else {
                seen = entries[start...].contains { $0.keyNode.scalar?.text == text }
                if !seen, position - start >= YAMLParser.linearKeyScan {
                    var index: [String: Int] = [:]
                    index.reserveCapacity(4 * YAMLParser.linearKeyScan)
                    for offset in start..<position {
                        if let key = entries[offset].keyNode.scalar?.text, index[key] == nil { index[key] = offset }
                    }
                    index[text] = position
                    stack[frame].keyIndex = index
                }
            }
            if seen, !stack[frame].duplicated.contains(text) { stack[frame].duplicated.append(text) }
        }

        /// The duplicate-key error for a mapping that has ended, if it has one. Several duplicated
        /// keys: the first in sort order is named, as Yams did.
        private func duplicateError(_ frame: Frame) -> YAMLParseError? {
            guard let key = frame.duplicated.min() else { return nil }
            var lines: [Int] = []
            var column = 1
            for entry in entries[frame.start...] where entry.keyNode.scalar?.text == key {
                if lines.isEmpty { column = entry.keyNode.column }
                lines.append(entry.keyNode.line)
            }
            var distinct: [Int] = []
            for line in lines where distinct.last != line { distinct.append(line) }
            let where_ = distinct.count >= 2 ? " (lines \(distinct.map(String.init).joined(separator: " and ")))" : ""
            return YAMLParseError(
                line: lines.last ?? 1, column: column, message: "duplicate key '\(key)'\(where_)",
                hint: "keep one '\(key)' entry and merge the values into it", rule: "yaml-duplicate-key")
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: pointer)
    }

    private static func anchorError(line: Int, column: Int) -> YAMLParseError {
        YAMLParseError(
            line: line, column: column, message: "YAML anchors and aliases (&name, *name) are not allowed",
            hint: "write the value out in full where it is used", rule: "yaml-anchor")
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    /// The first line indented with a tab (libyaml's own message for it is cryptic).
    private static func leadingTabLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var line = 1
        var inIndent = true
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                line += 1
                inIndent = true
            } else if inIndent {
                if byte == UInt8(ascii: "\t") { return line }
                if byte != UInt8(ascii: " ") { inIndent = false }
            }
        }
        return nil
    }

    // MARK: - libyaml errors

    private static func error(from parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int)
        -> YAMLParseError
    {
        let problem = parser.problem.map { String(cString: $0) } ?? "cannot read YAML"
        let line = parser.problem_mark.line + 1 + lineOffset
        let column = parser.problem_mark.column + 1
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return YAMLParseError(line: 1 + lineOffset, column: 1, message: "out of memory while reading YAML")
        case YAML_READER_ERROR:
            let (readerLine, readerColumn) = position(ofByte: parser.problem_offset, in: bytes)
            return YAMLParseError(line: readerLine + lineOffset, column: readerColumn, message: problem)
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            var message = problem
            if let context = parser.context.map({ String(cString: $0) }), !context.isEmpty {
                message += " (\(context) at line \(parser.context_mark.line + 1 + lineOffset))"
            }
            return YAMLParseError(line: line, column: column, message: message, hint: syntaxHint(problem))
        default:
            var message = problem
            if let context = parser.context.map({ String(cString: $0) }), !context.isEmpty {
                message = "\(context), \(problem)"
            }
            return YAMLParseError(line: line, column: column, message: message)
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

    /// 1-based line and column (in Unicode scalars) of a byte offset.
    private static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
