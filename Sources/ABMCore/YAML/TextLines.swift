/// A text split into lines that keep their line breaks, so that any run of lines can be cut out
/// and put back byte for byte. Line numbers are 1-based.
public struct TextLines: Sendable {
    public let lines: [Substring]

    public init(_ text: String) {
        var result: [Substring] = []
        var start = text.startIndex
        var index = start
        let utf8 = text.utf8
        var u = utf8.startIndex
        while u != utf8.endIndex {
            if utf8[u] == UInt8(ascii: "\n") {
                let next = utf8.index(after: u)
                index = next
                result.append(text[start..<index])
                start = index
            }
            u = utf8.index(after: u)
        }
        if start != text.endIndex { result.append(text[start..<text.endIndex]) }
        lines = result
    }

    public var count: Int { lines.count }

    /// Line `number` (1-based), with its line break.
    public subscript(number: Int) -> Substring { lines[number - 1] }

    /// Lines `range` (1-based, half-open) joined back into text.
    public func text(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        var out = ""
        for number in range { out += lines[number - 1] }
        return out
    }

    /// The line break the file uses ("\r\n" when its first line ends so, "\n" otherwise).
    public var lineBreak: String {
        lines.first?.hasSuffix("\r\n") == true ? "\r\n" : "\n"
    }

    /// True when the line is empty or only whitespace.
    public func isBlank(_ number: Int) -> Bool {
        lines[number - 1].allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }

    /// True when the line holds only a YAML comment.
    public func isComment(_ number: Int) -> Bool {
        lines[number - 1].drop { $0 == " " || $0 == "\t" }.first == "#"
    }

    public func indentation(_ number: Int) -> Int {
        lines[number - 1].prefix { $0 == " " }.count
    }
}

/// The lines each entry of a block mapping occupies, so entries can be copied, replaced, removed
/// or added without touching the text of the others.
///
/// An entry owns the comment and blank lines just above its key, its key line and everything below
/// up to the last line of its value. Lines after the last entry belong to the mapping's `trailer`.
/// Concatenating `leader`, every entry, then `trailer` gives back the original lines exactly.
public struct YAMLMappingLayout: Sendable {
    public struct EntrySpan: Sendable, Hashable {
        public var key: String
        /// All lines of the entry, leading comments included (half-open, 1-based).
        public var lines: Range<Int>
        /// The line of the key itself.
        public var keyLine: Int
    }

    /// Lines before the first entry's leading comments (the parent key line is not included).
    public var leader: Range<Int>
    public var entries: [EntrySpan]
    public var trailer: Range<Int>
    /// Indentation (spaces) of the keys.
    public var indentation: Int

    /// Computes the layout of `mapping`, a block mapping whose lines are within `bounds`
    /// (for the root mapping: all lines; for a nested one: the lines of its parent entry after the key).
    public init?(mapping: YAMLNode, in text: TextLines, bounds: Range<Int>) {
        guard let entries = mapping.entries, !mapping.isFlow else { return nil }
        guard let first = entries.first else {
            leader = bounds
            self.entries = []
            trailer = bounds.upperBound..<bounds.upperBound
            indentation = 0
            return
        }
        indentation = first.keyNode.column - 1
        var spans: [EntrySpan] = []
        var contentEnds: [Int] = []
        for (index, entry) in entries.enumerated() {
            let nextKeyLine = index + 1 < entries.count ? entries[index + 1].keyNode.line : bounds.upperBound
            var end = nextKeyLine
            // Trailing blank lines and comments at or left of the key's indentation belong to the next entry.
            while end - 1 > entry.keyNode.line,
                text.isBlank(end - 1) || (text.isComment(end - 1) && text.indentation(end - 1) <= indentation)
            {
                end -= 1
            }
            contentEnds.append(end)
            spans.append(EntrySpan(key: entry.key, lines: entry.keyNode.line..<end, keyLine: entry.keyNode.line))
        }
        // Leading trivia: from the previous entry's content end (or the bounds start) up to the key.
        let firstStart = Self.leadingStart(keyLine: spans[0].keyLine, floor: bounds.lowerBound, text: text, indentation: indentation)
        leader = bounds.lowerBound..<firstStart
        spans[0].lines = firstStart..<spans[0].lines.upperBound
        for index in 1..<spans.count {
            spans[index].lines = contentEnds[index - 1]..<spans[index].lines.upperBound
        }
        self.entries = spans
        trailer = contentEnds[contentEnds.count - 1]..<bounds.upperBound
    }

    private static func leadingStart(keyLine: Int, floor: Int, text: TextLines, indentation: Int) -> Int {
        var start = keyLine
        while start - 1 >= floor, start - 1 >= 1,
            text.isBlank(start - 1) || (text.isComment(start - 1) && text.indentation(start - 1) <= indentation)
        {
            start -= 1
        }
        return start
    }

    public func span(for key: String) -> EntrySpan? {
        entries.first { $0.key == key }
    }
}
