import Foundation

/// Structure-aware three-way merge of one file of the plan repository, text in, text out.
///
/// - `accounts.yaml`, `team.yaml`, `abmsync.yaml`: merged as data, key by key, field by field.
/// - `accounts|clusters|programs/<id>.md`: front matter as data, the body section by section.
/// - anything else, or a side that cannot be parsed: the injected line merge.
///
/// Text that neither side changed is copied from ours byte for byte (comments, order, spacing,
/// CRLF). A clean structured result is parsed again and checked against the data of all three
/// sides; if that check fails, the whole file is returned as one conflict rather than guessed.
///
/// Values, not text: a side that only re-quoted a value, re-aligned a comment or turned CRLF into LF
/// yields to the other side's edit. Items (list items, nested items, table rows) are matched by
/// identity wherever they are: the same item added on both sides is one, a moved item keeps the
/// other side's tick, a renamed `##` section keeps the other side's edits, table rows merge cell by
/// cell (columns by header). What stays a conflict (`Tests/ABMCoreTests/Fixtures/merge/` has a case
/// for each kind): the same field, line or cell changed differently; a deletion against a change
/// (also of a moved item); the same item added differently on both sides; both sides changing a
/// table's columns or the same heading differently.
public enum StructuredMerge {
    public enum FileKind: Sendable, Hashable {
        /// accounts.yaml, team.yaml, abmsync.yaml
        case yamlData
        /// accounts/, clusters/ or programs/<id>.md
        case plan
        case text
    }

    public static func fileKind(of path: String) -> FileKind {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        while components.first == "." { components.removeFirst() }
        if components.count == 1, ["accounts.yaml", "team.yaml", "abmsync.yaml"].contains(components[0]) {
            return .yamlData
        }
        if components.count == 2, Plan.Kind(folder: components[0]) != nil, components[1].hasSuffix(".md"),
            components[1].count > 3
        {
            return .plan
        }
        return .text
    }

    /// Merges `ours` and `theirs` from their common `base` (nil: the file was added on both sides).
    public static func merge(
        path: String, base: String?, ours: String, theirs: String, lineMerger: any LineMerger
    ) -> MergeOutcome {
        merge(path: path, base: base, ours: ours, theirs: theirs, lineMerger: lineMerger, fastPath: true)
    }

    /// `fastPath: false` always takes the full path (tests compare the two).
    static func merge(
        path: String, base: String?, ours: String, theirs: String, lineMerger: any LineMerger, fastPath: Bool
    ) -> MergeOutcome {
        if ours == theirs { return MergeOutcome(text: ours, conflicts: []) }
        if let base, ours == base { return MergeOutcome(text: theirs, conflicts: []) }
        if let base, theirs == base { return MergeOutcome(text: ours, conflicts: []) }
        if let outcome = mergeAcrossLineBreaks(
            path: path, base: base, ours: ours, theirs: theirs, lineMerger: lineMerger, fastPath: fastPath)
        {
            return outcome
        }
        let context = Context(
            path: path, base: base, ours: ours, theirs: theirs, lineMerger: lineMerger, fastPath: fastPath)
        switch fileKind(of: path) {
        case .text: return context.lineMerge(reason: nil)
        case .yamlData: return context.mergeYAMLFile()
        case .plan: return context.mergePlanFile()
        }
    }

    enum LineBreakStyle { case lf, crlf, none }

    /// "\n" or "\r\n" when the whole text uses that one (`none` without any); nil for a mixed text.
    static func lineBreakStyle(_ text: String) -> LineBreakStyle? {
        var crlf = false
        var lf = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                if previous == UInt8(ascii: "\r") { crlf = true } else { lf = true }
            }
            previous = byte
        }
        if crlf && lf { return nil }
        return crlf ? .crlf : lf ? .lf : LineBreakStyle.none
    }

    /// A side that only turned CRLF into LF (or back) changed no value: when the sides' line breaks
    /// differ, the texts are merged with LF and the result written with the line breaks the side that
    /// changed them chose. Nil when the sides agree, or a text mixes both.
    static func mergeAcrossLineBreaks(
        path: String, base: String?, ours: String, theirs: String, lineMerger: any LineMerger, fastPath: Bool
    ) -> MergeOutcome? {
        guard let o = lineBreakStyle(ours), let t = lineBreakStyle(theirs) else { return nil }
        let b = base.map(lineBreakStyle)
        if case .some(.none) = b { return nil }
        let styles = Set([o, t] + (b.flatMap { $0 }.map { [$0] } ?? [])).subtracting([LineBreakStyle.none])
        guard styles.count > 1 else { return nil }
        func lf(_ text: String) -> String { text.replacingOccurrences(of: "\r\n", with: "\n") }
        var outcome = merge(
            path: path, base: base.map(lf), ours: lf(ours), theirs: lf(theirs), lineMerger: lineMerger,
            fastPath: fastPath)
        // The side that changed the line breaks chose them; ours when both did.
        let baseStyle = b.flatMap { $0 }
        let chosen: LineBreakStyle =
            o == .none ? t : t == .none ? o : baseStyle.map { $0 == o ? t : o } ?? o
        if chosen == .crlf { outcome.text = outcome.text.replacingOccurrences(of: "\n", with: "\r\n") }
        return outcome
    }
}

