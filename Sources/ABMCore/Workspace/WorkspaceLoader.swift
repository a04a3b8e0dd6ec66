/// The result of reading a workspace: what could be parsed, and every problem met on the way.
public struct WorkspaceLoad: Sendable {
    public var workspace: Workspace
    public var findings: [Finding]
    /// With `load(from:reusing:)`: the parse result of every plan file and of accounts.yaml that has a
    /// fingerprint, reused or new, for the caller to keep for the next run.
    public var parses: [String: FileParse] = [:]
    /// How many of those were parsed now rather than reused.
    public var reparsed = 0

    public init(workspace: Workspace, findings: [Finding]) {
        self.workspace = workspace
        self.findings = findings
    }
}

/// Reads a plan repository from any source into a `Workspace`, collecting every problem as a finding
/// (it never stops at the first one).
public struct WorkspaceLoader {
    public var findings: [Finding] = []
    private var documents: [String: YAMLNode] = [:]
    private var present: Set<String> = []

    public init() {}

    public static func load(from source: some WorkspaceSource) -> WorkspaceLoad {
        var loader = WorkspaceLoader()
        return loader.load(from: source)
    }

    /// Like `load(from:)`, but files whose fingerprint matches an earlier result are not read or
    /// parsed: that result is used. The outcome is identical to a full load.
    public static func load(from source: some WorkspaceSource, reusing reuse: ParseReuse) -> WorkspaceLoad {
        var loader = WorkspaceLoader()
        return loader.load(from: source, reusing: reuse)
    }

    public mutating func load(from source: some WorkspaceSource) -> WorkspaceLoad {
        load(from: source, reusing: nil)
    }

    private mutating func load(from source: some WorkspaceSource, reusing reuse: ParseReuse?) -> WorkspaceLoad {
        Self.assemble(read(source, reusing: reuse), source: source)
    }

    /// The workspace from files read by `read(from:reusing:)`, decoding the records it reuses.
    public static func assemble(_ files: Files, source: some WorkspaceSource) -> WorkspaceLoad {
        var findings = files.findings
        var plans: [PlanFacts] = []
        plans.reserveCapacity(files.plans.count)
        for plan in files.plans {
            switch plan {
            case .parsed(_, let loaded):
                findings += loaded.findings
                if let facts = loaded.facts { plans.append(facts) }
            case .record(let path, let record):
                // A damaged record cannot happen past the cache's checksum; if it did, the plan would
                // be missing from the rules, so it is read again.
                guard case .plan(let facts, let recorded)? = record.result(path: path) else {
                    let loaded = Self.parsePlan(path, source: source)
                    findings += loaded.findings
                    if let facts = loaded.facts { plans.append(facts) }
                    continue
                }
                findings += recorded
                if let facts { plans.append(facts) }
            }
        }
        var accounts: [Account] = []
        switch files.accounts {
        case .parsed(let load):
            accounts = load.accounts
            findings += load.findings
        case .record(let record):
            if case .accounts(let decoded, let recorded)? = record.result(path: WorkspaceFile.accounts) {
                accounts = decoded
                findings += recorded
            } else {
                let load = Self.accounts(try? source.read(WorkspaceFile.accounts))
                accounts = load.accounts
                findings += load.findings
            }
        case .missing:
            break
        }
        let workspace = Workspace(
            policy: files.policy, team: files.team, accounts: accounts, plans: plans, documents: files.documents,
            presentFiles: files.present)
        var load = WorkspaceLoad(workspace: workspace, findings: findings)
        load.parses = files.records
        load.reparsed = files.reparsed
        return load
    }

    /// A plan file read and parsed on its own (the rare path for a damaged cache record).
    private static func parsePlan(_ path: String, source: some WorkspaceSource) -> PlanInput.Loaded {
        guard let kind = WorkspaceFile.planKind(of: path) else { return PlanInput.Loaded(facts: nil, findings: []) }
        do {
            guard let bytes = try source.read(path) else { return PlanInput.Loaded(facts: nil, findings: []) }
            return PlanInput.load(PlanInput(path: path, kind: kind, bytes: bytes))
        } catch {
            return PlanInput.Loaded(facts: nil, findings: [finding(error)])
        }
    }

    /// Every file of a workspace, read: policy and team parsed, each plan and accounts.yaml either
    /// parsed now or, when its fingerprint matches, the earlier record (left encoded).
    public struct Files {
        public enum PlanFile {
            // Boxed: a plan's facts are large, and the 10,000 `.record`s of a warm run need not each
            // take their room.
            indirect case parsed(String, PlanInput.Loaded)
            case record(String, FileParse)
        }

