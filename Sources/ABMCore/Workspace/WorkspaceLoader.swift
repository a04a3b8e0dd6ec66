/// The result of reading a workspace: what could be parsed, and every problem met on the way.
public struct WorkspaceLoad: Sendable {
    public var workspace: Workspace
    public var findings: [Finding]

    public init(workspace: Workspace, findings: [Finding]) {
        self.workspace = workspace
        self.findings = findings
    }
}

/// Reads a plan repository from any source into a `Workspace`, collecting every problem as a finding
/// (it never stops at the first one).
///
/// This is the plain path: every file is read and parsed. `IncrementalValidation` (module ABMCache)
/// reads the same files with the same pieces (`loadPolicy`, `loadTeam`, `planPaths`, `parsePlans`),
/// reusing what an earlier run parsed, and gives the same findings.
public struct WorkspaceLoader {
    /// What reading policy, team and the folders met (each plan's and accounts.yaml's own findings
    /// are kept apart, and come after these).
    package var findings: [Finding] = []
    package private(set) var documents: [String: YAMLNode] = [:]
    package var present: Set<String> = []

    public init() {}

    public static func load(from source: some WorkspaceSource) -> WorkspaceLoad {
        var loader = WorkspaceLoader()
        return loader.load(from: source)
    }

    public mutating func load(from source: some WorkspaceSource) -> WorkspaceLoad {
        let policy = loadPolicy(source)
        let team = loadTeam(source)
        // accounts.yaml is the largest single file: it is parsed while the plans are.
        let accountsTask = read(WorkspaceFile.accounts, source: source).map { bytes in
            BackgroundTask { Self.accounts(bytes) }
        }
        let listing = planPaths(source)
        let outcomes = Self.parsePlans(
            listing.paths.map { PlanJob(path: $0.path, kind: $0.kind) }, source: source, finishing: { _, _ in })
        var planFindings: [Finding] = []
        var plans: [PlanFacts] = []
        plans.reserveCapacity(outcomes.count)
        // In path order, so findings come out as in a serial run.
        for (job, outcome) in zip(listing.paths, outcomes) {
            switch outcome {
            case .missing:
                continue
            case .unreadable(let error):
                findings.append(Self.finding(error))
            case .parsed(let loaded, _):
                present.insert(job.path)
                planFindings += loaded.findings
                if let facts = loaded.facts { plans.append(facts) }
            }
        }
        let accounts = accountsTask?.wait() ?? AccountsLoad()
        let all = findings + planFindings + accounts.findings
        let workspace = Workspace(
            policy: policy, team: team, accounts: accounts.accounts, plans: plans, documents: documents,
            presentFiles: present, unreadableFiles: Self.unreadableFiles(all))
        return WorkspaceLoad(workspace: workspace, findings: all)
    }

    /// Rules whose finding about a whole file (not about one account in it) means the file, or a
    /// plan's front matter, could not be read.
    public static let unreadableRules: Set<String> = [
        "yaml-syntax", "yaml-duplicate-key", "yaml-anchor", "yaml-too-large", "conflict-marker", "file-binary",
        "file-encoding", "file-too-large", "file-symlink", "file-unreadable", "file-empty", "file-shape", "front-matter",
    ]

    /// The files that reading reported as unreadable, from the findings of reading them.
    public static func unreadableFiles(_ findings: [Finding]) -> Set<String> {
        var files: Set<String> = []
        for finding in findings where finding.account == nil && unreadableRules.contains(finding.rule) {
            files.insert(finding.location.file)
        }
        return files
    }

    /// A plan file read and parsed on its own.
    package static func parsePlan(_ path: String, source: some WorkspaceSource) -> PlanInput.Loaded {
        guard let kind = WorkspaceFile.planKind(of: path) else { return PlanInput.Loaded(facts: nil, findings: []) }
        do {
            guard let bytes = try source.read(path) else { return PlanInput.Loaded(facts: nil, findings: []) }
            return PlanInput.load(PlanInput(path: path, kind: kind, bytes: bytes))
        } catch {
            return PlanInput.Loaded(facts: nil, findings: [finding(error)])
        }
    }

