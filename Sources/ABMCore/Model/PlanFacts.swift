/// What the rules that look across files need to know about one plan: a few located facts, taken
/// from the parsed file once.
///
/// A plan's own checks (its id, the shape of its stakeholders and KPIs) run when it is parsed; what
/// depends on other files (its account's tier, cluster sizes, owners in team.yaml) is judged from
/// these facts. They depend only on the file's path and bytes, so they can be kept per blob and
/// reused until the file changes, whatever else changed around it.
public struct PlanFacts: Sendable, Hashable {
    public var kind: Plan.Kind
    /// The id taken from the file name.
    public var id: String
    public var path: String
    /// The first line of the front matter (after `---`), else 1: where missing things are reported.
    public var frontMatterLine: Int
    /// The `#` title's line, else the body's first line.
    public var titleLine: Int
    /// The `##` section titles, normalised (`Plan.normalizedTitle`).
    public var sections: [String]
    /// How many stakeholders the front matter lists: nil when `stakeholders` is something other
    /// than a list (reported on its own), 0 when it is missing or empty.
    public var stakeholderCount: Int?
    /// Where the `stakeholders:` key is written.
    public var stakeholdersKey: SourceLocation?
    /// The plan's `owner` (a programme's, a cluster's), when it is a value; `owner: ""` is none.
    public var owner: Located<String>?
    /// Where a cluster plan's `cluster:` value is written.
    public var clusterField: SourceLocation?

    public init(
        kind: Plan.Kind, id: String, path: String, frontMatterLine: Int, titleLine: Int, sections: [String],
        stakeholderCount: Int?, stakeholdersKey: SourceLocation?, owner: Located<String>?, clusterField: SourceLocation?
    ) {
        self.kind = kind
        self.id = id
        self.path = path
        self.frontMatterLine = frontMatterLine
        self.titleLine = titleLine
        self.sections = sections
        self.stakeholderCount = stakeholderCount
        self.stakeholdersKey = stakeholdersKey
        self.owner = owner
        self.clusterField = clusterField
    }

    /// The facts of a parsed plan.
    public init(_ plan: Plan) {
        func location(_ node: YAMLNode) -> SourceLocation {
            SourceLocation(file: plan.path, line: node.line, column: node.column)
        }
        let frontMatter = plan.frontMatter
        var titleLine = plan.bodyStartLine
        for block in plan.blocks {
            if case .heading(level: 1) = block.kind {
                titleLine = block.lines.lowerBound
                break
            }
        }
        var stakeholderCount: Int? = 0
        var stakeholdersKey: SourceLocation?
        if let entry = frontMatter?.entries?.first(where: { $0.key == "stakeholders" }) {
            stakeholdersKey = location(entry.keyNode)
            if let items = entry.value.items {
                stakeholderCount = items.count
            } else if entry.value.scalar?.isNull != true {
                stakeholderCount = nil
            }
        }
        var owner: Located<String>?
        if let node = frontMatter?["owner"], let scalar = node.scalar, !scalar.isNull, !scalar.text.isEmpty {
            owner = Located(scalar.text, at: location(node))
        }
        self.init(
            kind: plan.kind, id: plan.id, path: plan.path, frontMatterLine: plan.frontMatterLines?.lowerBound ?? 1,
            titleLine: titleLine, sections: plan.sections.map { Plan.normalizedTitle($0.title) },
            stakeholderCount: stakeholderCount, stakeholdersKey: stakeholdersKey, owner: owner,
            clusterField: frontMatter?["cluster"].map(location))
    }

    public var frontMatterLocation: SourceLocation { SourceLocation(file: path, line: frontMatterLine) }
    public var titleLocation: SourceLocation { SourceLocation(file: path, line: titleLine) }
}
