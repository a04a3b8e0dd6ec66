/// What the rules that look across files found last time, and the inputs they found it for.
public struct ValidationMemo: Sendable, Equatable {
    /// A digest of every input of the cross-file rules: policy, team, accounts, each plan's facts,
    /// the date and the history used.
    public var signature: UInt64
    /// The cross-file rules' findings, the team's overrides applied.
    public var findings: [Finding]
    /// Display names of the accounts the findings are about.
    public var accountNames: [String: String]

    public init(signature: UInt64, findings: [Finding], accountNames: [String: String]) {
        self.signature = signature
        self.findings = findings
        self.accountNames = accountNames
    }
}

/// Validation that redoes only what changed since the last run, with the same findings as a full
/// one.
///
/// Each file's own checks are kept with its parse record and redone only when the file changed.
/// The rules that look across files run again only when one of their inputs changed: a plan's
/// facts (sections, stakeholder count, owner), the account list, team, policy, the date or the
/// history. An edit inside a plan's text leaves its facts as they were, so such a commit is checked
/// by parsing that one file. This is the early cut-off of incremental build systems.
public enum CachedValidation {
    public struct Outcome: Sendable {
        public var report: ValidationReport
        /// A record for every file with a fingerprint, to keep for the next run.
        public var records: [String: FileParse]
        /// The memo to keep for the next run (nil when the inputs could not be pinned down).
        public var memo: ValidationMemo?
        /// Files parsed now rather than reused.
        public var reparsed: Int
        /// True when the cross-file findings were taken from the memo.
        public var reusedMemo: Bool
    }

    public static func run(
        _ source: some WorkspaceSource, reusing reuse: ParseReuse, memo: ValidationMemo?, validator: Validator
    ) -> Outcome {
        let files = WorkspaceLoader.read(from: source, reusing: reuse)
        var fileFindings = files.findings
        for plan in files.plans {
            switch plan {
            case .parsed(_, let loaded): fileFindings += loaded.findings
            case .record(_, let record): fileFindings += record.findings
            }
        }
        switch files.accounts {
        case .parsed(let load): fileFindings += load.findings
        case .record(let record): fileFindings += record.findings
        case .missing: break
        }
        let levels = files.policy.ruleLevels
        fileFindings = Validator.applyLevels(levels, to: fileFindings)

        let signature = Self.signature(of: files, fingerprints: reuse.fingerprints, validator: validator)
        var crossFindings: [Finding]
        var names: [String: String]
        var reused = false
        var accounts: [Account]?
        if let signature, let memo, memo.signature == signature {
            crossFindings = memo.findings
            names = memo.accountNames
            reused = true
        } else {
            let load = WorkspaceLoader.assemble(files, source: source)
            crossFindings = validator.validate(load.workspace)
            accounts = load.workspace.accounts
            names = [:]
        }
        // Names for every account a finding is about (a file finding may be new since the memo).
        let wanted = Set((crossFindings + fileFindings).compactMap(\.account))
        if !wanted.isSubset(of: names.keys) {
            let all = accounts ?? Self.accounts(of: files)
            for account in all where wanted.contains(account.id.value) && names[account.id.value] == nil {
                names[account.id.value] = account.displayName
            }
        }
        let crossNames = names.filter { id, _ in crossFindings.contains { $0.account == id } }
        return Outcome(
            report: ValidationReport(findings: fileFindings + crossFindings, accountNames: names),
            records: files.records,
            memo: signature.map { ValidationMemo(signature: $0, findings: crossFindings, accountNames: crossNames) },
            reparsed: files.reparsed, reusedMemo: reused)
    }

    private static func accounts(of files: WorkspaceLoader.Files) -> [Account] {
        switch files.accounts {
        case .parsed(let load): return load.accounts
        case .record(let record):
            if case .accounts(let accounts, _)? = record.result(path: WorkspaceFile.accounts) { return accounts }
            return []
        case .missing: return []
        }
    }

    /// The digest of every input of the cross-file rules, or nil when some input has no fingerprint
    /// (then the rules always run).
    static func signature(of files: WorkspaceLoader.Files, fingerprints: FileFingerprints, validator: Validator)
        -> UInt64?
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
        switch files.accounts {
        case .parsed, .record:
            // Parsed now or reused, a file with a fingerprint has a record.
            guard let record = files.records[WorkspaceFile.accounts] else { return nil }
            hash.combine(record.digest)
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
        hash.combine(validator.today.description)
        for (id, date) in validator.lastStageChange.sorted(by: { $0.key < $1.key }) {
            hash.combine(id)
            hash.combine(date.description)
        }
        return hash.value
    }
}
