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
    func mergeKeyed<Piece>(
        base: [Keyed<Piece>], ours: [Keyed<Piece>], theirs: [Keyed<Piece>], into out: inout MergedText,
        path: (String) -> [String], both: (Keyed<Piece>?, Keyed<Piece>, Keyed<Piece>) -> MergedText
    ) {
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
                out.appendConflict(
                    file: file, path: path(key), kind: .deleteModify, base: bp.text, ours: op.text, theirs: nil)
            case (.some(let bp), nil, .some(let tp)):
                out.appendConflict(
                    file: file, path: path(key), kind: .deleteModify, base: bp.text, ours: nil, theirs: tp.text)
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
        lineMerge(base: base, ours: ours, theirs: theirs, path: path, into: &out)
    }

    func lineMerge(base: String?, ours: String, theirs: String, path: [String], into out: inout MergedText) {
        let result = lineMerger.merge(
            base: base ?? "", ours: ours, theirs: theirs, labels: lineMergeLabels(file: file, path: path))
        out.appendLineMerge(result, file: file, path: path, base: base, ours: ours, theirs: theirs)
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
        mergeKeyed(base: pieces(base), ours: pieces(ours), theirs: pieces(theirs), into: &out, path: childPath) {
            b, o, t in
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
        mergeKeyed(base: b, ours: o, theirs: t, into: &out, path: { path + [$0] }) { bi, oi, ti in
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
        let rendered = merged.map { render(styles[$0] ?? YAMLScalar($0)) }.joined(separator: ", ")
        var result = String(String.UnicodeScalarView(scalars[..<start]))
        result += "[" + rendered + "]"
        result += String(String.UnicodeScalarView(scalars[(close + 1)...]))
        return result
    }

    /// A scalar inside a flow list: plain when that reads back the same, double-quoted otherwise.
    private func render(_ scalar: YAMLScalar) -> String {
        let text = scalar.text
        let safe = text.unicodeScalars.allSatisfy { c in
            (c.properties.isAlphabetic || c.properties.numericType != nil || "-_./@+ ".unicodeScalars.contains(c))
        }
        if scalar.style == .plain, safe, !text.isEmpty, text.first != " ", text.last != " ", text.first != "-" {
            return text
        }
        var quoted = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(c)
            }
        }
        return quoted + "\""
    }
}
