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
        case .listed(let list):
            accounts = list.accounts
            findings += list.findings
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
            presentFiles: files.present, unreadableFiles: unreadableFiles(findings))
        var load = WorkspaceLoad(workspace: workspace, findings: findings)
        load.parses = files.allRecords
        load.reparsed = files.reparsed
        return load
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

    /// The facts of a plan file read and parsed on its own (the rare path for a damaged cache record).
    static func facts(_ path: String, source: some WorkspaceSource) -> PlanFacts? {
        parsePlan(path, source: source).facts
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
            /// Read entry by entry (unchanged entries of the earlier record reused).
            case listed(AccountList)
            /// Parsed as a whole (a file the entry scan is unsure of).
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
        /// A record for every file with a fingerprint (reused or new), for the caller to keep; a new
        /// accounts.yaml read entry by entry is in `newAccountList` instead (`allRecords` adds it).
        public var records: [String: FileParse]
        /// accounts.yaml read entry by entry now, with its fingerprint: its record is made only when
        /// asked for (2 MB at 10,000 accounts, and most runs keep the cache file as it is).
        public var newAccountList: (fingerprint: String, list: AccountList)?

        /// `records` with the record of a new accounts.yaml.
        public var allRecords: [String: FileParse] { Self.records(records, adding: newAccountList) }

        static func records(_ records: [String: FileParse], adding list: (fingerprint: String, list: AccountList)?)
            -> [String: FileParse]
        {
            guard let list else { return records }
            var all = records
            all[WorkspaceFile.accounts] = FileParse(fingerprint: list.fingerprint, accountList: list.list)
            return all
        }
        /// How many of those were parsed now rather than reused.
        public var reparsed: Int
        /// How many accounts.yaml entries were parsed now (the others were reused).
        public var reparsedEntries: Int
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
        var reparsedEntries = 0
        var listedEverything = true
        // accounts.yaml is the largest single file: it is parsed while the plans are.
        var accountsRecord: FileParse?
        var accountsTask: BackgroundTask<(AccountsRead, FileParse?)>?
        var newAccountList: (fingerprint: String, list: AccountList)?
        let earlierAccounts = reuse?.previous[WorkspaceFile.accounts]
        if let now = reuse?.fingerprints[WorkspaceFile.accounts], let earlierAccounts, earlierAccounts.fingerprint == now {
            present.insert(WorkspaceFile.accounts)
            accountsRecord = earlierAccounts
        } else if let accountsBytes = read(WorkspaceFile.accounts, source: source) {
            let fingerprint = reuse?.fingerprints[WorkspaceFile.accounts]
            accountsTask = BackgroundTask {
                let read = Self.accounts(accountsBytes, earlier: earlierAccounts)
                // Its record is encoded there too, rather than here once the plans are done.
                // The record of a list read entry by entry is made only when asked for.
                guard let fingerprint, case .whole(let load) = read else { return (read, nil) }
                return (read, FileParse(fingerprint: fingerprint, result: .accounts(load.accounts, load.findings)))
            }
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
        // Per plan, in path order: its earlier record, or nil for the next of `jobs` (those parsed now).
        // Plans are looked up in path order, the order of the fingerprints and records: each is
        // found at once.
        var cursor = ParseReuse.Cursor()
        var slots: [PlanSlot] = []
        slots.reserveCapacity(paths.count)
        var jobs: [PlanJob] = []
        for (path, kind) in paths {
            if let earlier = reuse?.unchanged(path, cursor: &cursor) {
                slots.append(PlanSlot(path: path, record: earlier))
                continue
            }
            slots.append(PlanSlot(path: path, record: nil))
            jobs.append(PlanJob(path: path, kind: kind, fingerprint: reuse?.fingerprints[path]))
        }
        var outcomes = Self.run(jobs, source: source)
        var next = 0
        var plans: [Files.PlanFile] = []
        plans.reserveCapacity(paths.count)
        present.reserveCapacity(present.count + paths.count)
        // Results are taken in path order, so findings come out as in a serial run.
        for slot in slots {
            if let record = slot.record {
                present.insert(slot.path)
                records[slot.path] = record
                plans.append(.record(slot.path, record))
                continue
            }
            guard next < outcomes.count else { break }
            // Taken out of the list (swapped with a place holder) rather than copied.
            var outcome = PlanJob.Outcome.missing
            swap(&outcome, &outcomes[next])
            next += 1
            switch consume outcome {
            case .missing:
                continue
            case .unreadable(let error):
                findings.append(Self.finding(error))
            case .parsed(let loaded, let record):
                present.insert(slot.path)
                if reuse != nil {
                    reparsed += 1
                    if let record { records[slot.path] = record }
                }
                plans.append(.parsed(slot.path, loaded))
            }
        }
        let accounts: Files.AccountsFile
        if let accountsRecord {
            records[WorkspaceFile.accounts] = accountsRecord
            accounts = .record(accountsRecord)
        } else if let accountsTask {
            let (read, record) = accountsTask.wait()
            if let record {
                reparsed += 1
                records[WorkspaceFile.accounts] = record
            }
            switch read {
            case .listed(let list):
                reparsedEntries = list.parsedCount
                accounts = .listed(list)
                if let fingerprint = reuse?.fingerprints[WorkspaceFile.accounts] {
                    reparsed += 1
                    newAccountList = (fingerprint, list)
                }
            case .whole(let load):
                accounts = .parsed(load)
            }
        } else {
            accounts = .missing
        }
        return Files(
            policy: policy, team: team, findings: findings, documents: documents, present: present, plans: plans,
            accounts: accounts, records: records, newAccountList: newAccountList, reparsed: reparsed,
            reparsedEntries: reparsedEntries, listedEverything: listedEverything)
    }

    /// Reads and parses plans on all cores, giving one outcome per job, in order.
    ///
    /// A source that can be read from several threads at once (files on disk) is read by the
    /// workers themselves, so reading overlaps parsing and no file waits for a whole batch. Other
    /// sources (a libgit2 repository) are read here, one batch at a time so memory stays bounded,
    /// while the pure work (decoding, YAML, Markdown, the plan's own checks, its record) runs on
    /// all cores.
    private static func run(_ jobs: [PlanJob], source: some WorkspaceSource) -> [PlanJob.Outcome] {
        if let concurrent = source as? any ConcurrentWorkspaceSource {
            return Parallel.map(jobs, chunkSize: planChunkSize) { $0.run(reading: concurrent) }
        }
        var outcomes: [PlanJob.Outcome] = []
        outcomes.reserveCapacity(jobs.count)
        var start = 0
        while start < jobs.count {
            let batch = jobs[start..<min(start + Self.planBatchSize, jobs.count)]
            start = batch.endIndex
            var read: [(job: PlanJob, bytes: [UInt8])] = []
            read.reserveCapacity(batch.count)
            // Where each job's outcome comes from: its place in `read`, or the outcome itself.
            var order: [PlanJob.Outcome?] = []
            order.reserveCapacity(batch.count)
            for job in batch {
                do {
                    guard let bytes = try source.read(job.path) else {
                        order.append(.missing)
                        continue
                    }
                    read.append((job, bytes))
                    order.append(nil)
                } catch {
                    order.append(.unreadable(error))
                }
            }
            var parsed = Parallel.map(read, chunkSize: planChunkSize) { $0.job.run($0.bytes) }
            var next = 0
            for outcome in order {
                if let outcome {
                    outcomes.append(outcome)
                } else if next < parsed.count {
                    var taken = PlanJob.Outcome.missing
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

    static func finding(_ error: SourceError) -> Finding {
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

    enum AccountsRead: Sendable {
        case listed(AccountList)
        case whole(AccountsLoad)
    }

    /// accounts.yaml read entry by entry, reusing the entries of the `earlier` record whose text is
    /// unchanged, or parsed whole when the entry scan is unsure of it.
    static func accounts(_ bytes: [UInt8], earlier: FileParse?) -> AccountsRead {
        if let list = AccountList.read(bytes, previous: earlier?.accountList()) { return .listed(list) }
        return .whole(accounts(bytes))
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

/// A source whose `read` may be called from several threads at once (files on disk, memory), so
/// plans are read by the workers that parse them. A libgit2 repository is not one.
public protocol ConcurrentWorkspaceSource: WorkspaceSource, Sendable {}

/// A plan file to read and parse, with the fingerprint its record is kept under (if any).
private struct PlanJob: Sendable {
    var path: String
    var kind: Plan.Kind
    var fingerprint: String?

    enum Outcome: Sendable {
        /// The file is gone (listed, then removed).
        case missing
        case unreadable(SourceError)
        case parsed(PlanInput.Loaded, FileParse?)
    }

    func run(reading source: any ConcurrentWorkspaceSource) -> Outcome {
        do {
            guard let bytes = try source.read(path) else { return .missing }
            return run(bytes)
        } catch {
            return .unreadable(error)
        }
    }

    func run(_ bytes: [UInt8]) -> Outcome {
        let loaded = PlanInput.load(PlanInput(path: path, kind: kind, bytes: bytes))
        return .parsed(loaded, fingerprint.map { FileParse(fingerprint: $0, result: .plan(loaded.facts, loaded.findings)) })
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
        var bodyStart = 1
        switch lines.split {
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
            do {
                frontMatter = try YAMLParser.parse(
                    utf8: UnsafeBufferPointer(rebasing: text[lines.yaml]), lineOffset: yaml.lowerBound - 1)
            } catch {
                frontMatterBroken = true
                findings.append(
                    Finding(
                        .error, rule: error.rule, at: SourceLocation(file: path, line: error.line, column: error.column),
                        error.message, fix: error.hint))
            }
        }
        let offset = bodyStart - 1
        let outline = MarkdownOutline(utf8: UnsafeBufferPointer(rebasing: text[lines.body]), lineOffset: offset)
        let title = outline.headings.first { $0.level == 1 }?.title
        var sections: [Plan.Section] = []
        let level2 = outline.headings.filter { $0.level <= 2 }
        for (index, heading) in level2.enumerated() where heading.level == 2 {
            let end = index + 1 < level2.count ? level2[index + 1].line : lines.count + 1
            sections.append(Plan.Section(title: heading.title, headingLine: heading.line, lines: heading.line..<end))
        }
        return Plan(
            kind: kind, id: id, path: path, frontMatter: frontMatter, frontMatterLines: frontMatterLines,
            frontMatterBroken: frontMatterBroken, bodyStartLine: bodyStart, title: title, sections: sections, blocks: outline.blocks, lineCount: lines.count)
    }
}
