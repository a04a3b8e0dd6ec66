/// One conflict block left in a file by a merge, as abmsync's merge or plain git wrote it:
///
///     <<<<<<< ours — Acme Corp · stage (both changed)
///         stage: negotiation
///     ||||||| base — Acme Corp · stage          (only with diff3-style markers)
///         stage: evaluation
///     =======
///         stage: lost
///     >>>>>>> theirs — Acme Corp · stage
public struct ConflictBlock: Hashable, Sendable {
    public enum Side: String, Hashable, Sendable {
        case ours, theirs
    }

    /// The block's lines, from `<<<<<<<` through `>>>>>>>` (1-based, half-open).
    public var lines: Range<Int>
    /// The text after `<<<<<<< `, e.g. "ours — Acme Corp · stage (both changed)" or "HEAD".
    public var label: String
    /// Each side's lines, line breaks kept; empty when that side deleted the text.
    public var ours: String
    public var base: String?
    public var theirs: String
    /// What the block is about in plan terms, "Acme Corp · stage"; nil for plain git markers.
    public var subject: String?
    /// What collided ("both changed", "added on both sides", …) when abmsync's label says so.
    public var collision: String?

    /// The line of the `<<<<<<<` marker.
    public var line: Int { lines.lowerBound }

    /// True when abmsync's merge wrote the block (its label names the subject).
    public var isAbmsync: Bool { subject != nil }

    public func text(of side: Side) -> String { side == .ours ? ours : theirs }

    /// True when the subject is `name` or starts with `name · ` (an account's fields, a plan's sections).
    public func concerns(_ name: String) -> Bool {
        guard let subject, !name.isEmpty else { return false }
        return subject == name || subject.hasPrefix(name + " · ")
    }

    /// What collided, in words, for any block.
    public var collisionDescription: String {
        if let collision { return collision }
        if ours.isEmpty { return "deleted in ours, changed in theirs" }
        if theirs.isEmpty { return "changed in ours, deleted in theirs" }
        return "both changed"
    }

    /// A side's value, short and on one line: `lost` for a one-line field `    stage: lost`,
    /// the first lines joined with ` / ` otherwise, "(deleted)" when the side is empty.
    /// The last part of the subject, the field name for a field conflict ("stage").
    private var field: String? {
        subject.flatMap { $0.split(separator: " · ", omittingEmptySubsequences: false).last.map(String.init) }
    }

    /// For several lines, only those that differ between the sides (see `MergeConflict.summary`).
    public func shortValue(_ side: Side, limit: Int = 60) -> String {
        shortParts(limit: limit)[side == .ours ? 0 : 1] ?? "(deleted)"
    }

    public func shortBase(limit: Int = 60) -> String? {
        base == nil ? nil : shortParts(limit: limit)[2]
    }

    private func shortParts(limit: Int) -> [String?] {
        let texts = [ours, theirs, base]
        let empty = { (text: String?) in text.map { $0.allSatisfy(\.isWhitespace) } ?? true }
        guard texts.contains(where: { text in
            text.map { $0.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }.count > 1 } ?? false
        })
        else {
            return texts.map { text in text.map { Self.shorten($0, field: field, limit: limit) } }
        }
        // A deleted side is "(deleted)", not a diff against the others.
        let parts = MergeConflict.differingParts(texts.map { empty($0) ? nil : $0 }, field: field, limit: limit)
        return zip(texts, parts).map { text, part in text == nil ? nil : part ?? "(deleted)" }
    }

    static func shorten(_ raw: String, field: String?, limit: Int) -> String {
        let blank: Set<Character> = [" ", "\t", "\r"]
        var lines: [String] = []
        for line in TextLines(raw).lines {
            var trimmed = line.droppingLineBreak.drop { blank.contains($0) }
            while let last = trimmed.last, blank.contains(last) { trimmed = trimmed.dropLast() }
            if !trimmed.isEmpty { lines.append(String(trimmed)) }
        }
        guard !lines.isEmpty else { return "(deleted)" }
        if lines.count == 1, let field {
            let conflict = MergeConflict(
                file: "", path: [field], kind: .bothChanged, base: nil, ours: nil, theirs: nil, line: 0)
            let value = conflict.displayValue(lines[0])
            if value != lines[0] { return clip(value, limit) }
        }
        return clip(lines.joined(separator: " / "), limit)
    }

    private static func clip(_ text: String, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }
}

