import Testing

@testable import ABMCore

/// Plans are read from their bytes (no String per file or line); what the byte-level pieces decide
/// must be what the String-based ones decide.
@Suite struct PlanBytesTests {
    /// Byte sequences around every boundary of table 3-7, and random mixes of them.
    static let pieces: [[UInt8]] = [
        Array("plain ascii text ".utf8), [0x0A], [0x7F], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF],
        [0xE0, 0x9F, 0x80], [0xE0, 0xA0, 0x80], [0xE1, 0x80, 0x80], [0xEC, 0xBF, 0xBF], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xEF, 0xBB, 0xBF], [0xF0, 0x8F, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80],
        [0xF3, 0xBF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF],
        [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3], Array("é—ü".utf8), Array("12345678".utf8),
    ]

    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var random = PlanCorpus.Random(state: 7)
        for round in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(6) { bytes += random.pick(Self.pieces) }
            if round % 3 == 0 { bytes += (0..<random.below(24)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            #expect(bytes.withUnsafeBufferPointer(PlanText.isValidUTF8) == expected, "\(bytes)")
        }
    }

    @Test func lineScanAgreesWithTextLinesAndFrontMatterSplit() {
        let lines = [
            "---", "--- ", "---\r", "...", "\u{FEFF}---", "----", "a: 1", "", "<<<<<<< ours", "=======", ">>>>>>> theirs",
            "=======x", "<<<<<<<", "> quote", "# Title", "\r", "é",
        ]
        var random = PlanCorpus.Random(state: 11)
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<random.below(8) {
                text += random.pick(lines)
                text += random.pick(["\n", "\n", "\r\n", ""])
            }
            let bytes = Array(text.utf8)
            let textLines = TextLines(text)
            var markers: [Int] = []
            for number in stride(from: 1, through: textLines.count, by: 1) where ConflictMarker.kind(of: textLines[number]) != nil {
                let first = textLines[number].utf8.first
                if first == UInt8(ascii: "<") || first == UInt8(ascii: "=") || first == UInt8(ascii: ">") { markers.append(number) }
            }
            bytes.withUnsafeBufferPointer { buffer in
                let scan = PlanLines(buffer)
                #expect(scan.count == textLines.count, "\(text.debugDescription)")
                #expect(scan.markers.map(\.line) == markers, "\(text.debugDescription)")
                let split = FrontMatter.split(textLines)
                #expect(scan.split == split, "\(text.debugDescription)")
                if case .found(let yaml, let body) = split {
                    #expect(String(decoding: buffer[scan.yaml], as: UTF8.self) == textLines.text(yaml))
                    #expect(String(decoding: buffer[scan.body], as: UTF8.self) == textLines.text(body..<(textLines.count + 1)))
                } else if split == .none {
                    #expect(String(decoding: buffer[scan.body], as: UTF8.self) == text)
                }
            }
        }
    }

    /// cmark-gfm's memory comes from a per-thread arena: documents far larger than its block, and
    /// one after the other, give the outline their text gives.
    @Test func largeDocumentsAndTheNextOneOutlineCorrectly() {
        let small = "# Plan\n\n## Summary\ntext\n\n## Plays\n- [ ] one\n- [x] two\n"
        let smallOutline = MarkdownOutline(markdown: small)
        for sections in [10, 2_000, 20_000] {
            var text = "# Big plan\n\n"
            for index in 0..<sections {
                text += "## Section \(index)\n"
                text += "| A | B |\n| --- | --- |\n| \(index) | ~~x~~ www.example.com |\n\n"
                text += "- [ ] task \(index)\n- [x] done\n\n"
                text += String(repeating: "word ", count: index % 50) + "\n\n"
            }
            // One long paragraph: a buffer that grows past the arena's block.
            text += String(repeating: "long paragraph text ", count: 40_000) + "\n"
            let outline = MarkdownOutline(markdown: text)
            #expect(outline.headings.count == sections + 1)
            #expect(outline.headings.last?.title == "Section \(sections - 1)")
            #expect(outline.headings.dropFirst().map(\.line) == (0..<sections).map { 3 + $0 * 10 })
            let tables = outline.blocks.filter { if case .table = $0.kind { return true } else { return false } }
            #expect(tables.count == sections)
            #expect(MarkdownOutline(markdown: small) == smallOutline)
        }
    }
}
