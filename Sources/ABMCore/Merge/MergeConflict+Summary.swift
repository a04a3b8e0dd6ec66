import Foundation

extension MergeConflict {
    /// `Acme Corp · stage: ours "evaluation", theirs "negotiation" (base "opportunity")`
    public var summary: String {
        func quoted(_ raw: String?) -> String {
            guard let raw else { return "(none)" }
            let value = displayValue(raw)
            let oneLine = value.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let short = oneLine.count > 40 ? String(oneLine.prefix(37)) + "…" : oneLine
            return value.contains("\n") && value.split(separator: "\n").count > 1 ? "\"\(short)…\"" : "\"\(short)\""
        }
        var text = "\(subject): "
        switch kind {
        case .deleteModify:
            text += ours == nil ? "deleted on our side, changed on theirs" : "changed on our side, deleted on theirs"
        case .addAdd:
            text += "added on both sides differently: ours \(quoted(ours)), theirs \(quoted(theirs))"
        default:
            if ours == nil, theirs == nil {
                text += "both sides changed the same lines"
            } else {
                text += "ours \(quoted(ours)), theirs \(quoted(theirs))"
                if let base { text += " (base \(quoted(base)))" }
            }
        }
        return text
    }
}

extension MergeConflict {
    /// A one-line field written as `    stage: lost  # note` reads as `lost`.
    func displayValue(_ raw: String) -> String {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: true)
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\r" }) { lines.removeLast() }
        guard lines.count == 1, let field = path.last else { return raw }
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
