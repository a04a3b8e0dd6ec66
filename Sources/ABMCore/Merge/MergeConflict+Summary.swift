import Foundation

extension MergeConflict {
    /// `Acme Corp · stage: ours "evaluation", theirs "negotiation" (base "opportunity")`
    ///
    /// For block text and sections only the lines that differ are shown (the lines all sides share,
    /// before and after, are left out), joined with ` / `; for a table row, the cells that differ.
    /// Never more than one line.
    public var summary: String { summary(plain: true, teammate: nil) }

    /// The summary as the person reads it: `Acme Corp · stage: yours "lost", Sam Lee's "won"
    /// (before "target")`; "teammates'" when the teammate is not one known person.
    public func summary(teammate: String?) -> String { summary(plain: false, teammate: teammate) }

    private func summary(plain: Bool, teammate: String?) -> String {
        let yoursLabel = plain ? "ours" : "yours"
        let theirsLabel = plain ? "theirs" : teammate.map { "\($0)'s" } ?? "teammates'"
        let parts = Self.differingParts([ours, theirs, base], field: path.last)
        func quoted(_ index: Int) -> String {
            guard let part = parts[index] else { return "(none)" }
            return "\"\(part)\""
        }
        var text = "\(subject): "
        switch kind {
        case .deleteModify:
            if plain {
                text += ours == nil ? "deleted on our side, changed on theirs" : "changed on our side, deleted on theirs"
            } else {
                let who = teammate ?? "a teammate"
                text += ours == nil ? "you deleted it, \(who) changed it" : "you changed it, \(who) deleted it"
            }
        case .addAdd:
            text += "added on both sides differently: \(yoursLabel) \(quoted(0)), \(theirsLabel) \(quoted(1))"
        default:
            if ours == nil, theirs == nil {
                text += "both sides changed the same lines"
            } else {
                text += "\(yoursLabel) \(quoted(0)), \(theirsLabel) \(quoted(1))"
                if base != nil { text += plain ? " (base \(quoted(2)))" : " (before \(quoted(2)))" }
            }
        }
        return text
    }

    /// Each text's part that differs from the others, short and on one line: a one-line field
    /// `    stage: lost  # note` as `lost`; several lines as the lines that differ, joined with ` / `
    /// ("(no lines)" when a text only lacks lines the others have); a table row as its differing cells.
    /// Nil for a nil text.
    static func differingParts(_ texts: [String?], field: String?, limit: Int = 60) -> [String?] {
        let blank: Set<Character> = [" ", "\t", "\r"]
        func lines(_ text: String) -> [String] {
            text.split(whereSeparator: \.isNewline).compactMap { line in
                var trimmed = line.drop { blank.contains($0) }
                while let last = trimmed.last, blank.contains(last) { trimmed = trimmed.dropLast() }
                return trimmed.isEmpty ? nil : escaped(String(trimmed))
            }
        }
        let split = texts.map { $0.map(lines) }
        let present = split.compactMap { $0 }
        func clip(_ text: String) -> String { text.count > limit ? String(text.prefix(limit - 1)) + "…" : text }
        // One line each: a field's value, or a table row's differing cells.
        if present.allSatisfy({ $0.count <= 1 }) {
            let single = split.map { $0.map { $0.first ?? "" } }
            if single.compactMap({ $0 }).allSatisfy({ $0.hasPrefix("|") }) {
                let cells = single.map { $0.map(tableCells) }
                let (prefix, suffix) = common(cells.compactMap { $0 })
                return cells.map { row in
                    row.map { cells in
                        let differing = cells[prefix..<max(prefix, cells.count - suffix)]
                        return differing.isEmpty ? "(no cell)" : clip(differing.joined(separator: " | "))
                    }
                }
            }
            return zip(texts, single).map { raw, line in
                guard let raw, let line else { return nil }
                let value = displayValue(raw, field: field)
                return clip(value == raw ? line : escaped(value))
            }
        }
        let (prefix, suffix) = common(present)
        return split.map { lines in
            guard let lines else { return nil }
            let differing = lines[prefix..<max(prefix, lines.count - suffix)]
            return differing.isEmpty ? "(no lines)" : clip(differing.joined(separator: " / "))
        }
    }

    /// How many leading and trailing elements every list shares (not overlapping in the shortest).
    private static func common(_ lists: [[String]]) -> (prefix: Int, suffix: Int) {
        guard let first = lists.first else { return (0, 0) }
        let shortest = lists.map(\.count).min() ?? 0
        var prefix = 0
        while prefix < shortest, lists.allSatisfy({ $0[prefix] == first[prefix] }) { prefix += 1 }
        var suffix = 0
        while suffix < shortest - prefix,
            lists.allSatisfy({ $0[$0.count - 1 - suffix] == first[first.count - 1 - suffix] })
        {
            suffix += 1
        }
        return (prefix, suffix)
    }

    private static func tableCells(_ line: String) -> [String] {
        var rest = Substring(line)
        if rest.first == "|" { rest = rest.dropFirst() }
        if rest.last == "|" { rest = rest.dropLast() }
        return rest.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }

    /// Control characters shown as `\u{…}`, so that a summary stays one line of plain text.
    private static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension MergeConflict {
    /// A one-line field written as `    stage: lost  # note` reads as `lost`.
    func displayValue(_ raw: String) -> String {
        Self.displayValue(raw, field: path.last)
    }

    static func displayValue(_ raw: String, field: String?) -> String {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: true)
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\r" }) { lines.removeLast() }
        guard lines.count == 1, let field else { return raw }
        var line = Substring(lines[0]).drop { $0 == " " || $0 == "-" }
        if line.hasSuffix("\r") { line = line.dropLast() }
        guard line.hasPrefix(field + ":") else { return raw }
        var value = line.dropFirst(field.count + 1).drop { $0 == " " }
        if let hash = value.range(of: " #") { value = value[..<hash.lowerBound] }
        while value.last == " " { value = value.dropLast() }
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = value.dropFirst().dropLast()
        }
        return String(value)
    }
}