        public enum AccountsFile {
            case parsed(AccountsLoad)
            case record(FileParse)
            case missing
        }

        public var policy: Policy
        public var team: Team
        /// What reading policy, team and the folders met (file records carry their own findings).
        public var findings: [Finding]
        public var documents: [String: YAMLNode]
        public var present: Set<String>
        /// In path order.
        public var plans: [PlanFile]
        public var accounts: AccountsFile
        /// A record for every file with a fingerprint (reused or new), for the caller to keep.
        public var records: [String: FileParse]
        /// How many of those were parsed now rather than reused.
        public var reparsed: Int
        /// False when a folder could not be listed (the file set is then not fully known).
        public var listedEverything: Bool
    }

    /// Reads every file, reusing earlier records where the content is unchanged.
    public static func read(from source: some WorkspaceSource, reusing reuse: ParseReuse?) -> Files {
        var loader = WorkspaceLoader()
        return loader.read(source, reusing: reuse)
    }

    private mutating func read(_ source: some WorkspaceSource, reusing reuse: ParseReuse?) -> Files {
        let policy = loadPolicy(source)
        let team = loadTeam(source)
        var records: [String: FileParse] = [:]
        var reparsed = 0
        var listedEverything = true
        // accounts.yaml is the largest single file: it is parsed while the plans are.
        var accountsRecord: FileParse?
        var accountsTask: BackgroundTask<AccountsLoad>?
        if let now = reuse?.fingerprints[WorkspaceFile.accounts], let earlier = reuse?.previous[WorkspaceFile.accounts],
            earlier.fingerprint == now
        {
            present.insert(WorkspaceFile.accounts)
            accountsRecord = earlier
        } else if let accountsBytes = read(WorkspaceFile.accounts, source: source) {
            accountsTask = BackgroundTask { Self.accounts(accountsBytes) }
        }
        var paths: [(path: String, kind: Plan.Kind)] = []
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
        records.reserveCapacity(reuse == nil ? 0 : paths.count + 1)
        present.reserveCapacity(present.count + paths.count)
        var plans: [Files.PlanFile] = []
        plans.reserveCapacity(paths.count)
        // Sources are not thread-safe (a libgit2 repository, a folder): files are read here, one
        // batch at a time so memory stays bounded, and the pure work (decoding, YAML, Markdown) runs
        // on all cores. Results are taken in path order, so findings come out as in a serial run.
        // Plans are looked up in path order, the order of the fingerprints and records: each is
        // found at once.
        var cursor = ParseReuse.Cursor()
        var start = 0
        while start < paths.count {
            let batch = paths[start..<min(start + Self.planBatchSize, paths.count)]
            start = batch.endIndex
            var inputs: [PlanInput] = []
            inputs.reserveCapacity(batch.count)
            // Per file in the batch: its path and an earlier record, or nil to take the next freshly
            // parsed one.
            var slots: [PlanSlot] = []
            slots.reserveCapacity(batch.count)
            for (path, kind) in batch {
                if let earlier = reuse?.unchanged(path, cursor: &cursor) {
                    present.insert(path)
                    slots.append(PlanSlot(path: path, record: earlier))
                    continue
                }
                do {
                    guard let bytes = try source.read(path) else { continue }
                    present.insert(path)
                    inputs.append(PlanInput(path: path, kind: kind, bytes: bytes))
                    slots.append(PlanSlot(path: path, record: nil))
                } catch {
                    findings.append(Self.finding(error))
                }
            }
            var fresh = Parallel.map(inputs, PlanInput.load).makeIterator()
            for slot in slots {
                if let record = slot.record {
                    records[slot.path] = record
                    plans.append(.record(slot.path, record))
                    continue
                }
                guard let loaded = fresh.next() else { break }
                if let reuse {
                    reparsed += 1
                    if let fingerprint = reuse.fingerprints[slot.path] {
                        records[slot.path] = FileParse(fingerprint: fingerprint, result: .plan(loaded.facts, loaded.findings))
                    }
                }
                plans.append(.parsed(slot.path, loaded))
            }
        }
        let accounts: Files.AccountsFile
        if let accountsRecord {
            records[WorkspaceFile.accounts] = accountsRecord
            accounts = .record(accountsRecord)
        } else if let accountsTask {
            let load = accountsTask.wait()
            if let reuse, let fingerprint = reuse.fingerprints[WorkspaceFile.accounts] {
                reparsed += 1
                records[WorkspaceFile.accounts] = FileParse(
                    fingerprint: fingerprint, result: .accounts(load.accounts, load.findings))
            }
            accounts = .parsed(load)
        } else {
            accounts = .missing
        }
        return Files(
            policy: policy, team: team, findings: findings, documents: documents, present: present, plans: plans,
            accounts: accounts, records: records, reparsed: reparsed, listedEverything: listedEverything)
    }

