/// One scan of a plan file's bytes: its lines as `TextLines` cuts them (after each "\n", the break
/// kept with its line), which of them are conflict markers (`ConflictMarker.scan`, which walks the
/// lines), and where the front matter and the body are. Plans are read by the thousand, so no
/// String is made per line. `PlanDocument` reads every plan text through it; the front matter rule
/// is `FrontMatter.Scanner`'s.
struct PlanLines {
    /// How many lines the text has (`TextLines.count`).
    private(set) var count = 0
    /// Lines that are leftover merge conflict markers, with their kind.
    private(set) var markers: [ConflictMarker.Line] = []
    private(set) var split = FrontMatter.Split.none
    /// Byte offsets of the YAML between the fences (empty without front matter) and of the body.
    private(set) var yaml = 0..<0
    private(set) var body: Range<Int>
    /// Byte offsets of the opening and closing fence lines (empty without front matter).
    private(set) var openingFence = 0..<0
    private(set) var closingFence = 0..<0

    /// Scans `text`: a file's bytes, checked as UTF-8 and without a byte order mark.
    init(_ text: UnsafeBufferPointer<UInt8>) {
        body = 0..<text.count
        var frontMatter = FrontMatter.Scanner()
        var yaml = 0..<0
        var body = 0..<text.count
        var openingFence = 0..<0
        var closingFence = 0..<0
        let scan = ConflictMarker.scan(text) { number, range in
            guard number == 1 || frontMatter.isOpen, frontMatter.line(number, text[range]) else { return }
            if number == 1 {
                openingFence = range
            } else {
                yaml = openingFence.upperBound..<range.lowerBound
                body = range.upperBound..<text.count
                closingFence = range
            }
        }
        let split = frontMatter.split
        count = scan.lineCount
        markers = scan.markers
        self.split = split
        self.yaml = yaml
        self.body = body
        self.openingFence = openingFence
        self.closingFence = closingFence
    }
}
