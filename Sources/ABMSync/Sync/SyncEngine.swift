import ABMCore
import Foundation
import GitKit

/// What a pull, push or sync did, as values the command renders in plan terms.
public struct SyncReport: Sendable {
    public enum Outcome: Sendable, Equatable {
        case upToDate
        case fastForwarded
        case merged
        case conflicts
    }

    /// Local edits recorded before anything else (nil when there were none).
    public var checkpoint: (commit: String, changes: [PlanChange])?
    /// A merge that stopped on conflicts, finished now: whose changes it took in, what they brought
    /// (against your last commit), and the commit. `checkpoint` then holds only your own edits on top
    /// of theirs (your decisions), not what the teammates changed.
    public var finishedMerge: (commit: String, authors: [String], brought: [PlanChange])?
    /// Local edits a pull did not record on the branch because they have errors: kept in the working
    /// files and in a commit on `SyncEngine.keptEditsReference`, never sent.
    public var keptEdits: (commit: String, changes: [PlanChange], errors: [Finding])?
    public var pullOutcome: Outcome?
    /// What teammates changed, in plan terms.
    public var incoming: [PlanChange] = []
    /// Who made the incoming changes.
    public var incomingAuthors: [String] = []
    public var conflicts: [MergeConflict] = []
    /// Commits sent to the remote (0 when nothing was pushed).
    public var pushedCommits = 0
    /// True when the remote could not be reached: edits stay local and go out next time.
    public var offline = false
    public var offlineReason: String?
    public var remote: String = "origin"
    public var remoteURL: String?
    public var branch: String = "main"

    public init() {}
}

/// pull, push and sync for people who never type git: local work is recorded before anything
/// touches it, merges are structure-aware, invalid plans are never sent, force is never used.
public final class SyncEngine {
    public let repository: PlanRepository
    let options: RemoteOptions
    let today: PlanDate
    let remote = "origin"

    public convenience init(repository: PlanRepository, transfer: TransferSettings = TransferSettings(), today: PlanDate) {
        self.init(repository: repository, options: transfer.remoteOptions, today: today)
    }

    package init(repository: PlanRepository, options: RemoteOptions, today: PlanDate) {
        self.repository = repository
        self.options = options
        self.today = today
    }

    var git: Repository { repository.git }
    /// Trees already validated in this run: each is checked once, however many steps need it.
    private var validatedTrees: Set<ObjectID> = []
    /// Heads whose commits to send were judged allowed in this run (`permissions:`).
    private var judgedHeads: Set<ObjectID> = []
    /// This run's commit of local edits kept off the branch (see `keptEditsReference`): what the
    /// working files hold instead of HEAD.
    private var keptEdits: ObjectID?

    /// Where a pull keeps local edits that have errors: a commit whose parent is HEAD, on a private
    /// ref that is never sent (its reflog keeps the earlier ones). The branch only ever gets
    /// commits that pass validation, so nothing invalid reaches the team through a later sync.
    public static let keptEditsReference = "refs/abmsync/checkpoint"

    /// Get teammates' changes: local edits are recorded first (a pull never refuses: valid edits
    /// become a commit on the branch, edits with errors are kept aside), then the remote branch is
    /// merged in and the kept edits, if any, are merged into the files on top.
    public func pull() throws(AbmsyncError) -> SyncReport {
        try session(validateLocalEdits: false) { (identity, report) throws(AbmsyncError) in
            guard try fetchOrGoOffline(&report) else { return }
            try integrate(identity: identity, report: &report)
        }
    }

    /// Send local edits (validated), merging teammates' changes first when the remote moved.
    public func push(maxAttempts: Int = PushRace.maxAttempts) throws(AbmsyncError) -> SyncReport {
        try session(validateLocalEdits: true) { (identity, report) throws(AbmsyncError) in
            if sharedFolderIsMissing(&report) { return }
            try pushLoop(identity: identity, report: &report, maxAttempts: maxAttempts)
        }
    }

    /// Pull, then push.
    public func sync(maxAttempts: Int = PushRace.maxAttempts) throws(AbmsyncError) -> SyncReport {
        try session(validateLocalEdits: true) { (identity, report) throws(AbmsyncError) in
            guard try fetchOrGoOffline(&report) else { return }
            try integrate(identity: identity, report: &report)
            if report.pullOutcome == .conflicts { return }
            try pushLoop(identity: identity, report: &report, maxAttempts: maxAttempts)
        }
    }

