/// Three-way merge of a plan's Markdown body: section by section (by heading title); inside a
/// section changed on both sides, list items by their text (ignoring the checkbox) and table rows
/// by their first cell; whatever is left is line-merged within that section only.
struct MarkdownMerger {
    let yaml: YAMLMerger
    let planName: String

    private var file: String { yaml.file }

    /// One side's body cut into sections and units.
    struct Side {
        struct Section {
            var key: String
            var title: String
            var lines: Range<Int>
        }

        let lines: TextLines
        let sections: [Section]
        /// List items and table rows by their first line: last line (exclusive) and identity.
        let itemStarts: [Int: (end: Int, key: String)]

        init(_ text: String) {
            let lines = TextLines(text)
            self.lines = lines
            let outline = MarkdownOutline(markdown: text)
            let headings = outline.headings.filter { $0.level <= 2 && $0.line <= lines.count }.sorted { $0.line < $1.line }
            var sections: [Section] = []
            let firstLine = headings.first?.line ?? (lines.count + 1)
            sections.append(Section(key: "", title: "top of the plan", lines: 1..<firstLine))
            var seen: [String: Int] = [:]
            for (index, heading) in headings.enumerated() {
                let end = index + 1 < headings.count ? headings[index + 1].line : lines.count + 1
                var key = "\(heading.level)#" + Plan.normalizedTitle(heading.title)
                let count = seen[key, default: 0] + 1
                seen[key] = count
                if count > 1 { key += "#\(count)" }
                sections.append(Section(key: key, title: heading.title, lines: heading.line..<end))
            }
            self.sections = sections
            var starts: [Int: (end: Int, key: String)] = [:]
            for block in outline.blocks {
                switch block.kind {
                case .list(let items):
                    for item in items where item.lines.lowerBound <= lines.count {
                        // An item owns its lines, not the blank lines after it.
                        var end = min(item.lines.upperBound, lines.count + 1)
                        while end - 1 > item.lines.lowerBound, lines.isBlank(end - 1) { end -= 1 }
                        starts[item.lines.lowerBound] = (
                            end,
                            "item:" + Self.itemIdentity(lines[item.lines.lowerBound])
                        )
                    }
                case .table(let rows):
                    for row in rows where row.lowerBound <= lines.count {
                        starts[row.lowerBound] = (
                            min(row.upperBound, lines.count + 1), "row:" + Self.firstCell(lines[row.lowerBound])
                        )
                    }
                default:
                    break
                }
            }
            itemStarts = starts
        }

        func text(of section: Section) -> String { lines.text(section.lines) }

        /// The section as units: whole list items, whole table rows, and single other lines.
        func units(of section: Section) -> [Unit] {
            var result: [Unit] = []
            var number = section.lines.lowerBound
            while number < section.lines.upperBound {
                if let item = itemStarts[number], item.end > number, item.end <= section.lines.upperBound {
                    result.append(Unit(key: item.key, text: lines.text(number..<item.end), isItem: true))
                    number = item.end
                } else {
                    let line = lines[number]
                    let content = String(line.droppingLineBreak)
                    result.append(Unit(key: "line:" + content, text: String(line), isItem: false))
                    number += 1
                }
            }
            return result
        }

        /// Spaces and every kind of line break ("\r\n" is a single Character).
        static let spaces = " \t\n\r\r\n"

        /// `- [x] Custom ROI model (sam)` → `Custom ROI model (sam)`
        static func itemIdentity(_ line: Substring) -> String {
            var rest = line.drop { $0 == " " || $0 == "\t" }
            if let first = rest.first, first == "-" || first == "*" || first == "+" {
                rest = rest.dropFirst()
            } else {
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty, let mark = rest.dropFirst(digits.count).first, mark == "." || mark == ")" {
                    rest = rest.dropFirst(digits.count + 1)
                }
            }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            for box in ["[ ]", "[x]", "[X]"] where rest.hasPrefix(box) {
                rest = rest.dropFirst(3)
                break
            }
            return String(rest).trimmingCharacters(in: Self.spaces)
        }

        /// `| Dana Ruiz | CFO |` → `Dana Ruiz`
        static func firstCell(_ line: Substring) -> String {
            var rest = Substring(String(line).trimmingCharacters(in: Self.spaces))
            if rest.first == "|" { rest = rest.dropFirst() }
            var cell = ""
            var escaped = false
            for character in rest {
                if escaped {
                    cell.append(character)
                    escaped = false
                } else if character == "\\" {
                    cell.append(character)
                    escaped = true
                } else if character == "|" {
                    break
                } else {
                    cell.append(character)
                }
            }
            return cell.trimmingCharacters(in: Self.spaces)
        }
    }

    struct Unit {
        var key: String
        var text: String
        var isItem: Bool
    }