private struct Context {
    let path: String
    let base: String?
    let ours: String
    let theirs: String
    let lineMerger: any LineMerger
    let fastPath: Bool

    /// The line break ours uses, from its first line alone (as `TextLines.lineBreak`, without splitting the whole text).
    var lineBreak: String {
        guard let newline = ours.utf8.firstIndex(of: UInt8(ascii: "\n")), newline != ours.utf8.startIndex else {
            return "\n"
        }
        return ours.utf8[ours.utf8.index(before: newline)] == UInt8(ascii: "\r") ? "\r\n" : "\n"
    }

    func yamlMerger(containerKeys: Set<String> = []) -> YAMLMerger {
        YAMLMerger(file: path, lineMerger: lineMerger, lineBreak: lineBreak, containerKeys: containerKeys)
    }

    // MARK: Fallbacks

    func lineMerge(reason: String?) -> MergeOutcome {
        var out = MergedText(lineBreak: lineBreak)
        let result = lineMerger.merge(
            base: base ?? "", ours: ours, theirs: theirs, labels: lineMergeLabels(file: path, path: []))
        out.appendLineMerge(result, file: path, path: [], base: base, ours: ours, theirs: theirs)
        return MergeOutcome(text: out.text, conflicts: out.conflicts, lineMergeFallback: reason)
    }

    /// The whole file as one conflict: used when a structured result fails its own check.
    func wholeFileConflict(reason: String) -> MergeOutcome {
        var out = MergedText(lineBreak: lineBreak)
        out.appendConflict(
            file: path, path: [], kind: base == nil ? .addAdd : .bothChanged, base: base, ours: ours, theirs: theirs)
        return MergeOutcome(text: out.text, conflicts: out.conflicts, lineMergeFallback: reason)
    }

    func parse(_ text: String, side: String, lineOffset: Int = 0) -> Result<YAMLNode?, Unreadable> {
        do {
            return .success(try YAMLParser.parse(text))
        } catch {
            return .failure(Unreadable(reason: "\(side) cannot be read as YAML (line \(error.line + lineOffset): \(error.message))"))
        }
    }

    func parseSides(_ texts: (String?, String, String), lineOffset: Int)
        -> Result<(YAMLNode?, YAMLNode?, YAMLNode?), Unreadable>
    {
        var nodes: [YAMLNode?] = []
        for (text, side) in [(texts.0, "base"), (texts.1, "ours"), (texts.2, "theirs")] {
            guard let text else {
                nodes.append(nil)
                continue
            }
            switch parse(text, side: side, lineOffset: lineOffset) {
            case .success(let node): nodes.append(node)
            case .failure(let error): return .failure(error)
            }
        }
        return .success((nodes[0], nodes[1], nodes[2]))
    }

    struct Unreadable: Error {
        var reason: String
    }

    /// The final line break as the sides left it.
    func finalLineBreak() -> Bool {
        let o = ours.endsWithLineBreak
        let t = theirs.endsWithLineBreak
        guard let base else { return o || t }
        return o == base.endsWithLineBreak ? t : o
    }

    // MARK: YAML data files

    func mergeYAMLFile() -> MergeOutcome {
        let containerKeys: Set<String> =
            path.hasSuffix("accounts.yaml") ? ["accounts"] : path.hasSuffix("team.yaml") ? ["people"] : []
        if fastPath, let base, let containerKey = containerKeys.first,
            let outcome = KeyedBlockFastPath(containerKey: containerKey, merger: yamlMerger(containerKeys: containerKeys))
                .merge(base: base, ours: ours, theirs: theirs, finalLineBreak: finalLineBreak())
        {
            return outcome
        }
        let documents: (YAMLNode?, YAMLNode?, YAMLNode?)
        switch parseSides((base, ours, theirs), lineOffset: 0) {
        case .success(let nodes): documents = nodes
        case .failure(let error): return lineMerge(reason: error.reason)
        }
        let merger = yamlMerger(containerKeys: containerKeys)
        guard var merged = mergeDocument(documents, texts: (base, ours, theirs), merger: merger, path: []) else {
            return lineMerge(reason: "the top level is not a block mapping")
        }
        merged.setFinalLineBreak(finalLineBreak())
        if merged.conflicts.isEmpty {
            switch parse(merged.text, side: "the merged text") {
            case .failure(let error):
                return wholeFileConflict(reason: error.reason)
            case .success(let result):
                if let problem = MergeCheck.problem(
                    base: documents.0, ours: documents.1, theirs: documents.2, merged: result)
                {
                    return wholeFileConflict(reason: "the merged data does not add up: \(problem)")
                }
            }
        }
        return MergeOutcome(text: merged.text, conflicts: merged.conflicts)
    }

