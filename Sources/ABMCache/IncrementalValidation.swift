import ABMCore

/// What the rules that look across files found last time, and the inputs they found it for.
public struct ValidationMemo: Sendable, Equatable {
    /// A digest of every input of the cross-file rules: policy, team, accounts, each plan's facts,
    /// the date and the history used.
    public var signature: UInt64
    /// The cross-file rules' findings, the team's overrides applied.
    public var findings: [Finding]
    /// Display names of the accounts the findings are about.
    public var accountNames: [String: String]
    /// Which unit each finding came from and each unit's inputs, so that a later run redoes only
    /// the units whose inputs changed; nil when the run could not tell units apart (accounts.yaml
    /// parsed whole).
    public var units: ValidationUnits?

    public init(signature: UInt64, findings: [Finding], accountNames: [String: String], units: ValidationUnits? = nil) {
        self.signature = signature
        self.findings = findings
        self.accountNames = accountNames
        self.units = units
    }
}

/// The units of a validation (see `RuleFamily`), each with a digest of its inputs, and the unit
/// each finding of the memo came from.
public struct ValidationUnits: Sendable, Equatable {
    public enum Owner: Sendable, Hashable {
        /// The checks of policy and team alone.
        case shared
        /// The checks across accounts; `anchor` is the accounts.yaml entry the finding points into.
        case across(anchor: String?)
        /// One account's checks, by id.
        case account(String)
        /// One plan's checks, by path.
        case plan(String)
    }

    public struct AccountUnit: Sendable, Equatable {
        public var key: String
        /// Lines before the entry's key line (findings in the entry move with it).
        public var lineOffset: Int
        public var inputs: UInt64
    }

    public struct PlanUnit: Sendable, Equatable {
        public var path: String
        public var inputs: UInt64
    }

    /// Policy, team, date and which cluster and programme plans exist.
    public var shared: UInt64
    /// What the checks across accounts read: every account's row, the cluster and programme plans.
    public var across: UInt64
    /// In accounts.yaml order.
    public var accounts: [AccountUnit]
    /// In path order.
    public var plans: [PlanUnit]
    /// The unit of each finding of the memo, in the same order.
    public var owners: [Owner]
}

/// Validation that redoes only what changed since the last run, with the same findings as a full
/// one.
///
/// Each file's own checks are kept with its parse record and redone only when the file changed;
/// accounts.yaml is re-read entry by entry (`AccountList`). The rules that look across files run
/// by unit (`RuleFamily`): one account, one plan, the checks across accounts, policy and team.
/// A unit runs again only when one of its inputs changed; the others' findings are taken from the
/// memo, moved with their entry when lines were added or removed above it. When nothing any rule
/// reads changed (an edit inside a plan's text), no rule runs at all: the early cut-off of
/// incremental build systems.
public enum IncrementalValidation {
    public struct Outcome: Sendable {
        public var report: ValidationReport
        /// A record for every file with a fingerprint, to keep for the next run.
        public var records: [String: FileParse] { RecordedFiles.records(fileRecords, adding: newAccountList) }
        let fileRecords: [String: FileParse]
        let newAccountList: (fingerprint: String, list: AccountList)?
        /// The memo to keep for the next run (nil when the inputs could not be pinned down).
        public var memo: ValidationMemo?
        /// Files parsed now rather than reused.
        public var reparsed: Int
        /// accounts.yaml entries parsed now rather than reused.
        public var reparsedEntries: Int
        /// True when accounts.yaml was read again (its content differs from the earlier record's).
        public var rereadAccounts: Bool
        /// True when the cross-file findings were all taken from the memo.
        public var reusedMemo: Bool
        /// How many account and plan units ran (all of them without a usable memo).
        public var unitsRun: Int
        /// True when the checks across accounts (or of policy and team) ran.
        public var ranAcross: Bool
    }