    /// Every plan file of the plan folders, by kind (`Plan.Kind.allCases` order), then by path;
    /// `listedEverything` is false when a folder could not be listed (the finding says why).
    package mutating func planPaths(_ source: some WorkspaceSource)
        -> (paths: [(path: String, kind: Plan.Kind)], listedEverything: Bool)
    {
        var paths: [(path: String, kind: Plan.Kind)] = []
        var listedEverything = true
        for kind in Plan.Kind.allCases {
            let folderPaths: [String]
            do {
                folderPaths = try source.paths(in: kind.folder)
            } catch {
                findings.append(Self.finding(error))
                listedEverything = false
                continue
            }
            for path in folderPaths.sorted() where WorkspaceFile.hasPlanExtension(path) { paths.append((path, kind)) }
        }
        return (paths, listedEverything)
    }

    /// Reads and parses plans on all cores, giving one outcome per job, in order.
    ///
    /// A source that can be read from several threads at once (files on disk) is read by the
    /// workers themselves, so reading overlaps parsing and no file waits for a whole batch. Other
    /// sources (a libgit2 repository) are read here, one batch at a time so memory stays bounded,
    /// while the pure work (decoding, YAML, Markdown, the plan's own checks, its record) runs on
    /// all cores.
    ///
    /// `finish` runs on the worker right after a plan is parsed, with the job's position and what
    /// parsing gave (the cache layer encodes the plan's record there); its result comes with the
    /// outcome.
    package static func parsePlans<Extra: Sendable>(
        _ jobs: [PlanJob], source: some WorkspaceSource,
        finishing finish: @escaping @Sendable (Int, PlanInput.Loaded) -> Extra
    ) -> [PlanOutcome<Extra>] {
        @Sendable func parse(_ position: Int, _ bytes: [UInt8]) -> PlanOutcome<Extra> {
            let job = jobs[position]
            let loaded = PlanInput.load(PlanInput(path: job.path, kind: job.kind, bytes: bytes))
            return .parsed(loaded, finish(position, loaded))
        }
        @Sendable func readAndParse(_ position: Int, from source: any ConcurrentWorkspaceSource) -> PlanOutcome<Extra> {
            do {
                guard let bytes = try source.read(jobs[position].path) else { return .missing }
                return parse(position, bytes)
            } catch {
                return .unreadable(error)
            }
        }
        if let concurrent = source as? any ConcurrentWorkspaceSource {
            return Parallel.map(Array(jobs.indices), chunkSize: planChunkSize) { readAndParse($0, from: concurrent) }
        }
        var outcomes: [PlanOutcome<Extra>] = []
        outcomes.reserveCapacity(jobs.count)
        var start = 0
        while start < jobs.count {
            let batch = start..<min(start + Self.planBatchSize, jobs.count)
            start = batch.upperBound
            var read: [(position: Int, bytes: [UInt8])] = []
            read.reserveCapacity(batch.count)
            // Where each job's outcome comes from: its place in `read`, or the outcome itself.
            var order: [PlanOutcome<Extra>?] = []
            order.reserveCapacity(batch.count)
            for position in batch {
                do {
                    guard let bytes = try source.read(jobs[position].path) else {
                        order.append(.missing)
                        continue
                    }
                    read.append((position, bytes))
                    order.append(nil)
                } catch {
                    order.append(.unreadable(error))
                }
            }
            var parsed = Parallel.map(read, chunkSize: planChunkSize) { parse($0.position, $0.bytes) }
            var next = 0
            for outcome in order {
                if let outcome {
                    outcomes.append(outcome)
                } else if next < parsed.count {
                    var taken = PlanOutcome<Extra>.missing
                    swap(&taken, &parsed[next])
                    outcomes.append(taken)
                    next += 1
                }
            }
        }
        return outcomes
    }

