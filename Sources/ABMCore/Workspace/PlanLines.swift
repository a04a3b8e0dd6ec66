/// One scan of a plan file's bytes: its lines as `TextLines` cuts them (after each "\n", the break
/// kept with its line), which of them are conflict markers (`ConflictMarker.scan`, which walks the
/// lines), and where the front matter and the body are. Plans are read by the thousand, so no
/// String is made per line. `PlanDocument` reads every plan text through it.
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
        var yamlStart: Int?
        var split = FrontMatter.Split.none
        var yaml = 0..<0
        var body = 0..<text.count
        var openingFence = 0..<0
        var closingFence = 0..<0
        let scan = ConflictMarker.scan(text) { number, range in
            let line = text[range]
            if number == 1 {
                if FrontMatter.isFence(line, allowDots: false) {
                    split = .unterminated
                    yamlStart = range.upperBound
                    openingFence = range
                }
            } else if let start = yamlStart, split == .unterminated, FrontMatter.isFence(line, allowDots: true) {
                split = .found(yaml: 2..<number, bodyStart: number + 1)
                yaml = start..<range.lowerBound
                body = range.upperBound..<text.count
                closingFence = range
            }
        }
        count = scan.lineCount
        markers = scan.markers
        self.split = split
        self.yaml = yaml
        self.body = body
        self.openingFence = openingFence
        self.closingFence = closingFence
    }
}