    /// The door to the speed layer: `source`'s report, with the findings `WorkspaceLoader.load` and
    /// `Validator` give, redoing only what changed since the run that filled `store`. Files whose
    /// fingerprint is unchanged are not read, and the cross-file rules run only for the units whose
    /// inputs changed. The cache in `store` is rewritten when the run redid enough to be worth it.
    ///
    /// - Parameter keepNewAccountList: false when accounts.yaml may still change before it stays (the
    ///   index of a commit not yet made): a new account list is then not written to the cache on
    ///   its own account (the next run compares it with the cached one again, a few milliseconds).
    public static func run(
        _ source: some WorkspaceSource, fingerprints: FileFingerprints, store: some RecordStore, validator: Validator,
        keepNewAccountList: Bool = true
    ) -> Outcome {
        let previous = CacheFile.decode(store.load())
        let outcome = run(
            source, reusing: ParseReuse(fingerprints: fingerprints, previous: previous.parses), memo: previous.memo,
            validator: validator)
        // Rewriting the whole cache costs more than redoing a little work: a run that re-read a
        // handful of changed files or accounts.yaml entries and re-checked a handful of accounts and
        // plans leaves it as it is (the next run redoes those, with the same result, against the
        // same records and memo). A first run, a run that checked across all accounts again, a new
        // accounts.yaml once it stays (every later run would compare it with the old one again) or
        // much redone work is always kept.
        let redone = outcome.reparsed + outcome.reparsedEntries + outcome.unitsRun
        let firstMemo = outcome.memo != nil && previous.memo == nil
        let ranAcross = outcome.ranAcross && outcome.memo != nil
        if firstMemo || ranAcross || (outcome.rereadAccounts && keepNewAccountList) || redone > rewriteAfterRedoing
            || (outcome.reparsed > 0 && previous.parses.isEmpty)
        {
            CacheFile.write(outcome.records, memo: outcome.memo, to: store)
        }
        return outcome
    }

    /// How many files, entries and units a run may redo before it rewrites the cache.
    static let rewriteAfterRedoing = 32

    /// One run against earlier records and memo (what `run(_:fingerprints:store:validator:)` read
    /// from its store).
    public static func run(
        _ source: some WorkspaceSource, reusing reuse: ParseReuse, memo: ValidationMemo?, validator: Validator
    ) -> Outcome {
        let files = RecordedFiles.read(from: source, reusing: reuse)
        var fileFindings = files.findings
        for plan in files.plans {
            switch plan {
            case .parsed(_, let loaded): fileFindings += loaded.findings
            case .record(_, let record): fileFindings += record.findings
            }
        }
        var list: AccountList?
        switch files.accounts {
        case .listed(let listed):
            list = listed
            fileFindings += listed.findings
        case .parsed(let load): fileFindings += load.findings
        case .record(let record):
            list = record.accountList()
            fileFindings += record.findings
        case .missing: break
        }
        let levels = files.policy.ruleLevels
        let unreadable = WorkspaceLoader.unreadableFiles(fileFindings)
        fileFindings = Validator.applyLevels(levels, to: fileFindings)

        let signature = Self.signature(of: files, fingerprints: reuse.fingerprints, validator: validator)
        let units = list.flatMap { Self.units(of: files, list: $0, fingerprints: reuse.fingerprints, validator: validator) }
        var cross: Cross
        var reused = false
        if let signature, let memo, memo.signature == signature {
            cross = Cross(findings: memo.findings, names: memo.accountNames, owners: memo.units?.owners)
            reused = true
        } else if let units, let list, let memo, let earlier = memo.units, earlier.shared == units.shared {
            cross = rerun(
                files, source: source, list: list, units: units, memo: memo, earlier: earlier, unreadable: unreadable,
                validator: validator)
        } else {
            cross = runAll(files, source: source, list: units == nil ? nil : list, validator: validator)
        }
        // Names for every account a finding is about (a file finding may be new since the memo).
        let wanted = Set((cross.findings + fileFindings).compactMap(\.account))
        if !wanted.isSubset(of: cross.names.keys) {
            for account in Self.accounts(wanted.subtracting(cross.names.keys), files: files, list: list) {
                cross.names[account.id.value] = account.displayName
            }
        }
        let crossNames = cross.names.filter { id, _ in cross.findings.contains { $0.account == id } }
        var memoUnits: ValidationUnits?
        if var units, let owners = cross.owners {
            units.owners = owners
            memoUnits = units
        }
        return Outcome(
            report: ValidationReport(findings: fileFindings + cross.findings, accountNames: cross.names),
            fileRecords: files.records, newAccountList: files.newAccountList,
            memo: signature.map {
                ValidationMemo(signature: $0, findings: cross.findings, accountNames: crossNames, units: memoUnits)
            },
            reparsed: files.reparsed, reparsedEntries: files.reparsedEntries,
            rereadAccounts: files.newAccountList != nil || (files.records[WorkspaceFile.accounts] != nil && !Self.reusedAccounts(files)),
            reusedMemo: reused,
            unitsRun: cross.unitsRun, ranAcross: cross.ranAcross)
    }