    /// Plans read ahead of parsing when the source is read on one thread: enough to keep every
    /// core busy, few enough to bound memory.
    static let planBatchSize = 2048
    /// Plans a worker takes at a time: small enough that the cores finish together.
    static let planChunkSize = 16

    // MARK: - Files

    /// Reads a file as text, reporting why it cannot be read. Nil when missing or unusable.
    private mutating func text(_ path: String, source: some WorkspaceSource, limit: Int) -> TextLines? {
        guard let bytes = read(path, source: source) else { return nil }
        return Self.text(bytes, path: path, limit: limit, findings: &findings)
    }

    /// A file's bytes; nil when it is missing or cannot be read (then with a finding).
    package mutating func read(_ path: String, source: some WorkspaceSource) -> [UInt8]? {
        let bytes: [UInt8]?
        do {
            bytes = try source.read(path)
        } catch {
            report(error)
            return nil
        }
        if bytes != nil { present.insert(path) }
        return bytes
    }

    /// A file's bytes as text, or nil with the reason among `findings`.
    package static func text(_ bytes: [UInt8], path: String, limit: Int, findings: inout [Finding]) -> TextLines? {
        if bytes.count > limit {
            findings.append(Self.finding(SourceError(path: path, reason: .tooLarge(bytes: bytes.count, limit: limit))))
            return nil
        }
        let decoded: String
        do {
            decoded = try PlanText.decode(bytes)
        } catch {
            findings.append(finding(error, path: path))
            return nil
        }
        if reportConflictMarkers(decoded, path: path, findings: &findings) { return nil }
        return TextLines(decoded)
    }

    private mutating func report(_ error: SourceError) {
        findings.append(Self.finding(error))
    }

    static func finding(_ error: PlanText.Problem, path: String) -> Finding {
        Finding(
            .error, rule: error.rule, at: SourceLocation(file: path, line: error.line, column: error.column),
            error.message, fix: error.fix)
    }

    package static func finding(_ error: SourceError) -> Finding {
        let rule: String
        switch error.reason {
        case .symbolicLink: rule = "file-symlink"
        case .tooLarge: rule = "file-too-large"
        case .unreadable, .notAFile: rule = "file-unreadable"
        }
        return Finding(.error, rule: rule, at: SourceLocation(file: error.path), error.message, fix: error.fix)
    }

    /// Reports leftover merge conflict markers; true when there were any.
    private static func reportConflictMarkers(_ text: String, path: String, findings: inout [Finding]) -> Bool {
        let markers = ConflictMarker.markers(in: text)
        findings += ConflictMarker.findings(markers, path: path)
        return !markers.isEmpty
    }

    private mutating func parseYAML(_ lines: TextLines, path: String) -> YAMLNode? {
        let node = Self.parseYAML(lines, path: path, findings: &findings)
        if let node { documents[path] = node }
        return node
    }

    private static func parseYAML(_ lines: TextLines, path: String, findings: inout [Finding]) -> YAMLNode? {
        let text = lines.text(1..<(lines.count + 1))
        do {
            return try YAMLParser.parse(text)
        } catch {
            findings.append(
                Finding(
                    .error, rule: error.rule, at: SourceLocation(file: path, line: error.line, column: error.column),
                    error.message, fix: error.hint))
            return nil
        }
    }

    // MARK: - abmsync.yaml

    package mutating func loadPolicy(_ source: some WorkspaceSource) -> Policy {
        let path = WorkspaceFile.policy
        guard let lines = text(path, source: source, limit: WorkspaceFile.maxPlanBytes) else {
            return Policy.defaults
        }
        guard let root = parseYAML(lines, path: path) else { return Policy.defaults }
        var reader = FieldReader(file: path)
        defer { findings += reader.findings }
        return reader.policy(root)
    }

    // MARK: - team.yaml

