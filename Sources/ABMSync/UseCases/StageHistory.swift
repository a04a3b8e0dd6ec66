import ABMCore
import Foundation
import GitKit

/// When each account's `stage` last changed, from the history of accounts.yaml: what
/// `stale-account` measures "in tier 1 this long without a stage change" from (`tier_since` when
/// the history has no change for the account).
///
/// A commit changes an account's stage when its accounts.yaml gives the account another stage than
/// its parent's does (a merge: than each of its parents'), on the commit's day in the committer's
/// time zone. An account added or removed is no stage change (`tier_since` says when it entered).
/// A snapshot that is not committed yet (the working files, the index) whose stage differs from
/// HEAD's changed it today.
///
/// The answer for a commit is kept in `.git/abmsync/stage-history-v1`; a later commit that
/// descends from the kept one walks only the commits since. The history only informs a warning: when
/// git cannot be read, the answer is what could be read.
enum StageHistory {
    /// The last stage change of every account that has one, for the snapshot `snapshot` on top of
    /// the commit `head` (nil: no commit yet).
    static func lastChanges(in git: Repository, head: ObjectID?, snapshot: Snapshot, today: PlanDate) -> [String: PlanDate] {
        guard let head else { return [:] }
        var changes = committed(in: git, head: head)
        let pending: Set<String>
        switch snapshot {
        case .commit:
            pending = []
        case .uncommitted(let blob, let read):
            let headBlob = try? git.commit(head).treeID
            let committedBlob = headBlob.flatMap { try? accountsBlob(in: git, tree: $0) }
            if let blob, let committedBlob, blob == committedBlob.hex {
                pending = []
            } else {
                let before = committedBlob.flatMap { try? git.blobData($0) }
                pending = ChangeSummary.stageChanges(old: before, new: read())
            }
        }
        for id in pending { changes[id] = today }
        return changes
    }

    /// What is being validated besides the commit's history.
    enum Snapshot {
        /// The commit itself (`validate --rev`).
        case commit
        /// Files not committed yet: the blob id of their accounts.yaml when known (the index), and how
        /// to read it.
        case uncommitted(blob: String?, read: () -> [UInt8]?)
    }

    /// The last stage change of each account in the history of `head`, from the kept answer when
    /// it is for `head` or one of its ancestors (never with `ABMSYNC_NO_CACHE=1`: then the whole
    /// history is read and nothing is kept).
    static func committed(in git: Repository, head: ObjectID) -> [String: PlanDate] {
        let path = cachePath(git.gitDirectory)
        let useCache = !ValidateUseCase.cacheDisabled
        var changes: [String: PlanDate] = [:]
        var hiding: [ObjectID] = []
        if useCache, let kept = read(path) {
            if kept.head == head { return kept.changes }
            if (try? git.mergeBase(kept.head, head)) == kept.head {
                changes = kept.changes
                hiding = [kept.head]
            }
        }
        guard let commits = try? git.log(from: head, hiding: hiding) else { return changes }
        var blobs = BlobReader(git: git)
        for commit in commits {
            guard let mine = try? accountsBlob(in: git, tree: commit.treeID) else { continue }
            var parents: [ObjectID?] = []
            for parent in commit.parentIDs {
                parents.append((try? git.commit(parent)).flatMap { try? accountsBlob(in: git, tree: $0.treeID) })
            }
            // A root commit is where accounts entered; a commit with a parent's list changed nothing.
            guard !parents.isEmpty, !parents.contains(mine) else { continue }
            var changed: Set<String>?
            for parent in parents {
                let ids = ChangeSummary.stageChanges(old: parent.flatMap { blobs.read($0) }, new: blobs.read(mine))
                changed = changed.map { $0.intersection(ids) } ?? ids
            }
            let day = Self.day(of: commit.committer)
            for id in changed ?? [] where changes[id].map({ $0 < day }) ?? true && Self.keepable(id) { changes[id] = day }
        }
        if useCache { write(Kept(head: head, changes: changes), to: path) }
        return changes
    }

    /// The calendar day of a signature in its own time zone.
    static func day(of signature: Signature) -> PlanDate {
        let seconds = signature.time + Int64(signature.offsetMinutes) * 60
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return PlanDate(dayNumber: Int(days))
    }

    static func accountsBlob(in git: Repository, tree: ObjectID) throws(GitError) -> ObjectID? {
        guard let entry = try git.treeEntry(at: WorkspaceFile.accounts, inTree: tree), entry.kind == .blob,
            !entry.isSymbolicLink
        else { return nil }
        return entry.id
    }

    /// Reads blobs, keeping the last few: a commit's list is its child's parent list.
    struct BlobReader {
        let git: Repository
        var kept: [(ObjectID, [UInt8])] = []

        mutating func read(_ id: ObjectID) -> [UInt8]? {
            if let found = kept.first(where: { $0.0 == id }) { return found.1 }
            guard let bytes = try? git.blobData(id) else { return nil }
            kept.append((id, bytes))
            if kept.count > 4 { kept.removeFirst() }
            return bytes
        }
    }

    // MARK: - The kept answer

    struct Kept {
        var head: ObjectID
        var changes: [String: PlanDate]
    }

    static let header = "abmsync stage history 1"

    /// An id the kept file can hold (one per line, before a tab); other ids are not valid ids anyway.
    static func keepable(_ id: String) -> Bool { !id.unicodeScalars.contains { $0 == "\t" || $0 == "\n" || $0 == "\r" } }

    static func cachePath(_ gitDirectory: String) -> String {
        (gitDirectory.hasSuffix("/") ? gitDirectory : gitDirectory + "/") + "abmsync/stage-history-v1"
    }

    /// The kept answer, or nil when there is none or it does not read exactly as written.
    static func read(_ path: String) -> Kept? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 64 * 1024 * 1024,
            let text = String(data: data, encoding: .utf8), text.hasSuffix("\n")
        else { return nil }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == header, let head = ObjectID(hex: String(lines[1])) else { return nil }
        var changes: [String: PlanDate] = [:]
        for line in lines.dropFirst(2) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, let date = PlanDate(String(fields[1])) else { return nil }
            changes[String(fields[0])] = date
        }
        return Kept(head: head, changes: changes)
    }

    static func write(_ kept: Kept, to path: String) {
        var text = header + "\n" + kept.head.hex + "\n"
        for (id, date) in kept.changes.sorted(by: { $0.key < $1.key }) {
            text += id + "\t" + date.description + "\n"
        }
        try? FileSystem.writeAtomically(Array(text.utf8), to: path, durable: false)
    }
}
