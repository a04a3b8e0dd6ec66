import ABMCore

/// Every file of a workspace, read as `WorkspaceLoader` reads it, but reusing earlier parse
/// records: policy and team parsed, each plan and accounts.yaml either parsed now or, when its
/// fingerprint matches, the earlier record (left encoded).
public struct RecordedFiles {
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
        case parsed(WorkspaceLoader.AccountsLoad)
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
    /// How many of those were parsed now rather than reused.
    public var reparsed: Int
    /// How many accounts.yaml entries were parsed now (the others were reused).
    public var reparsedEntries: Int
    /// False when a folder could not be listed (the file set is then not fully known).
    public var listedEverything: Bool

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

    /// Reads every file, reusing earlier records where the content is unchanged.
    public static func read(from source: some WorkspaceSource, reusing reuse: ParseReuse?) -> RecordedFiles {
        var loader = WorkspaceLoader()
        let policy = loader.loadPolicy(source)
        let team = loader.loadTeam(source)
        var records: [String: FileParse] = [:]
        var reparsed = 0
        var reparsedEntries = 0
        // accounts.yaml is the largest single file: it is parsed while the plans are.
        var accountsRecord: FileParse?
        var accountsTask: BackgroundTask<(AccountsRead, FileParse?)>?
        var newAccountList: (fingerprint: String, list: AccountList)?
        let earlierAccounts = reuse?.previous[WorkspaceFile.accounts]
        if let now = reuse?.fingerprints[WorkspaceFile.accounts], let earlierAccounts, earlierAccounts.fingerprint == now {
            loader.present.insert(WorkspaceFile.accounts)
            accountsRecord = earlierAccounts
        } else if let accountsBytes = loader.read(WorkspaceFile.accounts, source: source) {
            let fingerprint = reuse?.fingerprints[WorkspaceFile.accounts]
            accountsTask = BackgroundTask {
                let read = Self.accounts(accountsBytes, earlier: earlierAccounts)
                // Its record is encoded there too, rather than here once the plans are done.
                // The record of a list read entry by entry is made only when asked for.
                guard let fingerprint, case .whole(let load) = read else { return (read, nil) }
                return (read, FileParse(fingerprint: fingerprint, result: .accounts(load.accounts, load.findings)))
            }
        }
        let (paths, listedEverything) = loader.planPaths(source)
        records.reserveCapacity(reuse == nil ? 0 : paths.count + 1)
        // Per plan, in path order: its earlier record, or nil for the next of `jobs` (those parsed now).
        // Plans are looked up in path order, the order of the fingerprints and records: each is
        // found at once.
        var cursor = ParseReuse.Cursor()
        var slots: [PlanSlot] = []
        slots.reserveCapacity(paths.count)
        var jobs: [PlanJob] = []
        var jobFingerprints: [String?] = []
        for (path, kind) in paths {
            if let earlier = reuse?.unchanged(path, cursor: &cursor) {
                slots.append(PlanSlot(path: path, record: earlier))
                continue
            }
            slots.append(PlanSlot(path: path, record: nil))
            jobs.append(PlanJob(path: path, kind: kind))
            jobFingerprints.append(reuse?.fingerprints[path])
        }
        let fingerprints = jobFingerprints
        // Each new plan's record is encoded on the worker that parsed it.
        var outcomes = WorkspaceLoader.parsePlans(jobs, source: source) { position, loaded -> FileParse? in
            fingerprints[position].map { FileParse(fingerprint: $0, result: .plan(loaded.facts, loaded.findings)) }
        }
        var next = 0
        var plans: [PlanFile] = []
        plans.reserveCapacity(paths.count)
        loader.present.reserveCapacity(loader.present.count + paths.count)
        // Results are taken in path order, so findings come out as in a serial run.
        for slot in slots {
            if let record = slot.record {
                loader.present.insert(slot.path)
                records[slot.path] = record
                plans.append(.record(slot.path, record))
                continue
            }
            guard next < outcomes.count else { break }
            // Taken out of the list (swapped with a place holder) rather than copied.
            var outcome = PlanOutcome<FileParse?>.missing
            swap(&outcome, &outcomes[next])
            next += 1
            switch consume outcome {
            case .missing:
                continue
            case .unreadable(let error):
                loader.findings.append(WorkspaceLoader.finding(error))
            case .parsed(let loaded, let record):
                loader.present.insert(slot.path)
                if reuse != nil {
                    reparsed += 1
                    if let record { records[slot.path] = record }
                }
                plans.append(.parsed(slot.path, loaded))
            }
        }
        let accounts: AccountsFile
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
        return RecordedFiles(
            policy: policy, team: team, findings: loader.findings, documents: loader.documents, present: loader.present,
            plans: plans, accounts: accounts, records: records, newAccountList: newAccountList, reparsed: reparsed,
            reparsedEntries: reparsedEntries, listedEverything: listedEverything)
    }