    /// Plans read ahead of parsing: enough to keep every core busy, few enough to bound memory.
    static let planBatchSize = 2048

    /// A plan of a batch: its path and its earlier record, or nil to take the next freshly parsed
    /// one. (A struct, not a tuple: tuples holding a `FileParse` are copied through the runtime's
    /// generic value witnesses, which cost more than the rest of a reused plan's work.)
    private struct PlanSlot {
        var path: String
        var record: FileParse?
    }

    // MARK: - Files

    /// Reads a file as text, reporting why it cannot be read. Nil when missing or unusable.
    private mutating func text(_ path: String, source: some WorkspaceSource, limit: Int) -> TextLines? {
        guard let bytes = read(path, source: source) else { return nil }
        return Self.text(bytes, path: path, limit: limit, findings: &findings)
    }

    /// A file's bytes; nil when it is missing or cannot be read (then with a finding).
    private mutating func read(_ path: String, source: some WorkspaceSource) -> [UInt8]? {
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
    static func text(_ bytes: [UInt8], path: String, limit: Int, findings: inout [Finding]) -> TextLines? {
        if bytes.count > limit {
            findings.append(Self.finding(SourceError(path: path, reason: .tooLarge(bytes: bytes.count, limit: limit))))
            return nil
        }
        let decoded: String
        do {
            decoded = try PlanText.decode(bytes)
        } catch {
            findings.append(
                Finding(
                    .error, rule: error.rule, at: SourceLocation(file: path, line: error.line, column: error.column),
                    error.message, fix: error.fix))
            return nil
        }
        let lines = TextLines(decoded)
        if reportConflictMarkers(lines, path: path, findings: &findings) { return nil }
        return lines
    }

    private mutating func report(_ error: SourceError) {
        findings.append(Self.finding(error))
    }

    private static func finding(_ error: SourceError) -> Finding {
        let rule: String
        switch error.reason {
        case .symbolicLink: rule = "file-symlink"
        case .tooLarge: rule = "file-too-large"
        case .unreadable, .notAFile: rule = "file-unreadable"
        }
        return Finding(.error, rule: rule, at: SourceLocation(file: error.path), error.message, fix: error.fix)
    }

    /// Reports leftover merge conflict markers; true when there were any.
    private static func reportConflictMarkers(_ lines: TextLines, path: String, findings: inout [Finding]) -> Bool {
        var found = false
        for number in 1...max(1, lines.count) where number <= lines.count {
            let line = lines[number]
            guard let first = line.utf8.first,
                first == UInt8(ascii: "<") || first == UInt8(ascii: "=") || first == UInt8(ascii: ">")
            else { continue }
            if ConflictMarker.kind(of: line) != nil {
                found = true
                findings.append(
                    Finding(
                        .error, rule: "conflict-marker", at: SourceLocation(file: path, line: number),
                        "unresolved merge conflict marker",
                        why: "two people changed the same thing and the choice is still open",
                        fix: "keep the right version, delete the marker lines, or run 'abmsync resolve'"))
            }
        }
        return found
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

    private mutating func loadPolicy(_ source: some WorkspaceSource) -> Policy {
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

    private mutating func loadTeam(_ source: some WorkspaceSource) -> Team {
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
        var accounts: [Account] = []
        var findings: [Finding] = []
    }

    static func accounts(_ bytes: [UInt8]?) -> AccountsLoad {
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
    func plan(findings: inout [Finding]) -> Plan? {
        guard let lines = WorkspaceLoader.text(bytes, path: path, limit: WorkspaceFile.maxPlanBytes, findings: &findings)
        else { return nil }
        let id = String(path.dropFirst(kind.folder.count + 1).dropLast(3))
        var frontMatter: YAMLNode?
        var frontMatterLines: Range<Int>?
        var bodyStart = 1
        switch FrontMatter.split(lines) {
        case .none:
            break
        case .unterminated:
            findings.append(
                Finding(
                    .error, rule: "front-matter", at: SourceLocation(file: path, line: 1),
                    "the front matter opened with '---' is never closed",
                    fix: "add a line with '---' after the front matter fields"))
            return nil
        case .found(let yaml, let body):
            frontMatterLines = yaml
            bodyStart = body
            let yamlText = lines.text(yaml)
            do {
                frontMatter = try YAMLParser.parse(yamlText, lineOffset: yaml.lowerBound - 1)
            } catch {
                findings.append(
                    Finding(
                        .error, rule: error.rule, at: SourceLocation(file: path, line: error.line, column: error.column),
                        error.message, fix: error.hint))
            }
        }
        let body = lines.text(bodyStart..<(lines.count + 1))
        let outline = MarkdownOutline(markdown: body)
        let offset = bodyStart - 1
        let blocks = outline.blocks.map { $0.shifted(by: offset) }
        let title = outline.headings.first { $0.level == 1 }?.title
        var sections: [Plan.Section] = []
        let level2 = outline.headings.filter { $0.level <= 2 }
        for (index, heading) in level2.enumerated() where heading.level == 2 {
            let end = index + 1 < level2.count ? level2[index + 1].line + offset : lines.count + 1
            sections.append(
                Plan.Section(title: heading.title, headingLine: heading.line + offset, lines: (heading.line + offset)..<end))
        }
        return Plan(
            kind: kind, id: id, path: path, frontMatter: frontMatter, frontMatterLines: frontMatterLines,
            bodyStartLine: bodyStart, title: title, sections: sections, blocks: blocks, lineCount: lines.count)
    }
}

extension YAMLNode {
    /// The same node with every line number moved down by `lines` (for YAML embedded in a file).
    public func shifted(by lines: Int) -> YAMLNode {
        guard lines != 0 else { return self }
        var copy = self
        copy.line += lines
        switch content {
        case .scalar: break
        case .mapping(let entries):
            copy.content = .mapping(
                entries.map { YAMLEntry(keyNode: $0.keyNode.shifted(by: lines), value: $0.value.shifted(by: lines)) })
        case .sequence(let items):
            copy.content = .sequence(items.map { $0.shifted(by: lines) })
        }
        return copy
    }
}

extension MarkdownOutline.Block {
    func shifted(by offset: Int) -> MarkdownOutline.Block {
        var copy = self
        copy.lines = (lines.lowerBound + offset)..<(lines.upperBound + offset)
        switch kind {
        case .list(let items):
            copy.kind = .list(
                items: items.map {
                    MarkdownOutline.ListItem(
                        lines: ($0.lines.lowerBound + offset)..<($0.lines.upperBound + offset), checked: $0.checked)
                })
        case .table(let rows):
            copy.kind = .table(rows: rows.map { ($0.lowerBound + offset)..<($0.upperBound + offset) })
        default: break
        }
        return copy
    }
}

/// Git's conflict markers, as they appear at the start of a line.
public enum ConflictMarker {
    /// True when some line of `bytes` is a conflict marker (a fast scan; no decoding or parsing).
    public static func containsMarkerLine(_ bytes: [UInt8]) -> Bool {
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            let first = bytes[lineStart]
            if first == UInt8(ascii: "<") || first == UInt8(ascii: "=") || first == UInt8(ascii: ">") {
                var end = lineStart
                while end < count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let line = String(decoding: bytes[lineStart..<min(end + 1, count)], as: UTF8.self)
                if kind(of: Substring(line)) != nil { return true }
                lineStart = end + 1
                continue
            }
            while lineStart < count, bytes[lineStart] != UInt8(ascii: "\n") { lineStart += 1 }
            lineStart += 1
        }
        return false
    }

    public enum Kind: Sendable { case ours, base, separator, theirs }

    public static func kind(of line: Substring) -> Kind? {
        func marker(_ character: Character) -> Bool {
            let prefix = String(repeating: character, count: 7)
            guard line.hasPrefix(prefix) else { return false }
            let rest = line.dropFirst(7)
            return rest.isEmpty || rest.first == " " || rest.first == "\n" || rest.first == "\r\n"
                || rest.first == "\r"
        }
        if marker("<") { return .ours }
        if marker("|") { return .base }
        if marker(">") { return .theirs }
        if marker("=") {
            let rest = line.dropFirst(7)
            return rest.allSatisfy { $0 == "\n" || $0 == "\r\n" || $0 == "\r" } ? .separator : nil
        }
        return nil
    }
}