    private static func reusedAccounts(_ files: RecordedFiles) -> Bool {
        if case .record = files.accounts { return true }
        return false
    }

    /// The cross-file findings of a run, with the unit each came from (nil when not tracked).
    private struct Cross {
        var findings: [Finding]
        var names: [String: String]
        var owners: [ValidationUnits.Owner]?
        var unitsRun = 0
        var ranAcross = false

        /// Names the accounts among `accounts` that `found` (by default every finding) is about.
        mutating func name(_ accounts: [Account], of found: [Finding]? = nil) {
            let ids = Set((found ?? findings).compactMap(\.account))
            guard !ids.isEmpty else { return }
            for account in accounts where ids.contains(account.id.value) { names[account.id.value] = account.displayName }
        }

        mutating func add(_ found: [Finding], owner: ValidationUnits.Owner) {
            guard !found.isEmpty else { return }
            findings += found
            owners?.append(contentsOf: repeatElement(owner, count: found.count))
        }
    }

    /// Every unit run. With `list`, findings are tagged with their unit for the next run.
    private static func runAll(
        _ files: RecordedFiles, source: some WorkspaceSource, list: AccountList?, validator: Validator
    ) -> Cross {
        let workspace = files.assemble(source: source).workspace
        let found = validator.check(workspace, units: .all)
        var cross = Cross(findings: [], names: [:], owners: list == nil ? nil : [])
        cross.unitsRun = workspace.accounts.count + workspace.plans.count
        cross.ranAcross = true
        let anchors = list.map(Anchors.init)
        cross.add(found.shared, owner: .shared)
        for (account, findings) in zip(workspace.accounts, found.accounts) {
            cross.add(findings, owner: .account(account.id.value))
        }
        for (plan, findings) in zip(workspace.plans, found.plans) { cross.add(findings, owner: .plan(plan.path)) }
        for finding in found.across { cross.add([finding], owner: .across(anchor: anchors?.entry(of: finding))) }
        cross.name(workspace.accounts)
        return cross
    }

