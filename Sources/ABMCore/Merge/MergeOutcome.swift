/// The result of merging one file three ways: the text to write and every conflict left in it.
/// A conflict is a result, not an error: the text then holds conflict markers around exactly the
/// fields or sections that collided, and `conflicts` lists them in plan terms.
public struct MergeOutcome: Hashable, Sendable {
    public var text: String
    public var conflicts: [MergeConflict]
    /// Set when the file was not merged structurally but line by line, with the reason
    /// (for example "ours: accounts.yaml line 3: duplicate key 'tier'").
    public var lineMergeFallback: String?

    public init(text: String, conflicts: [MergeConflict], lineMergeFallback: String? = nil) {
        self.text = text
        self.conflicts = conflicts
        self.lineMergeFallback = lineMergeFallback
    }

    public var isClean: Bool { conflicts.isEmpty }
}

/// One place where both sides changed the same thing in different ways.
public struct MergeConflict: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Both sides changed the same field, item or section, differently.
        case bothChanged
        /// One side deleted what the other changed (the deleting side's value is nil).
        case deleteModify
        /// Both sides added the same key, item or section with different content.
        case addAdd
    }

    public var file: String
    /// Where in plan terms: account or plan, then section or field, e.g. ["Acme Corp", "stage"].
    public var path: [String]
    public var kind: Kind
    /// The text of each side (a field's whole entry, a section…); nil where it is absent.
    public var base: String?
    public var ours: String?
    public var theirs: String?
    /// 1-based line of the `<<<<<<<` marker in the merged text.
    public var line: Int

    public init(
        file: String, path: [String], kind: Kind, base: String?, ours: String?, theirs: String?, line: Int
    ) {
        self.file = file
        self.path = path
        self.kind = kind
        self.base = base
        self.ours = ours
        self.theirs = theirs
        self.line = line
    }

    /// "Acme Corp · stage"
    public var subject: String { path.isEmpty ? file : path.joined(separator: " · ") }

    /// "both changed", "deleted on one side, changed on the other", "added on both sides"
    public var kindDescription: String {
        switch kind {
        case .bothChanged: return "both changed"
        case .deleteModify: return ours == nil ? "deleted in ours, changed in theirs" : "changed in ours, deleted in theirs"
        case .addAdd: return "added on both sides"
        }
    }
}

/// The labels a line merge writes after its conflict markers.
public struct LineMergeLabels: Hashable, Sendable {
    public var base: String
    public var ours: String
    public var theirs: String

    public init(base: String, ours: String, theirs: String) {
        self.base = base
        self.ours = ours
        self.theirs = theirs
    }
}

/// The outcome of a plain line-based three-way merge.
public struct TextMergeResult: Hashable, Sendable {
    public var text: String
    /// False when the text holds conflict markers.
    public var isClean: Bool

    public init(text: String, isClean: Bool) {
        self.text = text
        self.isClean = isClean
    }
}

/// A line-based three-way merge (`git merge-file`), injected so that ABMCore stays free of git.
/// Conflict markers must be 7 characters at the start of a line, followed by a space and the label.
public protocol LineMerger: Sendable {
    func merge(base: String, ours: String, theirs: String, labels: LineMergeLabels) -> TextMergeResult
}