    /// What every operation starts with: one process at a time, the remote known, an identity that
    /// is on the team, a finished merge if one was settled, and local edits recorded.
    private func session(
        validateLocalEdits: Bool, _ body: (Signature, inout SyncReport) throws(AbmsyncError) -> Void
    ) throws(AbmsyncError) -> SyncReport {
        let lock = try RepositoryLock.acquire(gitDirectory: git.gitDirectory)
        defer { lock.release() }
        var report = try prepareReport()
        // git's lock files a killed run left go first (the step below needs the index), then a step
        // a killed run left half done is finished, then its temporary files go.
        try GitLocks.prepare(gitDirectory: git.gitDirectory, root: repository.root, branch: report.branch, remote: remote)
        defer { GitLocks.finish(gitDirectory: git.gitDirectory) }
        try CheckoutJournal.recover(repository)
        FileSystem.removeLeftoverTemporaryFiles(root: repository.root, gitDirectory: git.gitDirectory)
        let identity = try currentIdentity()
        try finishResolvedMerge(identity: identity, report: &report)
        try checkpoint(identity: identity, report: &report, validate: validateLocalEdits)
        FaultInjection.crashPoint("after-checkpoint")
        do {
            try body(identity, &report)
        } catch {
            reportBeforeFailure = report
            throw error
        }
        return report
    }

    /// When an operation failed after local edits were recorded: the report up to then (what was
    /// recorded), so the person can be told their edits are safe.
    public private(set) var reportBeforeFailure: SyncReport?

    /// The commit holding recorded edits the shared remote does not have yet (as of the last fetch),
    /// or nil when everything recorded here has been sent.
    public func unsentCommit() -> String? {
        guard let head = try? git.headCommitID() else { return nil }
        guard let reference = try? upstreamReference, let upstream = try? git.referenceTarget(reference) else {
            return head.short
        }
        if upstream == head || (try? git.mergeBase(head, upstream)) == head { return nil }
        return head.short
    }

    /// Fetches; false (with the report marked offline) when the remote cannot be reached.
    private func fetchOrGoOffline(_ report: inout SyncReport) throws(AbmsyncError) -> Bool {
        if sharedFolderIsMissing(&report) { return false }
        do {
            try fetch(&report)
            return true
        } catch {
            guard error.isOffline else { throw error.asAbmsyncError }
            report.offline = true
            report.offlineReason = error.offlineReason
            return false
        }
    }

    /// True (with the report marked offline) when the remote is a folder on this machine (a path or
    /// file://) that is not there: an unmounted share or an unplugged drive is offline, like a server
    /// that does not answer. (libgit2 calls a path that does not exist an "unsupported URL protocol".)
    private func sharedFolderIsMissing(_ report: inout SyncReport) -> Bool {
        guard let url = try? git.remote(named: remote)?.url, let folder = LocalRemote.folder(of: url),
            !FileSystem.exists(folder)
        else { return false }
        report.offline = true
        report.offlineReason = "the shared folder '\(folder)' is not there (is the share or drive connected?)"
        return true
    }

    // MARK: - Steps

    private func prepareReport() throws(AbmsyncError) -> SyncReport {
        var report = SyncReport()
        do {
            report.branch = try git.currentBranch() ?? "main"
            guard let info = try git.remote(named: remote) else {
                throw AbmsyncError.invalidArgument(
                    "this plan repository has no shared remote yet",
                    hint: "record it once with: abmsync init --remote URL (or git remote add origin URL)")
            }
            try RemoteAddress.refuseCredentials(info.url, stored: true)  // no token into FETCH_HEAD or reflogs
            report.remoteURL = RemoteDisplay.redacted(info.url)
        } catch {
            throw AbmsyncError.from(error)
        }
        return report
    }

    private func currentIdentity() throws(AbmsyncError) -> Signature {
        let team = WorkspaceLoader.loadTeam(from: WorkingTreeSource(root: repository.root))
        return try repository.teamIdentity(team: team).signature.stampedNow()
    }

