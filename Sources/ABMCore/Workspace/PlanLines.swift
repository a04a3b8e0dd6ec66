#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

/// One scan of a plan file's bytes: its lines as `TextLines` cuts them (after each "\n", the break
/// kept with its line), which of them are conflict markers, and where the front matter and the
/// body are (`FrontMatter.split`). Plans are read by the thousand, so no String is made per line.
struct PlanLines {
    /// How many lines the text has (`TextLines.count`).
    private(set) var count = 0
    /// Lines that are leftover merge conflict markers, with their kind.
    private(set) var markers: [(line: Int, kind: ConflictMarker.Kind)] = []
    private(set) var split = FrontMatter.Split.none
    /// Byte offsets of the YAML between the fences (empty without front matter) and of the body.
    private(set) var yaml = 0..<0
    private(set) var body: Range<Int>

    /// Scans `text`: a file's bytes, checked as UTF-8 and without a byte order mark.
    init(_ text: UnsafeBufferPointer<UInt8>) {
        body = 0..<text.count
        guard let base = text.baseAddress else { return }
        var yamlStart: Int?
        var lineStart = 0
        while lineStart < text.count {
            let lineEnd: Int
            if let newline = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), text.count - lineStart) {
                lineEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            } else {
                lineEnd = text.count
            }
            count += 1
            let line = text[lineStart..<lineEnd]
            if let first = line.first,
                first == UInt8(ascii: "<") || first == UInt8(ascii: "=") || first == UInt8(ascii: ">"),
                let kind = ConflictMarker.kind(of: Substring(String(decoding: line, as: UTF8.self)))
            {
                markers.append((count, kind))
            }
            if count == 1 {
                if FrontMatter.isFence(line, allowDots: false) {
                    split = .unterminated
                    yamlStart = lineEnd
                }
            } else if let start = yamlStart, split == .unterminated, FrontMatter.isFence(line, allowDots: true) {
                split = .found(yaml: 2..<count, bodyStart: count + 1)
                yaml = start..<lineStart
                body = lineEnd..<text.count
            }
            lineStart = lineEnd
        }
    }
}
