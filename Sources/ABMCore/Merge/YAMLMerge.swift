/// A piece of one side's text that merges by key: a mapping entry, a list item, a section.
struct Keyed<Piece> {
    var key: String
    var piece: Piece
    /// The piece's whole text, as copied into the result.
    var text: String
}

/// Three-way merge of YAML data written as text: key by key, field by field, list item by list item.
/// What neither side changed is copied from ours byte for byte; what one side changed is copied from
/// that side; what both changed is merged one level down, or marked as a conflict.
struct YAMLMerger {
    let file: String
    let lineMerger: any LineMerger
    let lineBreak: String
    /// Top-level keys that are containers only (`accounts`, `people`) and are left out of conflict paths.
    var containerKeys: Set<String> = []

    // MARK: - Keyed pieces

    /// Merges pieces by key in order: ours' order, theirs' additions after their neighbours.
    /// `both` handles a piece changed differently on both sides (base nil: added on both sides).
    /// `keeps(deletingSideIsOurs, lines)`: whether the side that deleted a piece kept these comment lines
    /// of it elsewhere (YAML only; nil for Markdown, where `#` starts a heading).
    func mergeKeyed<Piece>(
        base: [Keyed<Piece>], ours: [Keyed<Piece>], theirs: [Keyed<Piece>], into out: inout MergedText,
        path: (String) -> [String], keeps: ((Bool, String) -> Bool)? = nil,
        both: (Keyed<Piece>?, Keyed<Piece>, Keyed<Piece>) -> MergedText
    ) {
        /// A piece deleted on one side and changed on the other: its leading comments, when the changing
        /// side left them as they were and the deleting side kept them, stay out of the markers
        /// (settling either way keeps them once).
        func appendDeleteModify(key: String, base: String, changed: String, deletingSideIsOurs: Bool) {
            var rest = Substring(changed)
            if let keeps {
                let (baseLead, _) = Self.splitLeadingTrivia(base)
                let (changedLead, changedRest) = Self.splitLeadingTrivia(changed)
                let comments = changedLead.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
                if changedLead == baseLead, !comments.isEmpty, keeps(deletingSideIsOurs, comments.joined(separator: "\n")) {
                    rest = changedRest
                }
            }
            out.appendConflict(
                file: file, path: path(key), kind: .deleteModify, base: base,
                ours: deletingSideIsOurs ? nil : String(rest), theirs: deletingSideIsOurs ? String(rest) : nil)
        }
        let b = Dictionary(base.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let o = Dictionary(ours.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let t = Dictionary(theirs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var kept: Set<String> = []
        for key in Set(o.keys).union(t.keys) {
            switch (b[key], o[key], t[key]) {
            case (_, .some, .some): kept.insert(key)
            case (.some(let bp), .some(let op), nil) where op.text != bp.text: kept.insert(key)
            case (.some(let bp), nil, .some(let tp)) where tp.text != bp.text: kept.insert(key)
            case (nil, .some, nil), (nil, nil, .some): kept.insert(key)
            default: break
            }
        }
        let order = mergedOrder(base: base.map(\.key), ours: ours.map(\.key), theirs: theirs.map(\.key), kept: kept)
        for key in order {
            switch (b[key], o[key], t[key]) {
            case (let bp, .some(let op), .some(let tp)):
                if op.text == tp.text || tp.text == bp?.text {
                    out.append(op.text)
                } else if op.text == bp?.text {
                    out.append(tp.text)
                } else {
                    out.append(both(bp, op, tp))
                }
            case (.some(let bp), .some(let op), nil):
                appendDeleteModify(key: key, base: bp.text, changed: op.text, deletingSideIsOurs: false)
            case (.some(let bp), nil, .some(let tp)):
                appendDeleteModify(key: key, base: bp.text, changed: tp.text, deletingSideIsOurs: true)
            case (nil, .some(let op), nil):
                out.append(op.text)
            case (nil, nil, .some(let tp)):
                out.append(tp.text)
            default:
                break
            }
        }
    }

    /// Comments and blank lines between entries: taken from the side that changed them, line-merged
    /// when both did; a difference in blank lines alone keeps ours.
    func mergeTrivia(base: String?, ours: String, theirs: String, path: [String], into out: inout MergedText) {
        if let choice = pickChanged(base: base, ours: ours, theirs: theirs) {
            out.append(choice ?? "")
            return
        }
        func meaningful(_ text: String) -> String {
            String(text.filter { !$0.isWhitespace && !$0.isNewline })
        }
        if meaningful(ours) == meaningful(theirs) {
            out.append(ours)
            return
        }
        if let union = Self.unionOfAdditions(base: base ?? "", ours: ours, theirs: theirs) {
            // Both only added comment lines (above the same entry…): both, ours' first.
            out.append(union)
            return
        }
        lineMerge(base: base, ours: ours, theirs: theirs, path: path, into: &out)
    }

    /// When both sides only added lines to `base`: every line, at each place ours' additions and then
    /// theirs' (less those ours added there too). Nil when a side deleted or changed a line.
    static func unionOfAdditions(base: String, ours: String, theirs: String) -> String? {
        let b = TextLines(base).lines
        func gaps(_ text: String) -> [[Substring]]? {
            var result = [[Substring]](repeating: [], count: b.count + 1)
            var next = 0
            for line in TextLines(text).lines {
                if next < b.count, line == b[next] {
                    next += 1
                } else {
                    result[next].append(line)
                }
            }
            return next == b.count ? result : nil
        }
        guard let o = gaps(ours), let t = gaps(theirs),
            (TextLines(ours).lines + TextLines(theirs).lines).allSatisfy({ $0.utf8.last == UInt8(ascii: "\n") })
        else { return nil }
        var out = ""
        for index in 0...b.count {
            for line in o[index] { out += line }
            for line in t[index] where !o[index].contains(line) { out += line }
            if index < b.count { out += b[index] }
        }
        return out
    }

    /// A piece's leading blank and comment lines, and the rest.
    static func splitLeadingTrivia(_ text: String) -> (Substring, Substring) {
        var index = text.startIndex
        while index < text.endIndex {
            let end = text[index...].firstIndex(of: "\n").map { text.index(after: $0) } ?? text.endIndex
            let line = text[index..<end].drop { $0 == " " || $0 == "\t" }
            guard line.first == "#" || line.allSatisfy(\.isWhitespace) else { break }
            index = end
        }
        return (text[..<index], text[index...])
    }

    func lineMerge(base: String?, ours: String, theirs: String, path: [String], into out: inout MergedText) {
        let result = lineMerger.merge(
            base: base ?? "", ours: ours, theirs: theirs, labels: lineMergeLabels(file: file, path: path))
        out.appendLineMerge(result, file: file, path: path, base: base, ours: ours, theirs: theirs)
    }

    /// Whether the deleting side's whole text holds `comments` as often as the base's does.
    static func keeps(base: TextLines?, ours: TextLines, theirs: TextLines) -> (Bool, String) -> Bool {
        func whole(_ lines: TextLines) -> String { lines.text(1..<(lines.count + 1)) }
        return keeps(base: { base.map(whole) }, ours: { whole(ours) }, theirs: { whole(theirs) })
    }

    static func keeps(base: @escaping () -> String?, ours: @escaping () -> String, theirs: @escaping () -> String)
        -> (Bool, String) -> Bool
    {
        { deletingSideIsOurs, comments in
            func count(_ text: String?) -> Int { (text?.components(separatedBy: comments).count ?? 1) - 1 }
            return count(deletingSideIsOurs ? ours() : theirs()) >= max(1, count(base()))
        }
    }

    // MARK: - Mappings

    /// Merges a block mapping. Nil when `pinFirstKey` is set and the first key would move (the first
    /// entry of a list item carries the item's `-`).
    func mergeMapping(
        base: MappingView?, ours: MappingView, theirs: MappingView, path: [String], pinFirstKey: Bool = false
    ) -> MergedText? {
        var out = MergedText(lineBreak: lineBreak)
        if pinFirstKey {
            let first = ours.keys.first
            guard first != nil, theirs.keys.first == first, base.map({ $0.keys.first == first }) ?? true else {
                return nil
            }
        }
        mergeTrivia(base: base?.leaderText, ours: ours.leaderText, theirs: theirs.leaderText, path: path, into: &out)
        func pieces(_ view: MappingView?) -> [Keyed<EntryView>] {
            (view?.entries ?? []).map { Keyed(key: $0.key, piece: $0, text: $0.full) }
        }
        let childPath = { (key: String) -> [String] in
            if path.isEmpty, self.containerKeys.contains(key) { return [] }
            // An account or a person reads better by its name than by its id.
            let entry = ours.entries.first { $0.key == key } ?? theirs.entries.first { $0.key == key }
            if let name = entry?.value["name"]?.scalar?.text, !name.isEmpty { return path + [name] }
            return path + [key]
        }
        mergeKeyed(
            base: pieces(base), ours: pieces(ours), theirs: pieces(theirs), into: &out, path: childPath,
            keeps: Self.keeps(base: base?.lines, ours: ours.lines, theirs: theirs.lines)
        ) { b, o, t in
            var entry = MergedText(lineBreak: lineBreak)
            let entryPath = childPath(o.key)
            mergeTrivia(
                base: b?.piece.leading, ours: o.piece.leading, theirs: t.piece.leading, path: entryPath, into: &entry)
            entry.append(mergeEntryBody(base: b?.piece, ours: o.piece, theirs: t.piece, path: entryPath))
            return entry
        }
        mergeTrivia(
            base: base?.trailerText, ours: ours.trailerText, theirs: theirs.trailerText, path: path, into: &out)
        return out
    }

    /// One entry changed on both sides (or added on both): merge its value.
    func mergeEntryBody(base: EntryView?, ours: EntryView, theirs: EntryView, path: [String]) -> MergedText {
        var out = MergedText(lineBreak: lineBreak)
        if let choice = pickChanged(base: base?.body, ours: ours.body, theirs: theirs.body) {
            out.append(choice ?? "")
            return out
        }
        if let base, base.value.scalar != nil, ours.value.scalar != nil, theirs.value.scalar != nil {
            // Compare values, not text: a side that only re-quoted the value or re-aligned its comment
            // yields to the other side's real edit; when both only reformatted, ours.
            let oursReformatted = sameMeaning(base, ours)
            if oursReformatted || sameMeaning(base, theirs) {
                out.append(oursReformatted && !sameMeaning(base, theirs) ? theirs.body : ours.body)
                return out
            }
        }
        if sameData(ours.value, theirs.value),
            ours.value.scalar != nil || (ours.valueIsFlow && theirs.valueIsFlow)
        {
            // Both made the same change, written differently: one change.
            out.append(ours.body)
            return out
        }
        if let oursMapping = ours.nestedMapping, let theirsMapping = theirs.nestedMapping {
            let baseMapping = base?.nestedMapping
            if let merged = mergeMapping(base: baseMapping, ours: oursMapping, theirs: theirsMapping, path: path) {
                mergeTrivia(
                    base: base?.keyLineText, ours: ours.keyLineText, theirs: theirs.keyLineText, path: path, into: &out)
                out.append(merged)
                return out
            }
        }
        if let oursList = ours.nestedSequence, let theirsList = theirs.nestedSequence,
            let merged = mergeSequence(
                base: base?.nestedSequence, ours: oursList, theirs: theirsList, baseNode: base?.value,
                oursNode: ours.value, theirsNode: theirs.value, path: path)
        {
            mergeTrivia(
                base: base?.keyLineText, ours: ours.keyLineText, theirs: theirs.keyLineText, path: path, into: &out)
            out.append(merged)
            return out
        }
        if let merged = mergeFlowList(base: base, ours: ours, theirs: theirs) {
            out.append(merged)
            return out
        }
        if let o = ours.value.scalar, let t = theirs.value.scalar, isMultiLine(o, ours) || isMultiLine(t, theirs),
            base.map({ $0.value.scalar != nil }) ?? true
        {
            // Long text: merge it line by line, confined to this field.
            lineMerge(base: base?.body, ours: ours.body, theirs: theirs.body, path: path, into: &out)
            return out
        }
        out.appendConflict(
            file: file, path: path, kind: base == nil ? .addAdd : .bothChanged, base: base?.body, ours: ours.body,
            theirs: theirs.body)
        return out
    }

    /// The same value and the same comments (their words, not their spacing).
    private func sameMeaning(_ a: EntryView, _ b: EntryView) -> Bool {
        guard sameData(a.value, b.value) else { return false }
        func comments(_ entry: EntryView) -> [String] {
            if let scalar = entry.value.scalar, scalar.style == .literal || scalar.style == .folded { return [] }
            return TextLines(entry.body).lines.compactMap { line in
                Self.comment(in: line).map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            }
        }
        return comments(a) == comments(b)
    }

    /// The comment at the end of a line (`# …` after a space, outside quotes).
    static func comment(in line: Substring) -> Substring? {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'", previous == " " || previous == ":" {
                quote = character
            } else if character == "#", previous == " " || previous == "\t" {
                return line[line.index(after: index)...]
            }
            previous = character
        }
        return nil
    }

    private func isMultiLine(_ scalar: YAMLScalar, _ entry: EntryView) -> Bool {
        scalar.style == .literal || scalar.style == .folded || entry.span.upperBound - entry.keyLine > 1
    }

    // MARK: - Lists

    /// A block list changed on both sides: items of mappings merge by `id`/`name`, scalars as a set.
    /// Nil when the items have no identity (then the field is a conflict).
    func mergeSequence(
        base: SequenceView?, ours: SequenceView, theirs: SequenceView, baseNode: YAMLNode?, oursNode: YAMLNode,
        theirsNode: YAMLNode, path: [String]
    ) -> MergedText? {
        let baseItems = base?.items ?? []
        var keyOf: (SequenceView.Item) -> String?
        if let o = scalarItems(oursNode), let t = scalarItems(theirsNode), o.count + t.count > 0,
            base == nil || scalarItems(baseNode) != nil
        {
            keyOf = { $0.node.scalar?.text }
        } else if let field = identityField(of: [ours.items.map(\.node), theirs.items.map(\.node), baseItems.map(\.node)]) {
            keyOf = { $0.node[field]?.scalar?.text }
        } else {
            return nil
        }
        func pieces(_ items: [SequenceView.Item]) -> [Keyed<SequenceView.Item>]? {
            var result: [Keyed<SequenceView.Item>] = []
            for item in items {
                guard let key = keyOf(item) else { return nil }
                result.append(Keyed(key: key, piece: item, text: item.full))
            }
            return result
        }
        guard let b = pieces(baseItems), let o = pieces(ours.items), let t = pieces(theirs.items) else { return nil }
        var out = MergedText(lineBreak: lineBreak)
        mergeTrivia(base: base?.leaderText, ours: ours.leaderText, theirs: theirs.leaderText, path: path, into: &out)
        mergeKeyed(
            base: b, ours: o, theirs: t, into: &out, path: { path + [$0] },
            keeps: Self.keeps(base: base?.lines, ours: ours.lines, theirs: theirs.lines)
        ) { bi, oi, ti in
            var item = MergedText(lineBreak: lineBreak)
            let itemPath = path + [oi.key]
            mergeTrivia(
                base: bi?.piece.leading, ours: oi.piece.leading, theirs: ti.piece.leading, path: itemPath, into: &item)
            if let om = oi.piece.mapping, let tm = ti.piece.mapping,
                let merged = mergeMapping(
                    base: bi?.piece.mapping, ours: om, theirs: tm, path: itemPath, pinFirstKey: true)
            {
                item.append(merged)
            } else {
                item.appendConflict(
                    file: file, path: itemPath, kind: bi == nil ? .addAdd : .bothChanged, base: bi?.piece.body,
                    ours: oi.piece.body, theirs: ti.piece.body)
            }
            return item
        }
        mergeTrivia(base: base?.trailerText, ours: ours.trailerText, theirs: theirs.trailerText, path: path, into: &out)
        return out
    }

    /// `roles: [ae, sdr]` changed on both sides: a set-like merge (additions from both, removals from
    /// either, ours' order), written in ours' style on ours' line. Nil unless both are one-line flow lists.
    func mergeFlowList(base: EntryView?, ours: EntryView, theirs: EntryView) -> String? {
        guard ours.valueIsFlow, ours.span.upperBound - ours.keyLine == 1,
            let o = scalarItems(ours.value), let t = scalarItems(theirs.value)
        else { return nil }
        let b: [String]
        if let base {
            guard let items = scalarItems(base.value) else { return nil }
            b = items
        } else {
            b = []
        }
        let baseSet = Set(b)
        let oursSet = Set(o)
        let theirsSet = Set(t)
        var kept: Set<String> = []
        for item in oursSet.union(theirsSet) {
            let removed = baseSet.contains(item) && (!oursSet.contains(item) || !theirsSet.contains(item))
            if !removed { kept.insert(item) }
        }
        let merged = mergedOrder(base: b, ours: o, theirs: t, kept: kept)
        if merged == o { return ours.body }
        if merged == t, theirs.valueIsFlow { return theirs.body }
        let line = ours.keyLineText
        let scalars = Array(line.unicodeScalars)
        let start = ours.value.column - 1
        guard start >= 0, start < scalars.count, scalars[start] == "[",
            let close = scalars.lastIndex(of: "]"), close > start
        else { return nil }
        var styles: [String: YAMLScalar] = [:]
        for node in (ours.value.items ?? []) + (theirs.value.items ?? []) {
            if let scalar = node.scalar, styles[scalar.text] == nil { styles[scalar.text] = scalar }
        }
        let rendered = merged.map { YAMLMerger.render(styles[$0] ?? YAMLScalar($0)) }.joined(separator: ", ")
        var result = String(String.UnicodeScalarView(scalars[..<start]))
        result += "[" + rendered + "]"
        result += String(String.UnicodeScalarView(scalars[(close + 1)...]))
        return result
    }

    /// A scalar inside a flow list, in the style it had (plain stays plain when it reads back the same).
    static func render(_ scalar: YAMLScalar) -> String {
        YAMLScalarWriter.render(scalar.text, in: .flow, original: scalar.style)
    }
}