    /// Local edits become a commit first: whatever happens next (a crash, a conflict), both
    /// versions stay in history. Only valid edits go on the branch; with `validate` false (pull),
    /// edits with errors are kept aside (`keptEditsReference`) instead of refused.
    private func checkpoint(identity: Signature, report: inout SyncReport, validate: Bool) throws(AbmsyncError) {
        try IncomingCheck.checkWorkingTree(root: repository.root)
        let statuses = try repository.changedFiles()
        if try hasUnresolvedConflicts(statuses) {
            throw .conflictsOpen(
                "teammates' changes are waiting to be merged with yours and some conflicts are still open",
                hint: "run 'abmsync conflicts' to see them, settle each (edit the file or 'abmsync resolve'), then sync again")
        }
        let recorded: (commit: ObjectID, changes: [PlanChange])?
        do {
            recorded = try repository.commitLocalChanges(as: identity, today: today, validate: true, statuses: statuses)
        } catch {
            guard !validate, case .validationFailed(let errors) = error, (try? git.headCommitID()) != nil else { throw error }
            if let kept = try repository.keepLocalChangesAside(
                as: identity, reference: Self.keptEditsReference, statuses: statuses)
            {
                keptEdits = kept.commit
                report.keptEdits = (kept.commit.short, kept.changes, errors)
            }
            return
        }
        if let recorded {
            report.checkpoint = (recorded.commit.short, recorded.changes)
            if let tree = try? git.commit(recorded.commit).treeID { validatedTrees.insert(tree) }
            // Edits kept aside by an earlier pull are in this commit now (or were dropped since).
            try? git.deleteReference(Self.keptEditsReference)
        }
    }