    func merge(base: String?, ours: String, theirs: String) -> MergedText {
        var out = MergedText(lineBreak: yaml.lineBreak)
        let b = base.map(Side.init)
        let o = Side(ours)
        let t = Side(theirs)
        func pieces(_ side: Side?) -> [Keyed<(Side, Side.Section)>] {
            guard let side else { return [] }
            return side.sections.map { Keyed(key: $0.key, piece: (side, $0), text: side.text(of: $0)) }
        }
        let titles = Dictionary(
            (pieces(b) + pieces(t) + pieces(o)).map { ($0.key, $0.piece.1.title) }, uniquingKeysWith: { _, last in last })
        let path = { (key: String) -> [String] in [planName, titles[key] ?? key] }
        yaml.mergeKeyed(base: pieces(b), ours: pieces(o), theirs: pieces(t), into: &out, path: path) { bs, os, ts in
            mergeSection(
                base: bs.map { $0.piece.0.units(of: $0.piece.1) } ?? [], ours: os.piece.0.units(of: os.piece.1),
                theirs: ts.piece.0.units(of: ts.piece.1), hasBase: bs != nil, path: path(os.key))
        }
        return out
    }

    /// A section changed on both sides: a three-way merge of its units, matched by identity.
    func mergeSection(base: [Unit], ours: [Unit], theirs: [Unit], hasBase: Bool, path: [String]) -> MergedText {
        var out = MergedText(lineBreak: yaml.lineBreak)
        func joined(_ units: ArraySlice<Unit>) -> String { units.map(\.text).joined() }
        guard base.count * max(ours.count, theirs.count) <= 1_000_000,
            let toOurs = matching(base.map(\.key), ours.map(\.key)),
            let toTheirs = matching(base.map(\.key), theirs.map(\.key))
        else {
            yaml.lineMerge(
                base: hasBase ? joined(base[...]) : nil, ours: joined(ours[...]), theirs: joined(theirs[...]),
                path: path, into: &out)
            return out
        }
        var bi = 0
        var oi = 0
        var ti = 0
        while true {
            var j = bi
            while j < base.count, toOurs[j] == nil || toTheirs[j] == nil { j += 1 }
            let oEnd = j < base.count ? toOurs[j] ?? ours.count : ours.count
            let tEnd = j < base.count ? toTheirs[j] ?? theirs.count : theirs.count
            if j > bi || oEnd > oi || tEnd > ti {
                mergeChunk(
                    base: base[bi..<j], ours: ours[oi..<oEnd], theirs: theirs[ti..<tEnd],
                    hasBase: hasBase, path: path, into: &out)
            }
            if j == base.count { break }
            let (bu, ou, tu) = (base[j], ours[oEnd], theirs[tEnd])
            if let choice = pickChanged(base: bu.text, ours: ou.text, theirs: tu.text) {
                out.append(choice ?? "")
            } else {
                // The same item changed on both sides (ticked on one, reworded on the other…).
                yaml.lineMerge(
                    base: bu.text, ours: ou.text, theirs: tu.text, path: path + [Self.label(ou)], into: &out)
            }
            bi = j + 1
            oi = oEnd + 1
            ti = tEnd + 1
        }
        return out
    }

    /// A run of units that is not the same on all three sides.
    private func mergeChunk(
        base: ArraySlice<Unit>, ours: ArraySlice<Unit>, theirs: ArraySlice<Unit>, hasBase: Bool, path: [String],
        into out: inout MergedText
    ) {
        let (b, o, t) = (base.map(\.text).joined(), ours.map(\.text).joined(), theirs.map(\.text).joined())
        if let choice = pickChanged(base: b, ours: o, theirs: t) {
            out.append(choice ?? "")
            return
        }
        let all = Array(base) + Array(ours) + Array(theirs)
        func distinct(_ units: ArraySlice<Unit>) -> Bool { Set(units.map(\.key)).count == units.count }
        if all.allSatisfy(\.isItem), distinct(base), distinct(ours), distinct(theirs) {
            // Items and rows only: merge them as a keyed list (both sides' additions, either side's removals).
            func pieces(_ units: ArraySlice<Unit>) -> [Keyed<Unit>] {
                units.map { Keyed(key: $0.key, piece: $0, text: $0.text) }
            }
            yaml.mergeKeyed(
                base: pieces(base), ours: pieces(ours), theirs: pieces(theirs), into: &out,
                path: { path + [Self.label(key: $0)] }
            ) { bu, ou, tu in
                var item = MergedText(lineBreak: yaml.lineBreak)
                yaml.lineMerge(
                    base: bu?.text, ours: ou.text, theirs: tu.text, path: path + [Self.label(ou.piece)], into: &item)
                return item
            }
            return
        }
        yaml.lineMerge(base: hasBase ? b : nil, ours: o, theirs: t, path: path, into: &out)
    }

    private static func label(_ unit: Unit) -> String { label(key: unit.key) }

    private static func label(key: String) -> String {
        if let colon = key.firstIndex(of: ":") { return String(key[key.index(after: colon)...]) }
        return key
    }

    /// For each index of `a`, the index of `b` it is paired with by a longest common subsequence.
    private func matching(_ a: [String], _ b: [String]) -> [Int?]? {
        let n = a.count
        let m = b.count
        var table = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        let width = m + 1
        if n > 0, m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * width + j] =
                        a[i] == b[j]
                        ? table[(i + 1) * width + j + 1] + 1
                        : max(table[(i + 1) * width + j], table[i * width + j + 1])
                }
            }
        }
        var result = [Int?](repeating: nil, count: n)
        var i = 0
        var j = 0
        while i < n, j < m {
            if a[i] == b[j] {
                result[i] = j
                i += 1
                j += 1
            } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }
}
