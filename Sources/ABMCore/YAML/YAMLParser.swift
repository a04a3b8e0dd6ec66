internal import CYaml
#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

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
    /// stacks from `start` on, and are moved out once, at its end event, into an array of the
    /// right size (growing one array per collection was most of the allocations). Plain values
    /// only, so frames are copied without reference counting; what few frames need more (an
    /// anchor, a key index, duplicate keys) is kept aside by depth.
    private struct Frame {
        var isMapping: Bool
        var isFlow: Bool
        /// Mappings: a key waits for its value (on top of the composer's `keys`).
        var hasPendingKey = false
        /// Mappings with many keys have a key index aside (`Composer.keyIndexes`).
        var hasKeyIndex = false
        var line: Int
        var column: Int
        var start: Int
    }

    /// Mappings up to this many keys are checked for duplicates by a linear scan.
    private static let linearKeyScan = 8

    private struct Composer: ~Copyable {
        let lineOffset: Int
        var stack: [Frame] = []
        var entries = MoveStack<YAMLEntry>()
        var items = MoveStack<YAMLNode>()
        /// Keys waiting for their values, one per mapping frame that has one.
        var keys = MoveStack<YAMLNode>()
        /// By depth: anchors of open collections, key indexes of large mappings (key → its first
        /// position), keys seen more than once.
        var frameAnchors: [Int: String] = [:]
        var keyIndexes: [Int: [String: Int]] = [:]
        var duplicated: [Int: [String]] = [:]
        var root: YAMLNode?
        var budget = YAMLParser.nodeBudget
        /// The first anchor, merge-key or budget problem. Reported once the document has been read
        /// without syntax errors or duplicate keys; from then on values are no longer kept (keys
        /// are, for the duplicate check).
        var deferred: YAMLParseError?
        /// `deferred != nil`, checked for every value.
        var isDeferred = false
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
            return root.take()
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
                if let anchorPointer {
                    postpone(YAMLParser.anchorError(line: line, column: column))
                    frameAnchors[stack.count] = YAMLParser.string(anchorPointer)
                }
                let isFlow =
                    isMapping
                    ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                    : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                let start = isMapping ? entries.count : items.count
                stack.append(Frame(isMapping: isMapping, isFlow: isFlow, line: line, column: column, start: start))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return }
                let depth = stack.count
                let content: YAMLNode.Content
                if frame.isMapping {
                    if let duplicate = duplicateError(frame, depth: depth) { throw duplicate }
                    if frame.hasKeyIndex { keyIndexes[depth] = nil }
                    // libyaml gives every key a value; should one be missing, its key is dropped.
                    if frame.hasPendingKey { _ = keys.pop() }
                    content = .mapping(entries.take(from: frame.start))
                } else {
                    content = .sequence(items.take(from: frame.start))
                }
                if !frameAnchors.isEmpty, let anchor = frameAnchors.removeValue(forKey: depth) { anchors.insert(anchor) }
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
            guard !isDeferred else { return }
            deferred = error
            isDeferred = true
        }

        /// Puts a finished node into its parent (as key, value or item), or makes it the root.
        private mutating func add(_ node: consuming YAMLNode) throws(YAMLParseError) {
            let top = stack.count - 1
            guard top >= 0 else {
                root = node
                return
            }
            let frame = stack[top]
            guard frame.isMapping else {
                if !isDeferred { items.push(node) }
                return
            }
            guard frame.hasPendingKey else {
                noteKey(node, in: top)
                stack[top].hasPendingKey = true
                keys.push(node)
                return
            }
            stack[top].hasPendingKey = false
            if isDeferred {
                // Once a problem is deferred only keys matter: values become empty place holders.
                entries.push(YAMLEntry(keyNode: keys.pop(), value: YAMLNode(.scalar(YAMLScalar("")), line: 0, column: 0)))
            } else {
                entries.push(YAMLEntry(keyNode: keys.pop(), value: node))
            }
        }

        /// Checks a new key of the mapping `stack[depth]`: merge keys are refused, and a key
        /// written before is a duplicate.
        private mutating func noteKey(_ key: borrowing YAMLNode, in depth: Int) {
            guard case .scalar(let scalar) = key.content else { return }
            if scalar.style == .plain, scalar.text == "<<" {
                postpone(
                    YAMLParseError(
                        line: key.line, column: key.column, message: "YAML merge keys (<<) are not allowed",
                        hint: "write the fields out in full", rule: "yaml-anchor"))
            }
            noteKeyText(scalar.text, in: depth)
        }

        /// Records a duplicate when `text` is already a key of the mapping `stack[depth]`.
        private mutating func noteKeyText(_ text: String, in depth: Int) {
            let start = stack[depth].start
            let position = entries.count
            let seen: Bool
            if stack[depth].hasKeyIndex {
                seen = keyIndexes[depth]?[text] != nil
                if !seen { keyIndexes[depth]?[text] = position }
            } else {
                seen = (start..<position).contains { entries[$0].keyNode.hasScalarText(text) }
                if !seen, position - start >= YAMLParser.linearKeyScan {
                    var index: [String: Int] = [:]
                    index.reserveCapacity(4 * YAMLParser.linearKeyScan)
                    for offset in start..<position {
                        if case .scalar(let key) = entries[offset].keyNode.content, index[key.text] == nil {
                            index[key.text] = offset
                        }
                    }
                    index[text] = position
                    keyIndexes[depth] = index
                    stack[depth].hasKeyIndex = true
                }
            }
            if seen, duplicated[depth]?.contains(text) != true { duplicated[depth, default: []].append(text) }
        }

        /// The duplicate-key error for a mapping that has ended, if it has one. Several duplicated
        /// keys: the first in sort order is named, as Yams did.
        private mutating func duplicateError(_ frame: Frame, depth: Int) -> YAMLParseError? {
            guard !duplicated.isEmpty, let keys = duplicated.removeValue(forKey: depth), let key = keys.min() else {
                return nil
            }
            var lines: [Int] = []
            var column = 1
            for offset in frame.start..<entries.count where entries[offset].keyNode.hasScalarText(key) {
                if lines.isEmpty { column = entries[offset].keyNode.column }
                lines.append(entries[offset].keyNode.line)
            }
            var distinct: [Int] = []
            for line in lines where distinct.last != line { distinct.append(line) }
            let where_ = distinct.count >= 2 ? " (lines \(distinct.map(String.init).joined(separator: " and ")))" : ""
            return YAMLParseError(
                line: lines.last ?? 1, column: column, message: "duplicate key '\(key)'\(where_)",
                hint: "keep one '\(key)' entry and merge the values into it", rule: "yaml-duplicate-key")
        }
    }

    /// A stack whose top elements can be moved out into an array, without copying them (and so
    /// without retaining and releasing what they hold).
    private struct MoveStack<Element>: ~Copyable {
        private var base: UnsafeMutablePointer<Element>
        private var capacity = 32
        private(set) var count = 0

        init() {
            base = .allocate(capacity: capacity)
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        subscript(index: Int) -> Element {
            _read { yield base[index] }
        }

        mutating func push(_ element: consuming Element) {
            if count == capacity {
                let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
                grown.moveInitialize(from: base, count: count)
                base.deallocate()
                base = grown
                capacity *= 2
            }
            (base + count).initialize(to: element)
            count += 1
        }

        mutating func pop() -> Element {
            precondition(count > 0)
            count -= 1
            return (base + count).move()
        }

        /// Removes the elements from `start` on and returns them, in order.
        mutating func take(from start: Int) -> [Element] {
            let taken = count - start
            guard taken > 0 else { return [] }
            let source = base + start
            count = start
            return Array(unsafeUninitializedCapacity: taken) { buffer, initialized in
                buffer.baseAddress?.moveInitialize(from: source, count: taken)
                initialized = taken
            }
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
        // Most documents have no tab at all.
        guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "\t")), bytes.count) != nil else { return nil }
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
            let (readerLine, readerColumn) = PlanText.position(ofByte: parser.problem_offset, in: bytes)
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
}
