/// Merged text under construction, with the conflicts it holds. Conflict lines are kept relative
/// to the start of the fragment and shifted as fragments are joined.
struct MergedText {
    private(set) var text = ""
    private(set) var conflicts: [MergeConflict] = []
    private var lineCount = 0
    let lineBreak: String

    init(lineBreak: String) {
        self.lineBreak = lineBreak
    }

    var endsWithLineBreak: Bool { text.isEmpty || text.endsWithLineBreak }

    /// Appends text copied from one side, starting it on a new line if needed.
    mutating func append(_ piece: some StringProtocol) {
        guard !piece.isEmpty else { return }
        if !endsWithLineBreak { appendRaw(lineBreak) }
        appendRaw(piece)
    }

    mutating func append(_ other: MergedText) {
        guard !other.text.isEmpty else { return }
        if !endsWithLineBreak { appendRaw(lineBreak) }
        let offset = lineCount
        for var conflict in other.conflicts {
            conflict.line += offset
            conflicts.append(conflict)
        }
        appendRaw(other.text)
    }

    private mutating func appendRaw(_ piece: some StringProtocol) {
        text += piece
        lineCount += piece.utf8.withContiguousStorageIfAvailable(Self.lineBreaks)
            ?? piece.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    private static func lineBreaks(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
        return count
    }

    /// Writes both sides between conflict markers that name what collided.
    mutating func appendConflict(
        file: String, path: [String], kind: MergeConflict.Kind, base: String?, ours: String?, theirs: String?
    ) {
        if !endsWithLineBreak { appendRaw(lineBreak) }
        let subject = path.isEmpty ? file : path.joined(separator: " · ")
        let conflict = MergeConflict(
            file: file, path: path, kind: kind, base: base, ours: ours, theirs: theirs, line: lineCount + 1)
        conflicts.append(conflict)
        appendRaw("<<<<<<< ours — \(subject) (\(conflict.kindDescription))" + lineBreak)
        if let ours, !ours.isEmpty { appendRaw(ours) }
        if !endsWithLineBreak { appendRaw(lineBreak) }
        appendRaw("=======" + lineBreak)
        if let theirs, !theirs.isEmpty { appendRaw(theirs) }
        if !endsWithLineBreak { appendRaw(lineBreak) }
        appendRaw(">>>>>>> theirs — \(subject)" + lineBreak)
    }

    /// Appends the result of a line merge, listing each of its conflict hunks.
    mutating func appendLineMerge(
        _ result: TextMergeResult, file: String, path: [String], base: String?, ours: String, theirs: String
    ) {
        if !endsWithLineBreak { appendRaw(lineBreak) }
        let start = lineCount
        if !result.isClean {
            var found = false
            for marker in ConflictMarker.markers(in: result.text) where marker.kind == .ours {
                let number = marker.line
                found = true
                conflicts.append(
                    MergeConflict(
                        file: file, path: path, kind: base == nil ? .addAdd : .bothChanged, base: base, ours: ours,
                        theirs: theirs, line: start + number))
            }
            if !found {
                // A merger that says "conflict" without markers: mark the whole region ourselves.
                appendConflict(
                    file: file, path: path, kind: base == nil ? .addAdd : .bothChanged, base: base, ours: ours,
                    theirs: theirs)
                return
            }
        }
        appendRaw(result.text)
    }

    /// Forces the final line break to `present`.
    mutating func setFinalLineBreak(_ present: Bool) {
        if present {
            if !text.isEmpty, !text.endsWithLineBreak { appendRaw(lineBreak) }
        } else {
            while text.endsWithLineBreak {
                text.removeLast()  // "\r\n" is one Character
                lineCount -= 1
            }
        }
    }
}

/// Labels for a line merge confined to one field or section.
func lineMergeLabels(file: String, path: [String]) -> LineMergeLabels {
    let subject = path.isEmpty ? file : path.joined(separator: " · ")
    return LineMergeLabels(base: "base — \(subject)", ours: "ours — \(subject) (both changed)", theirs: "theirs — \(subject)")
}

/// The three-way choice for a piece nobody needs to look inside: nil when both sides changed it differently.
func pickChanged<T: Equatable>(base: T?, ours: T?, theirs: T?) -> T?? {
    if ours == theirs { return .some(ours) }
    if ours == base { return .some(theirs) }
    if theirs == base { return .some(ours) }
    return nil
}

extension String {
    /// Ends with "\n" or "\r\n" (`hasSuffix("\n")` is false for "\r\n", a single Character).
    var endsWithLineBreak: Bool { utf8.last == UInt8(ascii: "\n") }
}

extension Substring {
    /// The line without its line break ("\r\n" is a single Character).
    var droppingLineBreak: Substring { utf8.last == UInt8(ascii: "\n") ? dropLast() : self }
}
