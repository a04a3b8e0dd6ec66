/// A plan file cut into its parts: the front matter, and the body's headings and sections. This is
/// the one place that says what counts as front matter (a `---` line 1 up to the next `---` or
/// `...` line; a byte order mark, trailing blanks and CRLF allowed on a fence) and what counts as a
/// heading (what cmark-gfm parses as one in the body only: ATX and setext headings, never a line in
/// a fenced code block nor the front matter's fences). The loader, the change summary, the plan
/// merge and the reader of settled conflicts all read plans through it.
///
/// Line numbers are the file's, 1-based, half-open ranges (as in findings).
public struct PlanDocument: Sendable {
    public typealias Heading = MarkdownOutline.Heading

    /// A run of body lines: the part above the first heading (`heading` nil), or a heading and the
    /// lines under it up to the next heading of the same or a higher level (at most `##`).
    public struct Part: Sendable, Hashable {
        public var heading: Heading?
        /// Lines of the part, its heading line included (half-open, 1-based).
        public var lines: Range<Int>
    }

    /// How many lines the file has (`TextLines.count`: a last line without a break counts).
    public let lineCount: Int
    /// Where the front matter is: its YAML lines and the body's first line.
    public let frontMatter: FrontMatter.Split
    /// Byte offsets (in the text given) of the front matter's YAML between the fences, of the
    /// fence lines, and of the body. Empty without front matter; with unclosed front matter the
    /// body is the whole text.
    public let yamlBytes: Range<Int>
    public let openingFenceBytes: Range<Int>
    public let closingFenceBytes: Range<Int>
    public let bodyBytes: Range<Int>
    /// The body as cmark-gfm parses it, numbered by file line.
    public let outline: MarkdownOutline
    /// The parts of the body cut at every `#` and `##` heading, in order; the first is the part
    /// above the first heading (possibly empty).
    public let parts: [Part]

    /// The first line after the front matter (1 without front matter, or when it is not closed).
    public var bodyStartLine: Int {
        if case .found(_, let body) = frontMatter { return body }
        return 1
    }

    /// The `##` sections, each up to the next `#` or `##` heading: what a plan's sections are.
    public var sections: [Part] { parts.filter { $0.heading?.level == 2 } }

    /// The plan's title: its first `#` heading.
    public var title: String? { outline.headings.first { $0.level == 1 }?.title }

    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { PlanDocument(utf8: $0, lines: PlanLines($0)) }
    }

    /// The document of `text` (UTF-8 bytes) whose lines `lines` has scanned.
    init(utf8 text: UnsafeBufferPointer<UInt8>, lines: PlanLines) {
        lineCount = lines.count
        frontMatter = lines.split
        yamlBytes = lines.yaml
        openingFenceBytes = lines.openingFence
        closingFenceBytes = lines.closingFence
        bodyBytes = lines.body
        let bodyStart: Int
        if case .found(_, let body) = lines.split { bodyStart = body } else { bodyStart = 1 }
        outline = MarkdownOutline(utf8: UnsafeBufferPointer(rebasing: text[lines.body]), lineOffset: bodyStart - 1)
        let headings = outline.headings.filter { $0.level <= 2 && $0.line <= lines.count }
        var parts: [Part] = []
        parts.reserveCapacity(headings.count + 1)
        parts.append(Part(heading: nil, lines: bodyStart..<(headings.first?.line ?? (lines.count + 1))))
        for (index, heading) in headings.enumerated() {
            let end = index + 1 < headings.count ? headings[index + 1].line : lines.count + 1
            parts.append(Part(heading: heading, lines: heading.line..<end))
        }
        self.parts = parts
    }
}

/// Front matter: where it is in a file's lines.
public enum FrontMatter {
    /// If the text starts with a `---` line, the lines of YAML up to the closing `---` or `...`
    /// (half-open, 1-based) and the first line after the closing fence. `.none` when there is no
    /// front matter; `.unterminated` when the opening fence is never closed.
    public enum Split: Equatable, Sendable {
        case none
        case found(yaml: Range<Int>, bodyStart: Int)
        case unterminated
    }

    public static func split(_ lines: TextLines) -> Split {
        var scanner = Scanner()
        var number = 1
        while number <= lines.count, scanner.isOpen || number == 1 {
            scanner.line(number, lines[number].utf8)
            number += 1
        }
        return scanner.split
    }

    /// The rule, fed one line at a time (its bytes, break included) by whoever walks the lines.
    struct Scanner {
        private(set) var split = Split.none
        /// Whether the front matter is opened and not yet closed (later lines may close it).
        var isOpen: Bool { split == .unterminated }

        /// Reads line `number`; returns whether it is the opening (`true` on line 1) or the
        /// closing fence.
        @discardableResult
        mutating func line<Line: BidirectionalCollection<UInt8>>(_ number: Int, _ line: Line) -> Bool
        where Line.SubSequence == Line {
            if number == 1 {
                guard isFence(line, allowDots: false) else { return false }
                split = .unterminated
                return true
            }
            guard isOpen, isFence(line, allowDots: true) else { return false }
            split = .found(yaml: 2..<number, bodyStart: number + 1)
            return true
        }
    }

    /// Whether a line (its bytes, line break included) is a fence: `---`, or also `...` when
    /// `allowDots`.
    static func isFence<Line: BidirectionalCollection<UInt8>>(_ line: Line, allowDots: Bool) -> Bool
    where Line.SubSequence == Line {
        // Byte-wise: this runs on every line of every plan. Most lines start with neither a fence
        // character nor a byte order mark.
        guard let lead = line.first, lead == UInt8(ascii: "-") || lead == UInt8(ascii: ".") || lead == 0xEF else {
            return false
        }
        var bytes = line
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 {
            bytes = bytes.dropLast()
        }
        guard bytes.count == 3, let first = bytes.first else { return false }
        guard first == UInt8(ascii: "-") || (allowDots && first == UInt8(ascii: ".")) else { return false }
        return bytes.allSatisfy { $0 == first }
    }
}