    /// Only the team (for matching a git identity to a person), without reading the plans.
    public static func loadTeam(from source: some WorkspaceSource) -> Team {
        var loader = WorkspaceLoader()
        return loader.loadTeam(source)
    }

    package mutating func loadTeam(_ source: some WorkspaceSource) -> Team {
        let path = WorkspaceFile.team
        guard let lines = text(path, source: source, limit: WorkspaceFile.maxListBytes) else { return Team(people: []) }
        guard let root = parseYAML(lines, path: path) else {
            reportEmpty(path, lines: lines, expected: "'people:' with each person's name, email and roles")
            return Team(people: [])
        }
        var reader = FieldReader(file: path)
        defer { findings += reader.findings }
        return reader.team(root)
    }

    // MARK: - accounts.yaml

    /// accounts.yaml parsed; pure, so it can run alongside the plans.
    public struct AccountsLoad: Sendable {
        package var accounts: [Account] = []
        package var findings: [Finding] = []

        package init() {}
    }

    /// One accounts.yaml entry (its text from its key line, `lineOffset` lines into the file) read
    /// alone, as the whole-file parse reads it: its account (nil when unusable) and findings; nil
    /// when the text is not exactly one YAML entry.
    package static func accountEntry(_ text: UnsafeBufferPointer<UInt8>, lineOffset: Int)
        -> (account: Account?, findings: [Finding])?
    {
        guard let root = try? YAMLParser.parse(utf8: text, lineOffset: lineOffset), let entries = root.entries,
            entries.count == 1
        else { return nil }
        var reader = FieldReader(file: WorkspaceFile.accounts)
        let account = reader.account(entries[0])
        return (account, reader.findings)
    }

    /// accounts.yaml parsed as a whole.
    package static func accounts(_ bytes: [UInt8]?) -> AccountsLoad {
        let path = WorkspaceFile.accounts
        var load = AccountsLoad()
        guard let bytes, let lines = text(bytes, path: path, limit: WorkspaceFile.maxListBytes, findings: &load.findings)
        else { return load }
        guard let root = parseYAML(lines, path: path, findings: &load.findings) else {
            if load.findings.isEmpty {
                load.findings.append(emptyFinding(path, lines: lines, expected: "'accounts:' (write 'accounts: {}' for an empty list)"))
            }
            return load
        }
        var reader = FieldReader(file: path)
        load.accounts = reader.accounts(root)
        load.findings += reader.findings
        return load
    }

    /// A list file that parsed to nothing (empty, or only comments) is almost always a truncated or
    /// wrongly saved file: say so rather than validate an empty team or account list.
    private mutating func reportEmpty(_ path: String, lines: TextLines, expected: String) {
        guard documents[path] == nil, !findings.contains(where: { $0.location.file == path }) else { return }
        findings.append(Self.emptyFinding(path, lines: lines, expected: expected))
    }

    static func emptyFinding(_ path: String, lines: TextLines, expected: String) -> Finding {
        Finding(
            .error, rule: "file-empty", at: SourceLocation(file: path, line: max(1, lines.count)), "\(path) is empty",
            why: "every plan repository needs its \(path == WorkspaceFile.team ? "team" : "account list")",
            fix: "restore it from history ('abmsync status' shows the change) or write \(expected)")
    }
}

/// A source whose `read` may be called from several threads at once (files on disk, memory), so
/// plans are read by the workers that parse them. A libgit2 repository is not one.
public protocol ConcurrentWorkspaceSource: WorkspaceSource, Sendable {}

/// A plan file to read and parse.
package struct PlanJob: Sendable {
    package var path: String
    package var kind: Plan.Kind

    package init(path: String, kind: Plan.Kind) {
        self.path = path
        self.kind = kind
    }
}

/// What became of a `PlanJob`.
package enum PlanOutcome<Extra: Sendable>: Sendable {
    /// The file is gone (listed, then removed).
    case missing
    case unreadable(SourceError)
    /// Parsed, with what the caller made of it on the worker.
    case parsed(PlanInput.Loaded, Extra)
}

