/// One YAML file as abmsync cuts it: its bytes, its nodes (`YAMLParser`) and the entries of the block
/// mapping under a top-level key (accounts.yaml's `accounts:`) as spans.
///
/// **Line convention**: every line number this type gives (`YAMLEntrySpan.keyLine`, `.lines`) is a
/// 1-based line of the file, as in `YAMLNode`, `YAMLMappingLayout` and every finding; ranges of lines
/// are half-open (`first..<(last + 1)`). Byte ranges are offsets into `bytes`.
///
/// `entries(under:)` tries a line scan first (a private shortcut for a plain subset of YAML, the one
/// the merge's fast path vouches for) and parses the file when the scan is unsure; both give the
/// same spans (`YAMLDocumentTests`).
public struct YAMLDocument: Sendable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The nodes of the document (nil for an empty one).
    public func parse() throws(YAMLParseError) -> YAMLNode? {
        try bytes.withUnsafeBufferPointer { buffer throws(YAMLParseError) in try YAMLParser.parse(utf8: buffer) }
    }

    /// The entries of the block mapping under top-level key `containerKey`, in file order; nil when
    /// the file does not parse, has no such block mapping, or repeats a key in it.
    public func entries(under containerKey: String) -> [YAMLEntrySpan]? {
        if let scan = KeyedBlockScan(bytes: bytes, containerKey: containerKey) {
            return Self.spans(of: scan)
        }
        return parsedEntries(under: containerKey)
    }

    /// The scan's entries as 1-based spans (the scan counts lines from 0).
    private static func spans(of scan: KeyedBlockScan) -> [YAMLEntrySpan] {
        scan.entries.map { entry in
            YAMLEntrySpan(
                key: entry.key, keyLine: entry.keyLine + 1, lines: (entry.lines.lowerBound + 1)..<(entry.lines.upperBound + 1),
                bytes: scan.byteRange(entry.lines), contentBytes: scan.byteRange(entry.keyLine..<entry.lines.upperBound))
        }
    }

    /// The same spans from a full parse and `YAMLMappingLayout` (internal: the differential test
    /// holds the scan to it).
    func parsedEntries(under containerKey: String) -> [YAMLEntrySpan]? {
        guard String(validating: bytes, as: UTF8.self) != nil, let root = (try? parse()) ?? nil,
            let rootEntries = root.entries, !root.isFlow, let container = rootEntries.first(where: { $0.key == containerKey }),
            let mapping = container.value.entries, !mapping.isEmpty
        else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = TextLines(text)
        guard !isFlowCollection(container.value, in: lines),
            let rootLayout = YAMLMappingLayout(mapping: root, in: lines, bounds: 1..<(lines.count + 1)),
            let containerSpan = rootLayout.span(for: containerKey),
            let layout = YAMLMappingLayout(
                mapping: container.value, in: lines, bounds: (containerSpan.keyLine + 1)..<containerSpan.lines.upperBound),
            layout.entries.count == mapping.count
        else { return nil }
        var starts = [0]
        starts.reserveCapacity(lines.count + 1)
        for line in lines.lines { starts.append(starts[starts.count - 1] + line.utf8.count) }
        var seen: Set<String> = []
        var spans: [YAMLEntrySpan] = []
        for (entry, span) in zip(mapping, layout.entries) {
            guard entry.keyNode.scalar != nil, seen.insert(entry.key).inserted else { return nil }
            spans.append(
                YAMLEntrySpan(
                    key: entry.key, keyLine: span.keyLine, lines: span.lines,
                    bytes: starts[span.lines.lowerBound - 1]..<starts[span.lines.upperBound - 1],
                    contentBytes: starts[span.keyLine - 1]..<starts[span.lines.upperBound - 1]))
        }
        return spans
    }
}

/// One entry of a block mapping in a `YAMLDocument` (lines 1-based, half-open).
public struct YAMLEntrySpan: Sendable, Hashable {
    public var key: String
    /// The line of the key.
    public var keyLine: Int
    /// Leading comments and blank lines, the key line and the value.
    public var lines: Range<Int>
    /// The bytes of `lines`.
    public var bytes: Range<Int>
    /// The bytes from the key line to the entry's last line (its text without leading comments).
    public var contentBytes: Range<Int>
}