    /// A merge that stopped on conflicts and whose files no longer hold markers is finished with a
    /// merge commit (HEAD + MERGE_HEAD).
    private func finishResolvedMerge(identity: Signature, report: inout SyncReport) throws(AbmsyncError) {
        do {
            guard let theirs = try git.mergeHead() else { return }
            if try hasUnresolvedConflicts() { return }
            guard let head = try git.headCommitID() else { return }
            let index = try git.index()
            try index.addAll()
            let staged = try StagedSource(repository: git)
            let errors = ValidateUseCase.cachedReport(
                staged, fingerprints: staged.fingerprints, gitDirectory: git.gitDirectory, today: today
            ).findings.filter { $0.severity == .error }
            if !errors.isEmpty { throw AbmsyncError.validationFailed(errors) }
            try index.write()
            let tree = try index.writeTree(to: git)
            // What the merge brings to your branch (against HEAD) is mostly the teammates' work; your own
            // edits are what differs from their version (your decisions, your edits during the merge).
            let brought = try repository.localChanges()
            let theirTree = try git.commit(theirs).treeID
            let yours = ChangeSummary.compare(
                old: try CommitSource(repository: git, commit: theirs), new: staged,
                paths: try git.changedPaths(from: theirTree, to: tree))
            var authors: [String] = []
            for commit in try git.log(from: theirs, limit: 500) {
                if try git.mergeBase(commit.id, head) == commit.id { break }
                if !authors.contains(commit.author.name) { authors.append(commit.author.name) }
            }
            let whose = authors.isEmpty ? "teammates'" : authors.joined(separator: ", ")
            let message = CommitMessage.make(
                changes: yours.isEmpty ? brought : yours,
                prefix: yours.isEmpty ? "Merge changes from \(whose): " : "Merge changes from \(whose); yours: ")
            let commit = try git.createCommit(tree: tree, parents: [head, theirs], message: message, author: identity, updating: nil)
            try moveBranch(to: commit, from: head, reason: "abmsync: finish merge")
            try git.cleanupState()
            report.finishedMerge = (commit.short, authors, brought)
            if !yours.isEmpty { report.checkpoint = (commit.short, yours) }
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// Conflict markers can only be in files that differ from the last commit (or, while a merge is
    /// under way, in the files it wrote): a byte scan of those, no parsing.
    func hasUnresolvedConflicts(_ statuses: [FileStatus]? = nil) throws(AbmsyncError) -> Bool {
        let current: [FileStatus]
        if let statuses { current = statuses } else { current = try repository.changedFiles() }
        let changed = current.map(\.path)
        let source = WorkingTreeSource(root: repository.root)
        for path in changed where WorkspaceFile.isPlanData(path) {
            guard let bytes = (try? source.read(path)) ?? nil else { continue }
            if ConflictMarker.containsMarkerLine(bytes) { return true }
        }
        return false
    }

    private func fetch(_ report: inout SyncReport) throws(SyncFailure) {
        defer { FaultInjection.crashPoint("after-fetch") }
        do {
            try againIfDropped { () throws(GitError) in try git.fetch(remote: remote, options: options) }
        } catch {
            throw SyncFailure(error, remote: report.remoteURL ?? remote)
        }
    }

    /// Runs one transfer with the remote, again shortly (jittered, growing waits) when a busy server
    /// dropped the connection, up to `PushRace.droppedConnectionAttempts` tries: such a server is
    /// not offline. Any other failure is thrown at once.
    private func againIfDropped(_ transfer: () throws(GitError) -> Void) throws(GitError) {
        for attempt in 1...PushRace.droppedConnectionAttempts {
            do {
                return try transfer()
            } catch {
                guard error.isDroppedConnection, attempt < PushRace.droppedConnectionAttempts else { throw error }
                PushRace.wait(beforeAttempt: attempt + 1)
            }
        }
    }

    private var upstreamReference: String {
        get throws(AbmsyncError) {
            do {
                return "refs/remotes/\(remote)/\(try git.currentBranch() ?? "main")"
            } catch {
                throw .git(error)
            }
        }
    }

    /// Brings the fetched remote branch into HEAD: fast-forward, structure-aware merge, or a stop
    /// with conflicts marked in the files.
    private func integrate(identity: Signature, report: inout SyncReport) throws(AbmsyncError) {
        do {
            guard let theirs = try git.referenceTarget(try upstreamReference) else {
                report.pullOutcome = .upToDate  // the remote has nothing yet
                return
            }
            // Links where plans belong and bytes that are not text stop here, before any checkout.
            try IncomingCheck.check(git, theirs: theirs, head: try git.headCommitID())
            guard let head = try git.headCommitID() else {
                // Nothing local yet: take the remote's history as it is.
                let tree = try git.commit(theirs).treeID
                try CheckoutJournal(
                    kind: .first, branch: try headBranchReference(), old: nil, target: theirs, from: nil, files: tree, stage: tree,
                    paths: []
                ).run(repository)
                report.pullOutcome = .fastForwarded
                try describeIncoming(from: nil, to: theirs, report: &report)
                return
            }
            // The working tree equals HEAD here (local edits were recorded first), or the commit of
            // the edits kept aside, so only the files that differ between that and the result need
            // writing.
            let workingTree = try git.commit(keptEdits ?? head).treeID
            func changedFiles(to tree: ObjectID) throws(GitError) -> [String] {
                try git.changedPaths(from: workingTree, to: tree)
            }
            switch try CommitMerger.merge(git, ours: head, theirs: theirs) {
            case .upToDate:
                report.pullOutcome = .upToDate
            case .fastForward(let target):
                // Files first, then the branch: a crash in between leaves the new files as edits that the
                // next run records and merges again, never an old tree recorded over new history.
                let files = try filesWithKeptEdits(on: target)
                try step(.fastForward, to: target, from: head, workingTree: workingTree, files: files.tree).run(repository)
                report.pullOutcome = files.conflicts.isEmpty ? .fastForwarded : .conflicts
                report.conflicts = files.conflicts
                try describeIncoming(from: head, to: target, report: &report)
            case .merged(let tree):
                let base = try git.mergeBase(head, theirs)
                try describeIncoming(from: base, to: theirs, report: &report)
                let message = CommitMessage.make(changes: report.incoming, prefix: "Merge teammates' changes: ")
                let commit = try git.createCommit(
                    tree: tree, parents: [head, theirs], message: message, author: identity, updating: nil)
                FaultInjection.crashPoint("after-merge-commit")
                let files = try filesWithKeptEdits(on: commit)
                try step(.merge, to: commit, from: head, workingTree: workingTree, files: files.tree).run(repository)
                report.pullOutcome = files.conflicts.isEmpty ? .merged : .conflicts
                report.conflicts = files.conflicts
            case .conflicted(var tree, var conflicts):
                if let keptEdits {
                    // The files get the kept edits too; the merge commit that settles the conflicts
                    // is validated before it is made.
                    switch try CommitMerger.merge(git, ours: keptEdits, theirs: theirs) {
                    case .conflicted(let withEdits, let found): (tree, conflicts) = (withEdits, found)
                    case .merged(let withEdits): tree = withEdits
                    case .upToDate, .fastForward: break
                    }
                }
                let base = try git.mergeBase(head, theirs)
                try describeIncoming(from: base, to: theirs, report: &report)
                // Files get the merged content, conflicted ones with markers; HEAD stays where it is and
                // MERGE_HEAD records what is being merged (git status shows it, as after git merge).
                try CheckoutJournal(
                    kind: .conflict, branch: try headBranchReference(), old: head, target: theirs, from: workingTree, files: tree,
                    stage: tree, paths: try changedFiles(to: tree),
                    message: "Merge teammates' changes (\(conflicts.count.counted("conflict")) settled)"
                ).run(repository)
                report.pullOutcome = .conflicts
                report.conflicts = conflicts
            }
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// What the working files become when the branch moves to `tip`: its tree, with the edits kept
    /// aside this run (if any) merged on top, conflicts marked.
    private func filesWithKeptEdits(on tip: ObjectID) throws(AbmsyncError) -> (tree: ObjectID, conflicts: [MergeConflict]) {
        do {
            guard let keptEdits else { return (try git.commit(tip).treeID, []) }
            switch try CommitMerger.merge(git, ours: keptEdits, theirs: tip) {
            case .upToDate: return (try git.commit(keptEdits).treeID, [])
            case .fastForward(let newer): return (try git.commit(newer).treeID, [])
            case .merged(let tree): return (tree, [])
            case .conflicted(let tree, let conflicts): return (tree, conflicts)
            }
        } catch {
            throw AbmsyncError.from(error)
        }
    }

    /// The journalled step that moves the branch from `old` to `tip`: the working files (now
    /// `workingTree`) become `files` (the tip's tree plus kept edits); the index holds the tip's version
    /// of every file the move touched, so kept edits stay unstaged, as they were.
    private func step(
        _ kind: CheckoutJournal.Kind, to tip: ObjectID, from old: ObjectID, workingTree: ObjectID, files: ObjectID
    ) throws(GitError) -> CheckoutJournal {
        let tipTree = try git.commit(tip).treeID
        var paths = Set(try git.changedPaths(from: workingTree, to: files))
        if keptEdits != nil {
            paths.formUnion(try git.changedPaths(from: try git.commit(old).treeID, to: tipTree))
            paths.formUnion(try git.changedPaths(from: tipTree, to: files))
        }
        return CheckoutJournal(
            kind: kind, branch: try headBranchReference(), old: old, target: tip, from: workingTree, files: files, stage: tipTree,
            paths: paths.sorted())
    }

    private func headBranchReference() throws(GitError) -> String {
        try git.headReferenceName() ?? "refs/heads/main"
    }

    private func moveBranch(to target: ObjectID, from old: ObjectID, reason: String) throws(AbmsyncError) {
        do {
            try git.setReference(try headBranchReference(), to: target, expected: old, logMessage: reason)
        } catch {
            if error.code == .modified {
                throw .invalidArgument(
                    "the branch moved while abmsync was working (another program changed it)",
                    hint: "run the command again")
            }
            throw .git(error)
        }
    }

    private func describeIncoming(from old: ObjectID?, to new: ObjectID, report: inout SyncReport) throws(GitError) {
        let newSource = try CommitSource(repository: git, commit: new)
        let oldTree = try old.map { (id) throws(GitError) in try git.commit(id).treeID }
        let paths = try git.changedPaths(from: oldTree, to: try git.commit(new).treeID)
        if let old {
            report.incoming = ChangeSummary.compare(old: try CommitSource(repository: git, commit: old), new: newSource, paths: paths)
        } else {
            report.incoming = ChangeSummary.compare(old: MemorySource([:]), new: newSource, paths: paths)
        }
        var authors: [String] = []
        for commit in try git.log(from: new, limit: 500) {
            if let old, try git.mergeBase(commit.id, old) == commit.id { break }
            if !authors.contains(commit.author.name) { authors.append(commit.author.name) }
        }
        report.incomingAuthors = authors
    }

    private func pushLoop(identity: Signature, report: inout SyncReport, maxAttempts: Int) throws(AbmsyncError) {
        for attempt in 1...max(1, maxAttempts) {
            do {
                guard let head = try git.headCommitID() else { return }
                let upstream = try git.referenceTarget(try upstreamReference)
                if upstream == head { return }  // nothing to send
                // Never send what would fail validation, however it was committed (once per tree).
                let tree = try git.commit(head).treeID
                if !validatedTrees.contains(tree) {
                    let source = try CommitSource(repository: git, commit: head)
                    let errors = ValidateUseCase.cachedReport(
                        source, fingerprints: source.fingerprints, gitDirectory: git.gitDirectory, today: today
                    ).findings.filter { $0.severity == .error }
                    if !errors.isEmpty { throw AbmsyncError.validationFailed(errors) }
                    validatedTrees.insert(tree)
                }
                // Nor a change its author may not make: every commit to be sent is judged as
                // `abmsync verify upstream..HEAD` judges it (once per head).
                if !judgedHeads.contains(head) {
                    let verdict = try VerifyUseCase.judge(git, from: upstream, to: head)
                    let refused = verdict.commits.filter { !$0.allowed }
                    if !refused.isEmpty { throw AbmsyncError.changesRefused(refused) }
                    judgedHeads.insert(head)
                }
                let ahead = try upstream.map { (u) throws(GitError) in try git.aheadBehind(local: head, upstream: u).ahead } ?? 1
                let branch = try git.currentBranch() ?? "main"
                if let folder = LocalRemote.folder(of: try git.remote(named: remote)?.url ?? "") {
                    // A shared folder: libgit2's transport for it updates the branch without comparing
                    // its old value, so two teammates pushing at once could overwrite each other. Copy
                    // the commits' objects in, then move the branch only if it is still where we last
                    // saw it (an atomic compare-and-swap in the shared repository).
                    try LocalRemote.send(head, from: git, knownThere: upstream, to: folder, branch: branch)
                } else {
                    try againIfDropped { () throws(GitError) in
                        try git.push(remote: remote, refspecs: ["refs/heads/\(branch):refs/heads/\(branch)"], options: options)
                    }
                }
                try git.setReference("refs/remotes/\(remote)/\(branch)", to: head, logMessage: "abmsync: push")
                report.pushedCommits += ahead
                return
            } catch let error as AbmsyncError {
                throw error
            } catch let error as GitError {
                let failure = SyncFailure(error, remote: report.remoteURL ?? remote)
                if failure.isOffline {
                    report.offline = true
                    report.offlineReason = failure.offlineReason
                    return
                }
                guard PushRace.lostTheRace(error) else { throw failure.asAbmsyncError }
                guard attempt < maxAttempts else {
                    throw .invalidArgument(
                        "cannot send your edits to \(report.remoteURL ?? remote): teammates sent changes at the same moment "
                            + "\(maxAttempts) times in a row (each time abmsync merged theirs with yours and tried again)",
                        hint: "nothing is lost; run 'abmsync sync' again in a minute")
                }
                // A teammate pushed first: wait a little (random, longer each time, so racing teammates
                // spread out), bring their work in, validate, and try again (never force).
                PushRace.wait(beforeAttempt: attempt + 1)
                guard try fetchOrGoOffline(&report) else { return }
                try integrate(identity: identity, report: &report)
                if report.pullOutcome == .conflicts { return }
            } catch {
                throw .invalidArgument("\(error)", hint: nil)
            }
        }
    }
}

/// A transport failure, told apart: offline (a normal state) or a real problem.
struct SyncFailure: Error {
    let error: GitError
    let remote: String

    init(_ error: GitError, remote: String) {
        self.error = error
        self.remote = remote
    }

    var isOffline: Bool { error.isNetworkUnreachable }

    var offlineReason: String { error.libraryMessage ?? "the remote did not answer" }

    var asAbmsyncError: AbmsyncError {
        if error.isAuthenticationFailure {
            return .git(
                error,
                hint: error.hint
                    ?? "check your access to \(remote): an ssh key in ~/.ssh (id_ed25519 or id_rsa) or ssh-agent, or for https set ABMSYNC_GIT_USERNAME and ABMSYNC_GIT_TOKEN")
        }
        if error.isCertificateFailure {
            return .git(error, hint: error.hint ?? "the server's certificate or host key is not trusted; ask your admin")
        }
        if error.code == .pushRejected {
            return .git(
                error,
                hint: "the shared repository's rules (a server hook, a protected branch) refused your edits for the reason above; "
                    + "they are kept here: ask whoever runs the shared repository")
        }
        return .git(error, hint: error.hint)
    }
}

extension Signature {
    /// The same person, stamped with the current time.
    func stampedNow() -> Signature {
        Signature(name: name, email: email, time: Int64(Date().timeIntervalSince1970), offsetMinutes: offsetMinutes)
    }
}

/// A push that lost the race to a teammate's: told apart from a real refusal, and retried after a
/// jittered, growing wait.
public enum PushRace {
    /// Tries per push or sync before giving up (the edits stay recorded locally).
    public static let maxAttempts = 10
    /// Tries of one fetch or push when a busy server drops the connection, before it counts as offline.
    static let droppedConnectionAttempts = 4

    /// What servers and libgit2 say when the branch moved between our fetch and our push.
    static let raceMarkers = [
        "fetch first", "non-fast-forward", "cannot lock ref", "failed to update ref", "failed to lock",
        "stale info", "not present locally", "but expected", "reference already exists",
    ]

    /// True when the push failed because a teammate's push got in first (the remote branch moved):
    /// libgit2's own non-fast-forward check, or a server that refused to move the branch for that
    /// reason. A hook or a protected branch that declined is a refusal, never a race.
    static func lostTheRace(_ error: GitError) -> Bool {
        if error.code == .nonFastForward { return true }
        let message = (error.libraryMessage ?? "").lowercased()
        if error.code == .pushRejected {
            let reasons = error.rejectedReferences.map { $0.reason.lowercased() }
            if reasons.contains(where: { $0.contains("declined") || $0.contains("protected") }) { return false }
            return reasons.contains { reason in raceMarkers.contains { reason.contains($0) } }
                || raceMarkers.contains { message.contains($0) }
        }
        return message.contains("not present locally")
    }

    /// Sleeps before try number `attempt` (2, 3, …): half of 200 ms × 2^(attempt-2), capped at 4 s,
    /// plus a random part as large again, so teammates who collided do not collide again.
    static func wait(beforeAttempt attempt: Int) {
        let ceiling = min(4, 0.2 * pow(2, Double(max(0, attempt - 2))))
        let seconds = ceiling / 2 + Double.random(in: 0...(ceiling / 2))
        usleep(useconds_t(seconds * 1_000_000))
    }
}

/// Remote URLs for messages: never with credentials in them.
public enum RemoteDisplay {
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<hostEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let user = authority[..<at]
        let visibleUser = user.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let keepUser = url.hasPrefix("ssh://") ? visibleUser + "@" : ""
        return String(url[..<scheme.upperBound]) + keepUser + authority[authority.index(after: at)...] + rest[hostEnd...]
    }
}

/// Remotes that are folders on this machine (a path or file://), which abmsync updates itself.
enum LocalRemote {
    /// Copies what `head` needs into the shared repository, then moves `branch` there from `old`
    /// (nil: absent) to `head` atomically; a branch that moved meanwhile is reported as
    /// non-fast-forward so the caller merges and retries. No temporary reference is created there:
    /// a teammate fetching at that moment lists the references, and one deleted between the listing
    /// and the reading stopped their fetch or push ("reference … not found").
    static func send(_ head: ObjectID, from local: Repository, knownThere old: ObjectID?, to folder: String, branch: String)
        throws(GitError)
    {
        let shared = try Repository.open(at: folder)
        try local.copyObjects(reachableFrom: head, excluding: old.map { [$0] } ?? [], into: shared)
        do {
            if let old {
                try shared.setReference("refs/heads/\(branch)", to: head, expected: old, logMessage: "abmsync: push")
            } else {
                try shared.createReference("refs/heads/\(branch)", to: head, logMessage: "abmsync: push")
            }
        } catch {
            if error.code == .modified || error.code == .exists || error.code == .locked {
                throw GitError(
                    code: .nonFastForward, operation: "send changes", subject: branch,
                    libraryMessage: "a teammate sent changes to the shared folder first")
            }
            throw error
        }
    }

    static func folder(of url: String) -> String? {
        if url.hasPrefix("file://") { return String(url.dropFirst("file://".count)) }
        if url.contains("://") || url.range(of: "^[^/]+@[^:]+:", options: .regularExpression) != nil { return nil }
        return url.isEmpty ? nil : url
    }
}

/// Test-only crash points: with ABMSYNC_TEST_CRASH_AT=<point>, the process dies abruptly there, as a
/// killed process would, so tests can check that the next run recovers and nothing is lost.
enum FaultInjection {
    private static let point = ProcessInfo.processInfo.environment["ABMSYNC_TEST_CRASH_AT"]

    static func crashPoint(_ name: String) {
        if point == name { _exit(137) }
    }

    static func isArmed(_ name: String) -> Bool { point == name }
}
