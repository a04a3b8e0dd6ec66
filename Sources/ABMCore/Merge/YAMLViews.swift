/// One side's view of a block mapping: its entries with the lines they occupy.
struct MappingView {
    let lines: TextLines
    let layout: YAMLMappingLayout
    let entries: [EntryView]

    /// Nil when the mapping cannot be cut into entries (flow style, non-text or repeated keys).
    init?(node: YAMLNode, lines: TextLines, bounds: Range<Int>) {
        guard !isFlowCollection(node, in: lines), let nodeEntries = node.entries,
            let layout = YAMLMappingLayout(mapping: node, in: lines, bounds: bounds),
            layout.entries.count == nodeEntries.count
        else { return nil }
        var seen: Set<String> = []
        var entries: [EntryView] = []
        for (entry, span) in zip(nodeEntries, layout.entries) {
            guard entry.keyNode.scalar != nil, seen.insert(entry.key).inserted else { return nil }
            entries.append(EntryView(key: entry.key, value: entry.value, span: span.lines, keyLine: span.keyLine, lines: lines))
        }
        self.lines = lines
        self.layout = layout
        self.entries = entries
    }

    /// The root mapping of a document (an empty document is an empty mapping).
    init?(document: YAMLNode?, lines: TextLines) {
        let node = document ?? YAMLNode(.mapping([]), line: 1, column: 1)
        self.init(node: node, lines: lines, bounds: 1..<(lines.count + 1))
    }

    var leaderText: String { lines.text(layout.leader) }
    var trailerText: String { lines.text(layout.trailer) }
    var keys: [String] { entries.map(\.key) }
}

/// One `key: value` entry of a block mapping in one side's text.
struct EntryView {
    let key: String
    let value: YAMLNode
    /// Leading comments and blank lines, key line and value (half-open, 1-based).
    let span: Range<Int>
    let keyLine: Int
    let lines: TextLines

    var full: String { lines.text(span) }
    var leading: String { lines.text(span.lowerBound..<keyLine) }
    /// The key line and the value, without the leading comments.
    var body: String { lines.text(keyLine..<span.upperBound) }
    var keyLineText: String { lines.text(keyLine..<(keyLine + 1)) }
    var valueIsFlow: Bool { isFlowCollection(value, in: lines) }

    /// The value's lines below the key line, when the value is a block collection.
    private var valueBounds: Range<Int>? {
        guard !valueIsFlow, value.line > keyLine, keyLine + 1 <= span.upperBound else { return nil }
        return (keyLine + 1)..<span.upperBound
    }

    var nestedMapping: MappingView? {
        guard value.entries != nil, let bounds = valueBounds else { return nil }
        return MappingView(node: value, lines: lines, bounds: bounds)
    }

    var nestedSequence: SequenceView? {
        guard value.items != nil, let bounds = valueBounds else { return nil }
        return SequenceView(node: value, lines: lines, bounds: bounds)
    }
}

/// One side's view of a block sequence: the lines of each item, leading comments included.
struct SequenceView {
    struct Item {
        let node: YAMLNode
        /// Leading comments and blank lines, the `-` line and the rest of the item.
        let span: Range<Int>
        let dashLine: Int
        let lines: TextLines

        var full: String { lines.text(span) }
        var leading: String { lines.text(span.lowerBound..<dashLine) }
        var body: String { lines.text(dashLine..<span.upperBound) }

        /// The item as a mapping, when it is one (`- name: Dana` and its following lines).
        var mapping: MappingView? {
            guard node.entries != nil else { return nil }
            return MappingView(node: node, lines: lines, bounds: dashLine..<span.upperBound)
        }
    }

    let lines: TextLines
    let leader: Range<Int>
    let items: [Item]
    let trailer: Range<Int>