/// Why the conflict blocks of a text cannot be read safely.
public struct ConflictBlockError: Error, Hashable, Sendable {
    /// The line of the offending marker.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// Finds and settles conflict blocks in a text. Text outside the blocks is kept byte for byte
/// (CRLF included); a settled block is replaced by exactly the lines of the chosen side.
public enum ConflictBlocks {
    /// Every block in `text`, in order. Throws on a block that is nested, never closed, or has a
    /// marker out of place: settling such a text would be a guess.
    public static func find(in text: String) throws(ConflictBlockError) -> [ConflictBlock] {
        try find(in: TextLines(text), markers: ConflictMarker.markers(in: text))
    }

    /// The blocks of `lines`, whose marker lines are `markers` (`ConflictMarker.markers` of their text).
    private static func find(in lines: TextLines, markers: [ConflictMarker.Line]) throws(ConflictBlockError)
        -> [ConflictBlock]
    {
        enum Part { case ours, base, theirs }
        struct Open {
            var start: Int
            var label: String
            var part: Part
            var ours = ""
            var base: String?
            var theirs = ""
        }
        var blocks: [ConflictBlock] = []
        var open: Open?
        var nextMarker = 0
        for number in 1..<(lines.count + 1) {
            let line = lines[number]
            var kind: ConflictMarker.Kind?
            if nextMarker < markers.count, markers[nextMarker].line == number {
                kind = markers[nextMarker].kind
                nextMarker += 1
            }
            guard var block = open else {
                switch kind {
                case .ours?:
                    open = Open(start: number, label: label(line), part: .ours)
                case .base?:
                    throw ConflictBlockError(line: number, message: "a '|||||||' marker outside any conflict block")
                case .theirs?:
                    throw ConflictBlockError(
                        line: number, message: "a '>>>>>>>' marker without the '<<<<<<<' that opens its block")
                case .separator?, nil:
                    // A lone '=======' is Markdown (a heading underline), not a marker.
                    break
                }
                continue
            }
            switch (kind, block.part) {
            case (.ours?, _):
                throw ConflictBlockError(
                    line: number,
                    message: "a conflict block opens inside the block opened at line \(block.start) (nested conflict)")
            case (.base?, .ours):
                block.part = .base
                block.base = ""
            case (.base?, _):
                throw ConflictBlockError(
                    line: number, message: "a '|||||||' marker out of place in the block opened at line \(block.start)")
            case (.separator?, .ours), (.separator?, .base):
                block.part = .theirs
            case (.separator?, .theirs):
                throw ConflictBlockError(
                    line: number, message: "a second '=======' marker in the block opened at line \(block.start)")
            case (.theirs?, .theirs):
                let (subject, collision) = describe(label: block.label)
                blocks.append(
                    ConflictBlock(
                        lines: block.start..<(number + 1), label: block.label, ours: block.ours, base: block.base,
                        theirs: block.theirs, subject: subject, collision: collision))
                open = nil
                continue
            case (.theirs?, _):
                throw ConflictBlockError(
                    line: number,
                    message: "the block opened at line \(block.start) ends without a '=======' between the two sides")
            case (nil, .ours): block.ours += line
            case (nil, .base): block.base = (block.base ?? "") + line
            case (nil, .theirs): block.theirs += line
            }
            open = block
        }
        if let block = open {
            throw ConflictBlockError(
                line: block.start, message: "the conflict block opened here is never closed (no '>>>>>>>' line)")
        }
        return blocks
    }