    /// Runs only the units whose inputs differ from `earlier`'s; takes the others' findings from
    /// the memo, moved with their accounts.yaml entry.
    private static func rerun(
        _ files: RecordedFiles, source: some WorkspaceSource, list: AccountList, units: ValidationUnits,
        memo: ValidationMemo, earlier: ValidationUnits, unreadable: Set<String>, validator: Validator
    ) -> Cross {
        // Entries the memo's findings point into: how far each moved.
        var anchored: Set<String> = []
        for owner in earlier.owners {
            switch owner {
            case .account(let key), .across(anchor: .some(let key)): anchored.insert(key)
            default: break
            }
        }
        var moved: [String: Int] = [:]
        var unchangedAccounts: Set<String> = []
        var changedEntries: [Int] = []
        var earlierAccounts = OrderedLookup(earlier.accounts, key: \.key)
        var kept = 0
        for (position, unit) in units.accounts.enumerated() {
            let before = earlierAccounts.find(unit.key)
            if before != nil { kept += 1 }
            if let before, anchored.contains(unit.key) {
                moved[unit.key] = unit.lineOffset - before.lineOffset
                if before.inputs == unit.inputs { unchangedAccounts.insert(unit.key) }
            }
            if before?.inputs != unit.inputs { changedEntries.append(position) }
        }
        var changedPlans: [String] = []
        var earlierPlans = OrderedLookup(earlier.plans, key: \.path)
        var keptPlans = 0
        for unit in units.plans {
            let before = earlierPlans.find(unit.path)
            if before != nil { keptPlans += 1 }
            if before?.inputs != unit.inputs { changedPlans.append(unit.path) }
        }
        var gonePlans: Set<String> = []
        if keptPlans < earlier.plans.count {
            let now = Set(units.plans.map(\.path))
            gonePlans = Set(earlier.plans.map(\.path).filter { !now.contains($0) })
        }
        let changedPlanSet = Set(changedPlans)
        let acrossChanged = earlier.across != units.across

        var cross = Cross(findings: [], names: memo.accountNames, owners: [])
        if kept < earlier.accounts.count {
            // Accounts removed since: a finding about their id (an orphan plan) is headed by the id alone.
            let now = Set(units.accounts.map(\.key))
            for unit in earlier.accounts where !now.contains(unit.key) { cross.names[unit.key] = nil }
        }
        for (finding, owner) in zip(memo.findings, earlier.owners) {
            var reused = finding
            switch owner {
            case .shared:
                break
            case .across(let anchor):
                guard !acrossChanged else { continue }
                if let anchor { reused.location.line += moved[anchor] ?? 0 }
            case .account(let key):
                guard unchangedAccounts.contains(key) else { continue }
                if reused.location.file == WorkspaceFile.accounts { reused.location.line += moved[key] ?? 0 }
            case .plan(let path):
                guard !changedPlanSet.contains(path), !gonePlans.contains(path) else { continue }
            }
            cross.findings.append(reused)
            cross.owners?.append(owner)
        }

        // The changed units, checked on a workspace holding just what they read.
        let plans = PlanLookup(files, source: source)
        var accounts: [Account] = []
        var accountUnits: [Int] = []
        var entryOfAccount: [String: Int] = [:]
        if acrossChanged {
            for index in list.entries.indices { if let account = list.account(at: index) { accounts.append(account) } }
            for (position, account) in accounts.enumerated() { entryOfAccount[account.id.value] = position }
            accountUnits = changedEntries.compactMap { entryOfAccount[list.entries[$0].key] }
        } else {
            for index in changedEntries {
                guard let account = list.account(at: index) else { continue }
                accountUnits.append(accounts.count)
                entryOfAccount[account.id.value] = accounts.count
                accounts.append(account)
            }
        }
        var planFacts: [PlanFacts] = []
        var planUnits: [Int] = []
        var added: Set<String> = []
        func addPlan(_ facts: PlanFacts) {
            if added.insert(facts.path).inserted { planFacts.append(facts) }
        }
        var entryPositions: [String: Int]?
        for path in changedPlans {
            guard let facts = plans.facts(path) else { continue }
            planUnits.append(planFacts.count)
            addPlan(facts)
            // An account plan's checks read its account.
            guard facts.kind == .account, entryOfAccount[facts.id] == nil else { continue }
            if entryPositions == nil {
                entryPositions = Dictionary(
                    list.entries.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
            }
            if let index = entryPositions?[facts.id], let account = list.account(at: index) {
                entryOfAccount[account.id.value] = accounts.count
                accounts.append(account)
            }
        }
        // Account checks read their own plan and whether cluster and programme plans exist.
        for position in accountUnits {
            if let facts = plans.facts("\(Plan.Kind.account.folder)/\(accounts[position].id.value).md") { addPlan(facts) }
        }
        for facts in plans.clusterAndProgramPlans() { addPlan(facts) }
        let workspace = Workspace(
            policy: files.policy, team: files.team, accounts: accounts, plans: planFacts, documents: files.documents,
            presentFiles: files.present, unreadableFiles: unreadable)
        let found = validator.check(
            workspace, units: Validator.Units(accounts: accountUnits, plans: planUnits, across: acrossChanged, shared: false))
        cross.unitsRun = accountUnits.count + planUnits.count
        cross.ranAcross = acrossChanged
        for (position, findings) in zip(accountUnits, found.accounts) {
            let account = accounts[position]
            cross.names[account.id.value] = account.displayName
            cross.add(findings, owner: .account(account.id.value))
        }
        for (position, findings) in zip(planUnits, found.plans) { cross.add(findings, owner: .plan(planFacts[position].path)) }
        if acrossChanged {
            let anchors = Anchors(list)
            for finding in found.across { cross.add([finding], owner: .across(anchor: anchors.entry(of: finding))) }
            cross.name(accounts, of: found.across)
        }
        return cross
    }

    /// The accounts.yaml entry a finding points into (by line), if it points into accounts.yaml.
    private struct Anchors {
        let offsets: [Int]
        let keys: [String]

        init(_ list: AccountList) {
            offsets = list.entries.map(\.lineOffset)
            keys = list.entries.map(\.key)
        }

        func entry(of finding: Finding) -> String? {
            guard finding.location.file == WorkspaceFile.accounts else { return nil }
            // The last entry whose key line is at or above the finding's line.
            var low = 0
            var high = offsets.count
            while low < high {
                let middle = (low + high) / 2
                if offsets[middle] + 1 <= finding.location.line { low = middle + 1 } else { high = middle }
            }
            return low > 0 ? keys[low - 1] : nil
        }
    }

    /// Plan facts by path, decoded from their records only when asked for. Plans are found by
    /// binary search: `files.plans` lists them by kind (`Plan.Kind.allCases` order), then by file name.
    private struct PlanLookup {
        let files: RecordedFiles
        let read: (String) -> PlanFacts?

        init(_ files: RecordedFiles, source: some WorkspaceSource) {
            self.files = files
            read = { path in RecordedFiles.facts(path, source: source) }
        }

        private static func order(_ path: String) -> (kind: Int, name: Substring)? {
            guard let kind = WorkspaceFile.planKind(of: path), let index = Plan.Kind.allCases.firstIndex(of: kind) else {
                return nil
            }
            return (index, path.dropFirst(kind.folder.count + 1))
        }

        private static func path(_ plan: RecordedFiles.PlanFile) -> String {
            switch plan {
            case .parsed(let path, _), .record(let path, _): return path
            }
        }

        /// The first position whose plan does not come before `key`.
        private func lowerBound(_ key: (kind: Int, name: Substring)) -> Int {
            var low = 0
            var high = files.plans.count
            while low < high {
                let middle = (low + high) / 2
                guard let here = Self.order(Self.path(files.plans[middle])) else { return files.plans.count }
                if here.kind < key.kind || (here.kind == key.kind && here.name < key.name) {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return low
        }

        func facts(_ path: String) -> PlanFacts? {
            guard let key = Self.order(path) else { return nil }
            let position = lowerBound(key)
            guard position < files.plans.count, Self.path(files.plans[position]) == path else { return nil }
            switch files.plans[position] {
            case .parsed(_, let loaded): return loaded.facts
            case .record(_, let record):
                guard case .plan(let facts, _)? = record.result(path: path) else { return read(path) }
                return facts
            }
        }

        /// Every cluster and programme plan.
        func clusterAndProgramPlans() -> [PlanFacts] {
            let start = lowerBound((Plan.Kind.allCases.firstIndex(of: .cluster)!, ""))
            return files.plans[start...].compactMap { facts(Self.path($0)) }
        }
    }

    /// The accounts with ids in `ids`, decoding only those entries when the list has them.
    private static func accounts(_ ids: Set<String>, files: RecordedFiles, list: AccountList?) -> [Account] {
        if let list {
            return list.entries.indices.filter { ids.contains(list.entries[$0].key) }.compactMap { list.account(at: $0) }
        }
        switch files.accounts {
        case .parsed(let load): return load.accounts.filter { ids.contains($0.id.value) }
        case .record(let record):
            if case .accounts(let accounts, _)? = record.result(path: WorkspaceFile.accounts) {
                return accounts.filter { ids.contains($0.id.value) }
            }
            return []
        case .listed(let list): return list.accounts.filter { ids.contains($0.id.value) }
        case .missing: return []
        }
    }

    /// The units of this run and their inputs, or nil when some input has no fingerprint.
    static func units(of files: RecordedFiles, list: AccountList, fingerprints: FileFingerprints, validator: Validator)
        -> ValidationUnits?
    {
        guard var shared = sharedInputs(of: files, fingerprints: fingerprints, validator: validator) else { return nil }
        // Each account plan joined with its entry (by id): an account's checks read its plan, an
        // account plan's checks read its account's row. Cluster and programme plans are read by
        // account checks (do they exist) and by the checks across accounts (their facts).
        var entryPosition: [String: Int] = [:]
        entryPosition.reserveCapacity(list.entries.count)
        for (position, entry) in list.entries.enumerated() where entryPosition[entry.key] == nil {
            entryPosition[entry.key] = position
        }
        var ownPlan = [UInt64](repeating: 0, count: list.entries.count)
        var across = StableHash()
        var plans: [ValidationUnits.PlanUnit] = []
        plans.reserveCapacity(files.plans.count)
        let accountPrefix = Array((Plan.Kind.account.folder + "/").utf8)
        let accountFolder = accountPrefix.count
        for plan in files.plans {
            let path: String
            let digest: UInt64
            switch plan {
            case .parsed(let parsedPath, _):
                guard let record = files.records[parsedPath] else { return nil }
                (path, digest) = (parsedPath, record.digest)
            case .record(let recordPath, let record):
                (path, digest) = (recordPath, record.digest)
            }
            var inputs = StableHash(seed: digest)
            // Every path here is a plan file: the folder says its kind.
            if path.utf8.starts(with: accountPrefix) {
                let id = String(decoding: path.utf8.dropFirst(accountFolder).dropLast(3), as: UTF8.self)
                if let position = entryPosition[id] {
                    ownPlan[position] = digest
                    inputs.combine(list.entries[position].rowDigest)
                } else {
                    inputs.combine(0)
                }
            } else {
                shared.combine(path)
                across.combine(path)
                across.combine(digest)
            }
            plans.append(ValidationUnits.PlanUnit(path: path, inputs: inputs.value))
        }
        var accounts: [ValidationUnits.AccountUnit] = []
        accounts.reserveCapacity(list.entries.count)
        let history = validator.lastStageChange
        for (position, entry) in list.entries.enumerated() {
            var inputs = StableHash(seed: entry.digest)
            inputs.combine(ownPlan[position])
            // An account's checks read when its own stage last changed (and no other account's).
            if !history.isEmpty, let date = history[entry.key] { inputs.combine(date.description) }
            accounts.append(ValidationUnits.AccountUnit(key: entry.key, lineOffset: entry.lineOffset, inputs: inputs.value))
            across.combine(entry.key)
            across.combine(entry.rowDigest)
        }
        return ValidationUnits(shared: shared.value, across: across.value, accounts: accounts, plans: plans, owners: [])
    }

    /// The digest of every input of the cross-file rules, or nil when some input has no fingerprint
    /// (then the rules always run).
    static func signature(of files: RecordedFiles, fingerprints: FileFingerprints, validator: Validator)
        -> UInt64?
    {
        guard var hash = sharedInputs(of: files, fingerprints: fingerprints, validator: validator) else { return nil }
        for (id, date) in validator.lastStageChange.sorted(by: { $0.key < $1.key }) {
            hash.combine(id)
            hash.combine(date.description)
        }
        switch files.accounts {
        case .parsed, .record, .listed:
            // Parsed now or reused, a file with a fingerprint has a record (or one to make).
            if let pending = files.newAccountList {
                hash.combine(pending.list.digest)
            } else {
                guard let record = files.records[WorkspaceFile.accounts] else { return nil }
                hash.combine(record.digest)
            }
        case .missing:
            hash.combine("missing accounts")
        }
        for plan in files.plans {
            switch plan {
            case .parsed(let path, _):
                guard let record = files.records[path] else { return nil }
                hash.combine(path)
                hash.combine(record.digest)
            case .record(let path, let record):
                hash.combine(path)
                hash.combine(record.digest)
            }
        }
        return hash.value
    }

    /// What every check may read besides the plans and accounts: policy, team and the date (the
    /// stage history is read per account: it is an input of each account's unit); nil when some input has no fingerprint or a folder could not be listed.
    private static func sharedInputs(of files: RecordedFiles, fingerprints: FileFingerprints, validator: Validator)
        -> StableHash?
    {
        guard files.listedEverything else { return nil }
        var hash = StableHash()
        for path in [WorkspaceFile.policy, WorkspaceFile.team] {
            if let fingerprint = fingerprints[path] {
                hash.combine(fingerprint)
            } else if files.present.contains(path) {
                return nil
            } else {
                hash.combine("missing " + path)
            }
        }
        hash.combine(validator.today.description)
        return hash
    }
}