/// One plan file's bytes, read and waiting to be parsed.
public struct PlanInput: Sendable {
    var path: String
    var kind: Plan.Kind
    var bytes: [UInt8]

    /// What parsing one plan gives: its facts (nil when unusable) and the problems met, those of the
    /// checks that look at nothing but the plan included (at their default severity).
    public struct Loaded: Sendable {
        public var facts: PlanFacts?
        public var findings: [Finding]

        package init(facts: PlanFacts?, findings: [Finding]) {
            self.facts = facts
            self.findings = findings
        }
    }

    /// Parses the plan and runs its own checks. Pure: safe to run for many plans at once.
    static func load(_ input: PlanInput) -> Loaded {
        var findings: [Finding] = []
        guard let plan = input.plan(findings: &findings) else { return Loaded(facts: nil, findings: findings) }
        var collector = FindingCollector(levels: [:])
        PlanRules.checkFile(plan, &collector)
        return Loaded(facts: PlanFacts(plan), findings: findings + collector.findings)
    }

    /// The parsed plan, or nil (with the reason among `findings`) when it cannot be read.
    ///
    /// Works on the file's bytes as they are: the checks of `WorkspaceLoader.text` (size, text,
    /// conflict markers), the front matter given to libyaml and the body given to cmark-gfm are
    /// byte ranges of the file, so no String is made of the whole file or its lines.
    func plan(findings: inout [Finding]) -> Plan? {
        if bytes.count > WorkspaceFile.maxPlanBytes {
            findings.append(
                WorkspaceLoader.finding(
                    SourceError(path: path, reason: .tooLarge(bytes: bytes.count, limit: WorkspaceFile.maxPlanBytes))))
            return nil
        }
        return bytes.withUnsafeBufferPointer { file in plan(file, findings: &findings) }
    }

    private func plan(_ file: UnsafeBufferPointer<UInt8>, findings: inout [Finding]) -> Plan? {
        let textStart: Int
        do {
            textStart = try PlanText.check(file)
        } catch {
            findings.append(WorkspaceLoader.finding(error, path: path))
            return nil
        }
        let text = UnsafeBufferPointer(rebasing: file[textStart...])
        let lines = PlanLines(text)
        guard lines.markers.isEmpty else {
            findings += ConflictMarker.findings(lines.markers, path: path)
            return nil
        }
        let id = String(path.dropFirst(kind.folder.count + 1).dropLast(3))
        var frontMatter: YAMLNode?
        var frontMatterLines: Range<Int>?
        var frontMatterBroken = false
        let document = PlanDocument(utf8: text, lines: lines)
        switch document.frontMatter {
        case .none:
            break
        case .unterminated:
            findings.append(
                Finding(
                    .error, rule: "front-matter", at: SourceLocation(file: path, line: 1),
                    "the front matter opened with '---' is never closed",
                    fix: "add a line with '---' after the front matter fields"))
            return nil
        case .found(let yaml, _):
            frontMatterLines = yaml
            do {
                frontMatter = try YAMLParser.parse(
                    utf8: UnsafeBufferPointer(rebasing: text[document.yamlBytes]), lineOffset: yaml.lowerBound - 1)
            } catch {
                frontMatterBroken = true
                findings.append(
                    Finding(
                        .error, rule: error.rule, at: SourceLocation(file: path, line: error.line, column: error.column),
                        error.message, fix: error.hint))
            }
        }
        let sections = document.sections.map { part in
            Plan.Section(title: part.heading?.title ?? "", headingLine: part.lines.lowerBound, lines: part.lines)
        }
        return Plan(
            kind: kind, id: id, path: path, frontMatter: frontMatter, frontMatterLines: frontMatterLines,
            frontMatterBroken: frontMatterBroken, bodyStartLine: document.bodyStartLine, title: document.title,
            sections: sections, blocks: document.outline.blocks, lineCount: document.lineCount)
    }
}