    init?(node: YAMLNode, lines: TextLines, bounds: Range<Int>) {
        guard !isFlowCollection(node, in: lines), let nodes = node.items, bounds.lowerBound >= 1, bounds.upperBound <= lines.count + 1
        else { return nil }
        let indentation = node.column - 1
        func isDash(_ number: Int) -> Bool {
            let line = lines[number]
            guard line.prefix(while: { $0 == " " }).count == indentation else { return false }
            let rest = line.dropFirst(indentation)
            guard rest.first == "-" else { return false }
            let after = rest.dropFirst().first
            return after == nil || after == " " || after == "\n" || after == "\r\n"
        }
        func isTrivia(_ number: Int) -> Bool {
            lines.isBlank(number) || (lines.isComment(number) && lines.indentation(number) <= indentation)
        }
        var dashLines: [Int] = []
        var floor = bounds.lowerBound
        for item in nodes {
            var line = min(item.line, bounds.upperBound - 1)
            while line >= floor, !isDash(line) { line -= 1 }
            guard line >= floor else { return nil }
            dashLines.append(line)
            floor = line + 1
        }
        var spans: [Range<Int>] = []
        var contentEnds: [Int] = []
        for index in dashLines.indices {
            var end = index + 1 < dashLines.count ? dashLines[index + 1] : bounds.upperBound
            while end - 1 > dashLines[index], isTrivia(end - 1) { end -= 1 }
            contentEnds.append(end)
        }
        for index in dashLines.indices {
            let floor = index == 0 ? bounds.lowerBound : contentEnds[index - 1]
            var start = dashLines[index]
            while start - 1 >= floor, isTrivia(start - 1) { start -= 1 }
            spans.append(start..<contentEnds[index])
        }
        self.lines = lines
        leader = bounds.lowerBound..<(spans.first?.lowerBound ?? bounds.upperBound)
        trailer = (contentEnds.last ?? bounds.upperBound)..<bounds.upperBound
        items = zip(nodes, zip(spans, dashLines)).map { Item(node: $0, span: $1.0, dashLine: $1.1, lines: lines) }
    }

    var leaderText: String { lines.text(leader) }
    var trailerText: String { lines.text(trailer) }
}

/// Whether two nodes hold the same data, wherever they are and however they are written.
/// Plain and quoted scalars differ when the plain one is not text (`1` is a number, `'1'` text);
/// mapping order does not matter.
func sameData(_ a: YAMLNode?, _ b: YAMLNode?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    switch (a.content, b.content) {
    case (.scalar(let x), .scalar(let y)):
        if x.isNull && y.isNull { return true }
        guard x.text == y.text, x.tag == y.tag else { return false }
        // `Acme` and `"Acme"` are the same text; `1` (a number) and `'1'` (text) are not.
        return (x.style == .plain) == (y.style == .plain) || !readsAsNonText(x.text)
    case (.mapping(let x), .mapping(let y)):
        guard x.count == y.count else { return false }
        for (position, entry) in x.enumerated() {
            // Same order is the common case: look at the same position before searching.
            let other = y[position].key == entry.key ? y[position] : y.first { $0.key == entry.key }
            guard let other, sameData(entry.value, other.value) else { return false }
        }
        return true
    case (.sequence(let x), .sequence(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameData($0, $1) }
    default:
        return false
    }
}

/// True when a plain scalar with this text reads as a number, a boolean or null rather than as text.
func readsAsNonText(_ text: String) -> Bool {
    let lower = text.lowercased()
    if ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", ".nan"].contains(lower) {
        return true
    }
    return Double(lower) != nil || lower.hasPrefix("0x") || lower.hasPrefix("0o")
}

/// The field that identifies the items of a list of mappings (`id`, else `name`), when every item
/// on every side has it, as a distinct plain value.
func identityField(of lists: [[YAMLNode]]) -> String? {
    for field in ["id", "name"] {
        let usable = lists.allSatisfy { items in
            var seen: Set<String> = []
            return items.allSatisfy { item in
                guard let text = item[field]?.scalar?.text, !text.isEmpty else { return false }
                return seen.insert(text).inserted
            }
        }
        if usable { return field }
    }
    return nil
}

/// The items of a list when they are all distinct scalars.
func scalarItems(_ node: YAMLNode?) -> [String]? {
    guard let items = node?.items else { return nil }
    var seen: Set<String> = []
    var result: [String] = []
    for item in items {
        guard let scalar = item.scalar, seen.insert(scalar.text).inserted else { return nil }
        result.append(scalar.text)
    }
    return result
}

/// True for a `[…]` or `{…}` collection. Read from the text: the parsed node's `isFlow` is not
/// reliable (Yams takes the style from the collection's end event, which carries none).
func isFlowCollection(_ node: YAMLNode, in lines: TextLines) -> Bool {
    if node.isFlow { return true }
    guard node.scalar == nil, node.line >= 1, node.line <= lines.count, node.column >= 1 else { return false }
    let scalars = lines[node.line].unicodeScalars
    guard let index = scalars.index(scalars.startIndex, offsetBy: node.column - 1, limitedBy: scalars.endIndex),
        index < scalars.endIndex
    else { return false }
    return scalars[index] == "[" || scalars[index] == "{"
}
