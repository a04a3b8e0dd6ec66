/// A plan file: YAML front matter and a Markdown body cut into sections.
/// `accounts/<id>.md`, `clusters/<id>.md` or `programs/<id>.md`.
public struct Plan: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case account, cluster, program

        /// The folder plans of this kind live in.
        public var folder: String {
            switch self {
            case .account: return "accounts"
            case .cluster: return "clusters"
            case .program: return "programs"
            }
        }

        /// The front-matter key that names the plan's subject (`account: acme-corp`).
        public var idKey: String { rawValue }

        public var title: String {
            switch self {
            case .account: return "account plan"
            case .cluster: return "cluster plan"
            case .program: return "programme plan"
            }
        }

        public init?(folder: String) {
            guard let kind = Kind.allCases.first(where: { $0.folder == folder }) else { return nil }
            self = kind
        }
    }

    /// A `##` section: its heading and every line up to the next heading of level 1 or 2.
    public struct Section: Sendable, Hashable {
        public var title: String
        public var headingLine: Int
        /// File lines of the section, heading included (half-open).
        public var lines: Range<Int>
    }

    public var kind: Kind
    /// The id taken from the file name.
    public var id: String
    public var path: String
    /// The parsed front matter (nil when the file has none).
    public var frontMatter: YAMLNode?
    /// File lines of the YAML between the `---` fences (half-open).
    public var frontMatterLines: Range<Int>?
    /// True when the front matter is there but is not valid YAML (reported where it breaks).
    public var frontMatterBroken = false
    /// The first line of the Markdown body.
    public var bodyStartLine: Int
    /// The `#` title, if any.
    public var title: String?
    public var sections: [Section]
    /// Every top-level Markdown block, with file line numbers.
    public var blocks: [MarkdownOutline.Block]
    public var lineCount: Int

    public func section(named title: String) -> Section? {
        let wanted = Plan.normalizedTitle(title)
        return sections.first { Plan.normalizedTitle($0.title) == wanted }
    }

    /// Section titles compare case-insensitively, ignoring spaces at the ends.
    public static func normalizedTitle(_ title: String) -> String {
        // Titles rarely have anything to trim (cmark-gfm trims headings), and this runs for every
        // section of every plan: skip the Character-wise trim when neither end is a space or tab
        // byte (no Character but " " itself equals " ", and likewise for tab).
        func blank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        if let first = title.utf8.first, let last = title.utf8.last, !blank(first), !blank(last) {
            return title.lowercased()
        }
        return title.trimmingCharacters(in: " \t").lowercased()
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while end > start, characters.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