    func mergeDocument(
        _ documents: (YAMLNode?, YAMLNode?, YAMLNode?), texts: (String?, String, String), merger: YAMLMerger,
        path: [String]
    ) -> MergedText? {
        let baseView = texts.0.map { MappingView(document: documents.0, lines: TextLines($0)) }
        guard baseView.map({ $0 != nil }) ?? true,
            let oursView = MappingView(document: documents.1, lines: TextLines(texts.1)),
            let theirsView = MappingView(document: documents.2, lines: TextLines(texts.2))
        else { return nil }
        return merger.mergeMapping(base: baseView ?? nil, ours: oursView, theirs: theirsView, path: path)
    }

    // MARK: Plans

    struct PlanText {
        var document: PlanDocument
        var lines: TextLines
        var hasFrontMatter: Bool
        var openingFence: String
        var frontMatter: String
        var closingFence: String
    }

    /// The plan's parts as `PlanDocument` cuts them; nil when its front matter is not closed.
    func planText(_ text: String) -> PlanText? {
        let document = PlanDocument(text)
        let lines = TextLines(text)
        switch document.frontMatter {
        case .unterminated:
            return nil
        case .none:
            return PlanText(
                document: document, lines: lines, hasFrontMatter: false, openingFence: "", frontMatter: "",
                closingFence: "")
        case .found(let yaml, _):
            return PlanText(
                document: document, lines: lines, hasFrontMatter: true, openingFence: lines.text(1..<2),
                frontMatter: lines.text(yaml), closingFence: lines.text(yaml.upperBound..<(yaml.upperBound + 1)))
        }
    }

    func mergePlanFile() -> MergeOutcome {
        guard let o = planText(ours), let t = planText(theirs) else {
            return lineMerge(reason: "a side's front matter has no closing '---'")
        }
        var b: PlanText?
        if let base {
            guard let parsed = planText(base) else { return lineMerge(reason: "base's front matter has no closing '---'") }
            b = parsed
        }
        let documents: (YAMLNode?, YAMLNode?, YAMLNode?)
        switch parseSides((b?.frontMatter, o.frontMatter, t.frontMatter), lineOffset: 1) {
        case .success(let nodes): documents = nodes
        case .failure(let error): return lineMerge(reason: error.reason)
        }
        let name = planName
        let merger = yamlMerger()
        var out = MergedText(lineBreak: lineBreak)
        let frontMatter: MergedText
        if let choice = pickChanged(base: b?.frontMatter, ours: o.frontMatter, theirs: t.frontMatter) {
            var picked = MergedText(lineBreak: lineBreak)
            picked.append(choice ?? "")
            frontMatter = picked
        } else if let merged = mergeDocument(
            documents, texts: (b?.frontMatter, o.frontMatter, t.frontMatter), merger: merger, path: [name])
        {
            frontMatter = merged
        } else {
            return lineMerge(reason: "the front matter is not a block mapping")
        }
        if o.hasFrontMatter || t.hasFrontMatter || !frontMatter.text.isEmpty {
            out.append(o.hasFrontMatter ? o.openingFence : t.openingFence)
            out.append(frontMatter)
            out.append(o.hasFrontMatter ? o.closingFence : t.closingFence)
        }
        let body = MarkdownMerger(yaml: merger, planName: name).merge(
            base: b.map { ($0.document, $0.lines) }, ours: (o.document, o.lines), theirs: (t.document, t.lines))
        out.append(body)
        out.setFinalLineBreak(finalLineBreak())
        if out.conflicts.isEmpty {
            guard let result = planText(out.text) else {
                return wholeFileConflict(reason: "the merged front matter has no closing '---'")
            }
            switch parse(result.frontMatter, side: "the merged front matter", lineOffset: 1) {
            case .failure(let error):
                return wholeFileConflict(reason: error.reason)
            case .success(let node):
                if let problem = MergeCheck.problem(
                    base: documents.0, ours: documents.1, theirs: documents.2, merged: node)
                {
                    return wholeFileConflict(reason: "the merged front matter does not add up: \(problem)")
                }
            }
        }
        return MergeOutcome(text: out.text, conflicts: out.conflicts)
    }

    /// The plan's id, from its file name.
    var planName: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".md") ? String(file.dropLast(3)) : file
    }
}
