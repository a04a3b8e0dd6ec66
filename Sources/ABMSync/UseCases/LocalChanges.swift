import ABMCore
import Foundation
import GitKit

/// The person behind the local git identity, checked against team.yaml.
public struct TeamIdentity: Sendable {
    public var signature: Signature
    public var person: Person
}

extension PlanRepository {
    /// The local git identity, matched to a person in team.yaml by email. Fails (before anything is
    /// written) when the identity is missing or matches nobody.
    public func teamIdentity(team: Team) throws(AbmsyncError) -> TeamIdentity {
        let signature = try identity()
        guard let person = team.person(withEmail: signature.email) else {
            let known = team.people.compactMap { $0.email }.prefix(5).joined(separator: ", ")
            throw .invalidArgument(
                "your git email '\(signature.email)' matches nobody in team.yaml",
                hint: "set the email team.yaml lists for you: git config user.email you@example.com"
                    + (known.isEmpty ? "" : " (team.yaml has: \(known)\(team.people.count > 5 ? ", …" : ""))")
                    + "; or ask an admin to add you to team.yaml")
        }
        return TeamIdentity(signature: signature, person: person)
    }

    /// Paths with uncommitted changes (staged or not), untracked files included.
    public func changedFiles() throws(AbmsyncError) -> [FileStatus] {
        do {
            // Refreshing the index's stat data keeps later runs from re-reading every file; if the
            // index cannot be written right now (another program holds it), a plain status will do.
            if let refreshed = try? git.status(refreshIndex: true) { return refreshed }
            return try git.status()
        } catch {
            throw .git(error)
        }
    }

    /// What the working tree changes relative to the last commit, in plan terms.
    public func localChanges(statuses: [FileStatus]? = nil) throws(AbmsyncError) -> [PlanChange] {
        let current: [FileStatus]
        if let statuses { current = statuses } else { current = try changedFiles() }
        let changed = current.map(\.path)
        guard !changed.isEmpty else { return [] }
        do {
            let working = WorkingTreeSource(root: root)
            guard let head = try git.headCommitID() else {
                return ChangeSummary.compare(old: MemorySource([:]), new: working, paths: changed)
            }
            return ChangeSummary.compare(old: try CommitSource(repository: git, commit: head), new: working, paths: changed)
        } catch {
            throw .git(error)
        }
    }

    /// Records every local change (abmsync files and anything else the team keeps here) as one commit
    /// whose message says what changed in plan terms. Refuses when the staged plans have errors.
    /// Returns nil when there was nothing to record.
    public func commitLocalChanges(
        as identity: Signature, today: PlanDate, validate: Bool = true, subjectPrefix: String? = nil,
        statuses known: [FileStatus]? = nil
    ) throws(AbmsyncError)
        -> (commit: ObjectID, changes: [PlanChange])?
    {
        let statuses: [FileStatus]
        if let known { statuses = known } else { statuses = try changedFiles() }
        guard !statuses.isEmpty else { return nil }
        let changes = try localChanges(statuses: statuses)
        do {
            let index = try git.index()
            try index.addAll()
            if index.hasConflicts {
                throw AbmsyncError.conflictsOpen(
                    "there are unresolved conflicts", hint: "run 'abmsync conflicts' to see them and 'abmsync resolve' to settle them")
            }
            let staged = try StagedSource(repository: git)
            let errors =
                validate
                ? ValidateUseCase.cachedReport(
                    staged, fingerprints: staged.fingerprints, gitDirectory: git.gitDirectory, today: today
                ).findings.filter { $0.severity == .error } : []
            if !errors.isEmpty {
                throw AbmsyncError.validationFailed(errors)
            }
            try index.write()
            let tree = try index.writeTree(to: git)
            let parent = try git.headCommitID()
            if let parent, try git.commit(parent).treeID == tree { return nil }
            let message = CommitMessage.make(changes: changes, prefix: subjectPrefix ?? (validate ? nil : "Checkpoint: "))
            let id = try git.createCommit(
                tree: tree, parents: parent.map { [$0] } ?? [], message: message, author: identity)
            return (id, changes)
        } catch {
            throw AbmsyncError.from(error)
        }
    }
}

extension PlanRepository {
    /// Records every local change as a commit whose parent is HEAD, on `reference` (a private ref,
    /// never on the branch, never sent), and leaves the branch, the index and the files as they were:
    /// edits that do not pass validation yet are safe in history without reaching the team. The
    /// reference's reflog keeps the earlier ones. Returns nil when there was nothing to record.
    public func keepLocalChangesAside(
        as identity: Signature, reference: String, statuses known: [FileStatus]? = nil
    ) throws(AbmsyncError) -> (commit: ObjectID, changes: [PlanChange])? {
        let statuses: [FileStatus]
        if let known { statuses = known } else { statuses = try changedFiles() }
        guard !statuses.isEmpty else { return nil }
        let changes = try localChanges(statuses: statuses)
        do {
            let index = try git.index()
            // Staged in memory only, to make the tree; the index file is not written, and the
            // in-memory copy goes back to it afterwards (a checkout would otherwise save it).
            defer { try? index.reload(force: true) }
            try index.addAll()
            if index.hasConflicts {
                throw AbmsyncError.conflictsOpen(
                    "there are unresolved conflicts", hint: "run 'abmsync conflicts' to see them and 'abmsync resolve' to settle them")
            }
            let tree = try index.writeTree(to: git)
            let parent = try git.headCommitID()
            if let parent, try git.commit(parent).treeID == tree { return nil }
            let message = CommitMessage.make(changes: changes, prefix: "Edits kept aside (not shared, they have errors): ")
            let id = try git.createCommit(
                tree: tree, parents: parent.map { [$0] } ?? [], message: message, author: identity, updating: nil)
            try git.keepReflog(for: reference)
            try git.setReference(reference, to: id, logMessage: "abmsync: edits kept aside while pulling")
            return (id, changes)
        } catch {
            throw AbmsyncError.from(error)
        }
    }
}

/// Commit messages in plan terms: a subject line a salesperson understands, then one line per change.
public enum CommitMessage {
    public static func make(changes: [PlanChange], prefix: String? = nil) -> String {
        let lines = changes.map(\.description)
        var subject: String
        switch lines.count {
        case 0: subject = "Update plans"
        case 1: subject = lines[0]
        default:
            let joined = lines.prefix(2).joined(separator: "; ")
            subject = lines.count > 2 ? joined + " (+\(lines.count - 2) more)" : joined
        }
        if subject.count > 100 { subject = String(subject.prefix(97)) + "…" }
        if let prefix { subject = prefix + subject }
        guard lines.count > 1 else { return subject + "\n" }
        return subject + "\n\n" + lines.map { "- " + $0 }.joined(separator: "\n") + "\n"
    }
}