    /// A plan of a batch: its path and its earlier record, or nil to take the next freshly parsed
    /// one. (A struct, not a tuple: tuples holding a `FileParse` are copied through the runtime's
    /// generic value witnesses, which cost more than the rest of a reused plan's work.)
    private struct PlanSlot {
        var path: String
        var record: FileParse?
    }

    enum AccountsRead: Sendable {
        case listed(AccountList)
        case whole(WorkspaceLoader.AccountsLoad)
    }

    /// accounts.yaml read entry by entry, reusing the entries of the `earlier` record whose text is
    /// unchanged, or parsed whole when the entry scan is unsure of it.
    static func accounts(_ bytes: [UInt8], earlier: FileParse?) -> AccountsRead {
        if let list = AccountList.read(bytes, previous: earlier?.accountList()) { return .listed(list) }
        return .whole(WorkspaceLoader.accounts(bytes))
    }

    /// The workspace these files make, decoding the records they reuse; with the findings of
    /// reading them, in the order `WorkspaceLoader.load` gives them.
    public func assemble(source: some WorkspaceSource) -> WorkspaceLoad {
        var findings = self.findings
        var facts: [PlanFacts] = []
        facts.reserveCapacity(plans.count)
        for plan in plans {
            switch plan {
            case .parsed(_, let loaded):
                findings += loaded.findings
                if let planFacts = loaded.facts { facts.append(planFacts) }
            case .record(let path, let record):
                // A damaged record cannot happen past the cache's checksum; if it did, the plan would
                // be missing from the rules, so it is read again.
                guard case .plan(let planFacts, let recorded)? = record.result(path: path) else {
                    let loaded = WorkspaceLoader.parsePlan(path, source: source)
                    findings += loaded.findings
                    if let planFacts = loaded.facts { facts.append(planFacts) }
                    continue
                }
                findings += recorded
                if let planFacts { facts.append(planFacts) }
            }
        }
        var accountList: [Account] = []
        switch accounts {
        case .listed(let list):
            accountList = list.accounts
            findings += list.findings
        case .parsed(let load):
            accountList = load.accounts
            findings += load.findings
        case .record(let record):
            if case .accounts(let decoded, let recorded)? = record.result(path: WorkspaceFile.accounts) {
                accountList = decoded
                findings += recorded
            } else {
                let load = WorkspaceLoader.accounts(try? source.read(WorkspaceFile.accounts))
                accountList = load.accounts
                findings += load.findings
            }
        case .missing:
            break
        }
        let workspace = Workspace(
            policy: policy, team: team, accounts: accountList, plans: facts, documents: documents, presentFiles: present,
            unreadableFiles: WorkspaceLoader.unreadableFiles(findings))
        return WorkspaceLoad(workspace: workspace, findings: findings)
    }

    /// The facts of a plan file read and parsed on its own (the rare path for a damaged cache record).
    static func facts(_ path: String, source: some WorkspaceSource) -> PlanFacts? {
        WorkspaceLoader.parsePlan(path, source: source).facts
    }
}