    /// The text with every block that `choice` picks a side for replaced by that side; other blocks
    /// stay as they are. Also returns the blocks settled, with the side kept.
    public static func settle(_ text: String, choice: (ConflictBlock) -> ConflictBlock.Side?)
        throws(ConflictBlockError) -> (text: String, settled: [(block: ConflictBlock, kept: ConflictBlock.Side)])
    {
        let lines = TextLines(text)
        let blocks = try find(in: lines, markers: ConflictMarker.markers(in: text))
        var settled: [(block: ConflictBlock, kept: ConflictBlock.Side)] = []
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var next = 1
        for block in blocks {
            guard let side = choice(block) else { continue }
            out += lines.text(next..<block.lines.lowerBound)
            out += block.text(of: side)
            next = block.lines.upperBound
            settled.append((block, side))
        }
        guard !settled.isEmpty else { return (text, []) }
        out += lines.text(next..<(lines.count + 1))
        return (out, settled)
    }

    /// The text with every block settled to `side` (for reading a conflicted file one way or the other).
    public static func allSettled(_ text: String, to side: ConflictBlock.Side) throws(ConflictBlockError) -> String {
        try settle(text, choice: { _ in side }).text
    }

    /// The label after the marker, without its line break.
    private static func label(_ line: Substring) -> String {
        var rest = line.dropFirst(7).droppingLineBreak
        if rest.last == "\r" { rest = rest.dropLast() }
        if rest.first == " " { rest = rest.dropFirst() }
        return String(rest)
    }

    /// abmsync's label "ours — Acme Corp · stage (both changed)" → ("Acme Corp · stage", "both changed").
    static func describe(label: String) -> (subject: String?, collision: String?) {
        let prefix = "ours — "
        guard label.hasPrefix(prefix) else { return (nil, nil) }
        let rest = String(label.dropFirst(prefix.count))
        for collision in knownCollisions where rest.hasSuffix(" (\(collision))") {
            return (String(rest.dropLast(collision.count + 3)), collision)
        }
        return (rest.isEmpty ? nil : rest, nil)
    }

    /// Every `MergeConflict.kindDescription`, as abmsync's merge writes them after the subject.
    static let knownCollisions: [String] = [
        "both changed", "deleted in ours, changed in theirs", "changed in ours, deleted in theirs",
        "added on both sides",
    ]
}

extension ConflictBlocks {
    /// Account id → its display names in a possibly conflicted accounts.yaml: ours' and theirs'
    /// (both, when the name itself is in conflict), the id when an entry has no name.
    public static func accountNames(inAccountList text: String) -> [String: [String]] {
        var names: [String: [String]] = [:]
        for side in [ConflictBlock.Side.ours, .theirs] {
            guard let settled = try? allSettled(text, to: side), let root = try? YAMLParser.parse(settled),
                let entries = root["accounts"]?.entries
            else { continue }
            for entry in entries {
                let name = entry.value["name"]?.scalar?.text ?? ""
                let display = name.isEmpty ? entry.key : name
                if !(names[entry.key] ?? []).contains(display) { names[entry.key, default: []].append(display) }
            }
        }
        return names
    }

    /// Why `text` (the content of `path` after settling) cannot be read as that file, nil when it can:
    /// YAML data files and plan front matter must parse; other files are not abmsync's to judge.
    public static func readingProblem(path: String, text: String) -> ConflictBlockError? {
        switch StructuredMerge.fileKind(of: path) {
        case .text:
            return nil
        case .yamlData:
            do {
                _ = try YAMLParser.parse(text)
                return nil
            } catch {
                return ConflictBlockError(line: error.line, message: error.message)
            }
        case .plan:
            let document = PlanDocument(text)
            switch document.frontMatter {
            case .none:
                return nil
            case .unterminated:
                return ConflictBlockError(line: 1, message: "the front matter opened with '---' is never closed")
            case .found(let yaml, _):
                do {
                    _ = try YAMLParser.parse(TextLines(text).text(yaml))
                    return nil
                } catch {
                    return ConflictBlockError(line: error.line + yaml.lowerBound - 1, message: error.message)
                }
            }
        }
    }
}
