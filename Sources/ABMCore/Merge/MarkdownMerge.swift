import Foundation

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
        /// Table rows by their line: the header cells of their table.
        let tableColumns: [Int: [String]]

        /// One side's body: the plan `document` of the file whose lines are `lines` (numbered by
        /// file line, the front matter outside every section).
        init(document: PlanDocument, lines: TextLines) {
            self.lines = lines
            let outline = document.outline
            var sections: [Section] = []
            var seen: [String: Int] = [:]
            for part in document.parts {
                guard let heading = part.heading else {
                    sections.append(Section(key: "", title: "top of the plan", lines: part.lines))
                    continue
                }
                var key = "\(heading.level)#" + Plan.normalizedTitle(heading.title)
                let count = seen[key, default: 0] + 1
                seen[key] = count
                if count > 1 { key += "#\(count)" }
                sections.append(Section(key: key, title: heading.title, lines: part.lines))
            }
            self.sections = sections
            var starts: [Int: (end: Int, key: String)] = [:]
            var columns: [Int: [String]] = [:]
            for block in outline.blocks {
                switch block.kind {
                case .list(let items):
                    for item in items where item.lines.lowerBound <= lines.count {
                        // An item owns its lines, not the blank lines after it.
                        var end = min(item.lines.upperBound, lines.count + 1)
                        while end - 1 > item.lines.lowerBound, lines.isBlank(end - 1) { end -= 1 }
                        Self.addItem(lines: lines, range: item.lines.lowerBound..<end, into: &starts)
                    }
                case .table(let rows):
                    let header = rows.first.flatMap { $0.lowerBound <= lines.count ? Self.cells(lines[$0.lowerBound]) : nil }
                    for row in rows where row.lowerBound <= lines.count {
                        starts[row.lowerBound] = (
                            min(row.upperBound, lines.count + 1), "row:" + Self.firstCell(lines[row.lowerBound])
                        )
                        if let header { columns[row.lowerBound] = header }
                    }
                default:
                    break
                }
            }
            itemStarts = starts
            tableColumns = columns
        }

        /// An item and the items nested in it, each a unit of its own: the parent owns its lines up
        /// to its first child, a child its own lines, so that rewording a parent and ticking one of its
        /// children are two edits. (A child is known by its own text: a reworded parent keeps its children.)
        static func addItem(lines: TextLines, range: Range<Int>, into starts: inout [Int: (end: Int, key: String)]) {
            var heads: [(line: Int, indent: Int)] = [(range.lowerBound, lines.indentation(range.lowerBound))]
            var fence = false
            for number in (range.lowerBound + 1)..<max(range.lowerBound + 1, range.upperBound) {
                let line = lines[number]
                let content = line.drop { $0 == " " || $0 == "\t" }
                if content.hasPrefix("```") || content.hasPrefix("~~~") { fence.toggle() }
                if !fence, isListMarker(content), lines.indentation(number) > heads[0].indent {
                    heads.append((number, lines.indentation(number)))
                }
            }
            for (index, head) in heads.enumerated() {
                var end = index + 1 < heads.count ? heads[index + 1].line : range.upperBound
                while end - 1 > head.line, lines.isBlank(end - 1) { end -= 1 }
                starts[head.line] = (end, "item:" + itemIdentity(lines[head.line]))
            }
        }

        /// `- `, `* `, `+ `, `1. ` or `1) ` at the start of `content`.
        static func isListMarker(_ content: Substring) -> Bool {
            var rest = content
            if let first = rest.first, first == "-" || first == "*" || first == "+" {
                rest = rest.dropFirst()
            } else {
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, digits.count <= 9, let mark = rest.dropFirst(digits.count).first,
                    mark == "." || mark == ")"
                else { return false }
                rest = rest.dropFirst(digits.count + 1)
            }
            guard let next = rest.first else { return true }
            return next == " " || next == "\t" || next == "\n" || next == "\r\n"
        }

        func text(of section: Section) -> String { lines.text(section.lines) }

        /// The section as units: whole list items, whole table rows, and single other lines.
        func units(of section: Section) -> [Unit] {
            var result: [Unit] = []
            var number = section.lines.lowerBound
            while number < section.lines.upperBound {
                if let item = itemStarts[number], item.end > number, item.end <= section.lines.upperBound {
                    result.append(
                        Unit(
                            key: item.key, text: lines.text(number..<item.end), isItem: true,
                            columns: tableColumns[number]))
                    number = item.end
                } else if let header = result.last?.columns, result.last?.key != "row:(separator)",
                    MarkdownMerger.isSeparatorRow(String(lines[number]))
                {
                    // The `|---|` row under a table's header (cmark-gfm gives it no node of its own):
                    // a row of the table, known as such however it is aligned.
                    result.append(
                        Unit(key: "row:(separator)", text: String(lines[number]), isItem: true, columns: header))
                    number += 1
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

        /// `| Dana Ruiz | CFO |` → `["Dana Ruiz", "CFO"]` (escaped pipes stay in their cell).
        static func cells(_ line: Substring) -> [String] {
            var rest = Substring(String(line).trimmingCharacters(in: Self.spaces))
            if rest.first == "|" { rest = rest.dropFirst() }
            if rest.last == "|", !rest.hasSuffix("\\|") { rest = rest.dropLast() }
            var result: [String] = []
            var cell = ""
            var escaped = false
            for character in rest {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "|" {
                    result.append(cell.trimmingCharacters(in: Self.spaces))
                    cell = ""
                    continue
                }
                cell.append(character)
            }
            result.append(cell.trimmingCharacters(in: Self.spaces))
            return result
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
        /// For a table row: its table's header cells.
        var columns: [String]? = nil
    }

    /// A side of the merge: the plan document of a whole file and its lines.
    typealias Body = (document: PlanDocument, lines: TextLines)

    func merge(base: Body?, ours: Body, theirs: Body) -> MergedText {
        var out = MergedText(lineBreak: yaml.lineBreak)
        let b = base.map { Side(document: $0.document, lines: $0.lines) }
        let o = Side(document: ours.document, lines: ours.lines)
        let t = Side(document: theirs.document, lines: theirs.lines)
        func pieces(_ side: Side?) -> [Keyed<(Side, Side.Section)>] {
            guard let side else { return [] }
            return side.sections.map { Keyed(key: $0.key, piece: (side, $0), text: side.text(of: $0)) }
        }
        let baseSections = pieces(b)
        let oursSections = Self.followingRenames(base: baseSections, side: pieces(o), other: pieces(t))
        let theirsSections = Self.followingRenames(base: baseSections, side: pieces(t), other: pieces(o))
        let titles = Dictionary(
            (baseSections + theirsSections + oursSections).map { ($0.key, $0.piece.1.title) },
            uniquingKeysWith: { _, last in last })
        let path = { (key: String) -> [String] in [planName, titles[key] ?? key] }
        yaml.mergeKeyed(base: baseSections, ours: oursSections, theirs: theirsSections, into: &out, path: path) {
            bs, os, ts in
            // The heading line on its own (a renamed section whose text was edited: both).
            var section = MergedText(lineBreak: yaml.lineBreak)
            let headed = [bs, os, ts].allSatisfy { piece in
                piece.map { $0.key.isEmpty ? false : $0.piece.0.lines[$0.piece.1.lines.lowerBound].hasPrefix("#") } ?? true
            }
            func units(_ piece: Keyed<(Side, Side.Section)>) -> [Unit] {
                var section = piece.piece.1
                if headed { section.lines = (section.lines.lowerBound + 1)..<section.lines.upperBound }
                return piece.piece.0.units(of: section)
            }
            if headed {
                func heading(_ piece: Keyed<(Side, Side.Section)>) -> String {
                    String(piece.piece.0.lines[piece.piece.1.lines.lowerBound])
                }
                if let choice = pickChanged(base: bs.map(heading), ours: heading(os), theirs: heading(ts)) {
                    section.append(choice ?? "")
                } else {
                    yaml.lineMerge(
                        base: bs.map(heading), ours: heading(os), theirs: heading(ts), path: path(os.key), into: &section)
                }
            }
            section.append(
                mergeSection(
                    base: bs.map(units) ?? [], ours: units(os), theirs: units(ts), hasBase: bs != nil,
                    path: path(os.key)))
            return section
        }
        return out
    }

    /// A `##` section renamed on one side is the base's section under a new title: it is given the
    /// base's key, so that the other side's edits of its content follow it. A renamed section is a
    /// base section this side lacks and the other side kept, matched with a section only this side has
    /// by the same content under the heading, or else by the same neighbours.
    static func followingRenames(
        base: [Keyed<(Side, Side.Section)>], side: [Keyed<(Side, Side.Section)>], other: [Keyed<(Side, Side.Section)>]
    ) -> [Keyed<(Side, Side.Section)>] {
        let baseKeys = Set(base.map(\.key))
        let sideKeys = Set(side.map(\.key))
        let otherKeys = Set(other.map(\.key))
        let lost = base.indices.filter { !sideKeys.contains(base[$0].key) && otherKeys.contains(base[$0].key) }
        var new = side.indices.filter { !baseKeys.contains(side[$0].key) && !otherKeys.contains(side[$0].key) }
        guard !lost.isEmpty, !new.isEmpty else { return side }
        func content(_ piece: Keyed<(Side, Side.Section)>) -> String {
            let (lines, section) = piece.piece
            return lines.lines.text((section.lines.lowerBound + 1)..<section.lines.upperBound)
        }
        func neighbours(_ list: [Keyed<(Side, Side.Section)>], _ index: Int, kept: Set<String>) -> (String?, String?) {
            let before = list[..<index].last { kept.contains($0.key) }?.key
            let after = list[(index + 1)...].first { kept.contains($0.key) }?.key
            return (before, after)
        }
        let shared = baseKeys.intersection(sideKeys)
        var result = side
        for index in lost {
            let old = base[index]
            let sameContent = new.filter { content(side[$0]) == content(old) }
            let sameNeighbours = new.filter { neighbours(side, $0, kept: shared) == neighbours(base, index, kept: shared) }
            guard let match = sameContent.count == 1 ? sameContent.first : sameNeighbours.count == 1 ? sameNeighbours.first : nil,
                match != 0, index != 0
            else { continue }
            result[match].key = old.key
            new.removeAll { $0 == match }
        }
        return result
    }

    /// A section changed on both sides: a three-way merge of its units, matched by identity.
    func mergeSection(base: [Unit], ours: [Unit], theirs: [Unit], hasBase: Bool, path: [String]) -> MergedText {
        let (base, ours, theirs) = Self.settlingMoves(base: base, ours: ours, theirs: theirs)
        var out = MergedText(lineBreak: yaml.lineBreak)
        func joined(_ units: ArraySlice<Unit>) -> String { units.map(\.text).joined() }
        guard base.count * max(ours.count, theirs.count) <= 1_000_000,
            case let toOurs = Self.lcsPairs(base.map(\.key), ours.map(\.key)),
            case let toTheirs = Self.lcsPairs(base.map(\.key), theirs.map(\.key))
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

    /// Items are matched by identity, so moves and additions are settled before the sections' units
    /// are lined up:
    /// - an item both sides added the same way is one addition, ours, wherever theirs put it;
    /// - an item that moved (out of the order the other sides keep it in) is, at its new place, an
    ///   addition of the side that moved it, and gone from the others; its text is merged first (a
    ///   tick on one side, a move on the other: both), so that nothing is lost by the move.
    /// Only items whose identity is unique on every side take part.
    static func settlingMoves(base: [Unit], ours: [Unit], theirs: [Unit]) -> ([Unit], [Unit], [Unit]) {
        let (b, o, tSettled) = settlingMovesAndEdits(base: base, ours: ours, theirs: theirs)
        var t = tSettled
        // Added on both sides differently (one ticked it): theirs' goes to ours' place, where the two
        // meet as one conflict rather than landing twice.
        let baseKeys = Set(b.map(\.key))
        let oursIndex = uniqueItems(o)
        for (key, oi) in oursIndex.sorted(by: { $0.value < $1.value }) where !baseKeys.contains(key) {
            guard let ti = uniqueItems(t)[key], t[ti].text != o[oi].text else { continue }
            let unit = t.remove(at: ti)
            let theirsIndex = uniqueItems(t)
            let anchor = o[..<oi].reversed().lazy.compactMap { theirsIndex[$0.key] }.first
            t.insert(unit, at: anchor.map { $0 + 1 } ?? 0)
        }
        return (b, o, t)
    }

    /// The positions of the items whose identity is unique among `units`.
    static func uniqueItems(_ units: [Unit]) -> [String: Int] {
        var count: [String: Int] = [:]
        var index: [String: Int] = [:]
        for (position, unit) in units.enumerated() where unit.isItem {
            count[unit.key, default: 0] += 1
            index[unit.key] = position
        }
        return index.filter { count[$0.key] == 1 }
    }

    private static func settlingMovesAndEdits(base: [Unit], ours: [Unit], theirs: [Unit]) -> ([Unit], [Unit], [Unit]) {
        func unique(_ units: [Unit]) -> [String: Int] { uniqueItems(units) }
        var (b, o, t) = (base, ours, theirs)
        let (bu, ou, tu) = (unique(b), unique(o), unique(t))
        var dropTheirs: Set<Int> = []
        // Added on both sides, the same: ours'.
        for (key, oi) in ou where bu[key] == nil {
            if let ti = tu[key], t[ti].text == o[oi].text { dropTheirs.insert(ti) }
        }
        if !dropTheirs.isEmpty { t = t.enumerated().filter { !dropTheirs.contains($0.offset) }.map(\.element) }
        // In all three: merge the text, then see which side moved it.
        let tIndex = unique(t)
        var merged: [String: Int] = [:]
        for (key, bi) in bu {
            guard let oi = ou[key], let ti = tIndex[key],
                let choice = mergedSeparator(base: b[bi], ours: o[oi], theirs: t[ti])
                    ?? pickChanged(base: b[bi].text, ours: o[oi].text, theirs: t[ti].text)
                    ?? mergedRow(base: b[bi], ours: o[oi], theirs: t[ti]),
                let text = choice
            else { continue }
            b[bi].text = text
            o[oi].text = text
            t[ti].text = text
            merged[key] = bi
        }
        // Moved on one side, deleted on the other: a move changes nothing, so the deletion stands; moved
        // and changed, it goes back to its old place, where the deletion meets the change as a conflict.
        func settleDeletions(_ side: inout [Unit], deletedIn other: [Unit]) {
            let otherKeys = Set(other.map(\.key))
            for key in unique(side).keys.sorted() {
                guard !otherKeys.contains(key), let si = unique(side)[key], let bi2 = unique(b)[key] else { continue }
                let pairs = lcsPairs(b.map(\.key), side.map(\.key))
                guard pairs[bi2] == nil else { continue }
                let unit = side.remove(at: si)
                if unit.text == b[bi2].text {
                    b.remove(at: bi2)
                } else {
                    let anchor = (0..<bi2).last { pairs[$0] != nil }.flatMap { pairs[$0] }
                    let position = anchor.map { $0 + ($0 >= si ? 0 : 1) } ?? 0
                    side.insert(unit, at: min(position, side.count))
                }
            }
        }
        settleDeletions(&o, deletedIn: t)
        settleDeletions(&t, deletedIn: o)
        guard !merged.isEmpty else { return (b, o, t) }
        // The deletions settled above took units out of `b`: find the merged items' places again.
        let baseNow = unique(b)
        let toOurs = lcsPairs(b.map(\.key), o.map(\.key))
        let toTheirs = lcsPairs(b.map(\.key), t.map(\.key))
        func moved(_ pairs: [Int?]) -> Set<String> {
            Set(merged.keys.filter { key in baseNow[key].map { pairs[$0] == nil } ?? false })
        }
        let movedInOurs = moved(toOurs)
        let movedInTheirs = moved(toTheirs)
        guard !movedInOurs.isEmpty || !movedInTheirs.isEmpty else { return (b, o, t) }
        // Moved by ours → an addition of ours; moved by theirs alone → of theirs.
        // Both re-ordered the list: ours' order (every item, ticks and edits from both sides, once).
        let bothMoved = !movedInOurs.isEmpty && !movedInTheirs.isEmpty
        let fromOurs = bothMoved ? movedInOurs.union(movedInTheirs) : movedInOurs
        let fromTheirs = bothMoved ? [] : movedInTheirs
        b.removeAll { $0.isItem && (fromOurs.contains($0.key) || fromTheirs.contains($0.key)) }
        t.removeAll { $0.isItem && fromOurs.contains($0.key) }
        o.removeAll { $0.isItem && fromTheirs.contains($0.key) }
        return (b, o, t)
    }

    /// A table row changed on both sides, merged cell by cell: columns by their header, a column one
    /// side added comes with its cells. Nil when the same cell changed differently, both sides changed
    /// the columns, or the row is not a table row.
    static func mergedRow(base: Unit, ours: Unit, theirs: Unit) -> String?? {
        guard let bc = base.columns, let oc = ours.columns, let tc = theirs.columns,
            Set(bc).count == bc.count, Set(oc).count == oc.count, Set(tc).count == tc.count,
            let columns = mergedColumns(base: bc, ours: oc, theirs: tc)
        else { return nil }
        let line = { (unit: Unit) in unit.text[..<(unit.text.firstIndex(where: \.isNewline) ?? unit.text.endIndex)] }
        guard [base, ours, theirs].allSatisfy({ !$0.text.dropFirst(line($0).count).contains { !$0.isWhitespace } })
        else { return nil }
        func row(_ unit: Unit, _ header: [String]) -> [String: String] {
            let cells = Side.cells(line(unit))
            return Dictionary(zip(header, cells).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        }
        let (b, o, t) = (row(base, bc), row(ours, oc), row(theirs, tc))
        // A column one side removed goes, unless the other side changed this row's cell in it.
        for column in bc where !columns.contains(column) {
            if (oc.contains(column) && o[column] != b[column]) || (tc.contains(column) && t[column] != b[column]) {
                return nil
            }
        }
        var merged: [String] = []
        for column in columns {
            guard let value = pickChanged(base: b[column], ours: o[column], theirs: t[column]) else { return nil }
            merged.append(value ?? "")
        }
        if columns == oc, merged == oc.map({ o[$0] ?? "" }) { return .some(ours.text) }
        if columns == tc, merged == tc.map({ t[$0] ?? "" }) { return .some(theirs.text) }
        let escaped = merged.map { $0.isEmpty ? " " : " " + $0 + " " }  // cells keep their escapes
        let lineBreak = ours.text.hasSuffix("\r\n") ? "\r\n" : ours.text.hasSuffix("\n") ? "\n" : ""
        return .some("|" + escaped.joined(separator: "|") + "|" + lineBreak)
    }

    /// A table's columns after a merge: one side's change, or when both changed them, the columns both
    /// kept and both added (ours' order, theirs' additions after their neighbours).
    static func mergedColumns(base: [String], ours: [String], theirs: [String]) -> [String]? {
        if let choice = pickChanged(base: base, ours: ours, theirs: theirs) { return choice }
        let removed = Set(base).subtracting(ours).union(Set(base).subtracting(theirs))
        let kept = Set(ours).union(theirs).subtracting(removed)
        let columns = mergedOrder(base: base, ours: ours, theirs: theirs, kept: kept)
        return columns.isEmpty ? nil : columns
    }

    /// `|------|:---:|`
    static func isSeparatorRow(_ text: String) -> Bool {
        let line = text.trimmingCharacters(in: Side.spaces)
        return line.contains("-") && line.allSatisfy { "|-: \t".contains($0) }
    }

    /// A table's `|---|---|` row when the columns changed: as many cells as the merged columns.
    static func mergedSeparator(base: Unit, ours: Unit, theirs: Unit) -> String?? {
        guard let bc = base.columns, let oc = ours.columns, let tc = theirs.columns,
            [base, ours, theirs].allSatisfy({ isSeparatorRow($0.text) }),
            let columns = mergedColumns(base: bc, ours: oc, theirs: tc)
        else { return nil }
        let count = { (unit: Unit) in Side.cells(Substring(unit.text)).count }
        if let choice = pickChanged(base: base.text, ours: ours.text, theirs: theirs.text), let text = choice,
            Side.cells(Substring(text)).count == columns.count
        {
            return .some(text)
        }
        for side in [ours, theirs] where count(side) == columns.count { return .some(side.text) }
        let lineBreak = ours.text.hasSuffix("\r\n") ? "\r\n" : ours.text.hasSuffix("\n") ? "\n" : ""
        return .some("|" + Array(repeating: "------", count: columns.count).joined(separator: "|") + "|" + lineBreak)
    }

    /// For each index of `a`, the index of `b` it is paired with by a longest common subsequence.
    static func lcsPairs(_ a: [String], _ b: [String]) -> [Int?] {
        let n = a.count
        let m = b.count
        guard n * m <= 1_000_000 else { return a.indices.map { $0 < m && a[$0] == b[$0] ? $0 : nil } }
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

    private static func label(_ unit: Unit) -> String { label(key: unit.key) }

    private static func label(key: String) -> String {
        if let colon = key.firstIndex(of: ":") { return String(key[key.index(after: colon)...]) }
        return key
    }

}
