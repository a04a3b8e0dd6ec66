#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

/// Git's conflict markers, as they appear at the start of a line, and the one scanner that finds
/// them: validation (plans and YAML files), the change summary, the sync's "anything unresolved?"
/// check and `ConflictBlocks` all ask it.
///
/// A marker is what `git diff --check` calls one: seven `<`, `|` or `>` at the start of a line,
/// then the end of the line or a space (a label follows); or `=======` alone on its line (a longer
/// `=======…` line is a Markdown heading underline). `|||||||` (the base part of diff3-style
/// markers) is a marker like the others, inside a block or outside one.
///
/// Line numbers are 1-based and count lines the way `TextLines` cuts them (after each "\n").
public enum ConflictMarker {
    public enum Kind: Sendable { case ours, base, separator, theirs }

    /// One marker line of a text.
    public struct Line: Hashable, Sendable {
        public var line: Int
        public var kind: Kind
    }

    /// Every marker line of `text` (its UTF-8 bytes). `eachLine` is told each line's number and
    /// byte range (line break included) on the way, for callers that read the lines for more than
    /// markers (`PlanLines`), so that a file is walked once.
    @inline(__always)
    static func scan(
        _ text: UnsafeBufferPointer<UInt8>, eachLine: (_ number: Int, _ bytes: Range<Int>) -> Void = { _, _ in }
    ) -> (markers: [Line], lineCount: Int) {
        var markers: [Line] = []
        guard let base = text.baseAddress else { return ([], 0) }
        var count = 0
        var lineStart = 0
        while lineStart < text.count {
            let lineEnd: Int
            if let newline = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), text.count - lineStart) {
                lineEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            } else {
                lineEnd = text.count
            }
            count += 1
            if let kind = kind(ofLine: UnsafeBufferPointer(rebasing: text[lineStart..<lineEnd])) {
                markers.append(Line(line: count, kind: kind))
            }
            eachLine(count, lineStart..<lineEnd)
            lineStart = lineEnd
        }
        return (markers, count)
    }

    /// Every marker line of `text`.
    public static func markers(in text: String) -> [Line] {
        var text = text
        return text.withUTF8 { scan($0).markers }
    }

    /// Every marker line of `bytes`.
    public static func markers(in bytes: [UInt8]) -> [Line] {
        bytes.withUnsafeBufferPointer { scan($0).markers }
    }

    /// True when some line of `bytes` is a conflict marker (a fast scan; no decoding or parsing).
    public static func containsMarkerLine(_ bytes: [UInt8]) -> Bool {
        !markers(in: bytes).isEmpty
    }

    /// The kind of marker `line` is (a line of a text, with or without its line break).
    public static func kind(of line: Substring) -> Kind? {
        var line = line
        return line.withUTF8 { kind(ofLine: $0) }
    }

    /// The kind of marker a line is, from its bytes (line break included or not). Byte-wise: this
    /// is asked of every line of every plan, and most lines start with none of the four characters.
    @inline(__always)
    static func kind(ofLine line: UnsafeBufferPointer<UInt8>) -> Kind? {
        guard let first = line.first else { return nil }
        let kind: Kind
        switch first {
        case UInt8(ascii: "<"): kind = .ours
        case UInt8(ascii: "|"): kind = .base
        case UInt8(ascii: "="): kind = .separator
        case UInt8(ascii: ">"): kind = .theirs
        default: return nil
        }
        guard line.count >= 7 else { return nil }
        for index in 1..<7 where line[index] != first { return nil }
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        if kind == .separator {
            // Only line breaks after `=======`.
            for index in 7..<line.count where line[index] != newline && line[index] != carriageReturn { return nil }
            return kind
        }
        guard line.count > 7 else { return kind }
        switch line[7] {
        case newline, carriageReturn:
            return kind
        case UInt8(ascii: " "):
            // A space that a combining character joins is not a space on its own (the marker is
            // judged by characters, as text).
            if line.count > 8, line[8] >= 0x80 {
                let rest = String(decoding: UnsafeBufferPointer(rebasing: line[7...]), as: UTF8.self)
                return rest.first == " " ? kind : nil
            }
            return kind
        default:
            return nil
        }
    }

    /// One finding per conflict (from its `<<<<<<<` line to its `>>>>>>>` line), at its first line;
    /// a marker line outside a whole conflict is a finding of its own.
    static func findings(_ markers: [Line], path: String) -> [Finding] {
        var findings: [Finding] = []
        var opened: Int?
        var stray: [Int] = []
        func finding(_ line: Int, _ message: String) -> Finding {
            Finding(
                .error, rule: "conflict-marker", at: SourceLocation(file: path, line: line), message,
                why: "two people changed the same thing and the choice is still open",
                fix: "run 'abmsync conflicts' to see both versions, then 'abmsync resolve', or keep the right lines and delete the marker lines")
        }
        func flushStray() {
            findings += stray.map { finding($0, "unresolved merge conflict marker") }
            stray = []
        }
        for marker in markers {
            switch marker.kind {
            case .ours:
                if let start = opened { stray.append(start) }
                flushStray()
                opened = marker.line
            case .base, .separator:
                if opened == nil { stray.append(marker.line) }
            case .theirs:
                if let start = opened {
                    flushStray()
                    findings.append(finding(start, "unresolved merge conflict (lines \(start)–\(marker.line))"))
                    opened = nil
                } else {
                    stray.append(marker.line)
                }
            }
        }
        if let start = opened { stray.append(start) }
        flushStray()
        return findings.sorted { $0.location.line < $1.location.line }
    }
}
