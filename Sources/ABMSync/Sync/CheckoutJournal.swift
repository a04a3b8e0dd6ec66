import ABMCore
import Foundation
import GitKit

/// A step of pull/sync that rewrites working files, written down before it starts
/// (`.git/abmsync/checkout-journal`): which files, from which tree to which, and where the branch goes
/// after. The step is done by `apply`, and done again by the next run of any command if a journal is
/// left (a kill, a power cut, a full disk): the working files are then never a mix of before and after
/// that could be taken for the person's own edits and recorded as such.
struct CheckoutJournal: Equatable {
    enum Kind: String {
        /// The first pull into an empty clone: the whole tree, then the branch is created.
        case first
        /// Files written, index staged from `stage`, branch moved from `old` to `target`.
        case fastForward = "fast-forward"
        case merge
        /// Files written with conflict markers, index read from `files`, MERGE_HEAD = `target`;
        /// the branch stays at `old`.
        case conflict
    }

    var kind: Kind
    var branch: String
    /// The branch before the step (nil only for `first`).
    var old: ObjectID?
    /// The commit the branch moves to (or, for `conflict`, the commit being merged).
    var target: ObjectID
    /// What the working files held before the step.
    var from: ObjectID?
    /// What the working files hold after it.
    var files: ObjectID
    /// What the index holds for `paths` after it (the tip's tree; differs from `files` when edits with
    /// errors are kept unstaged on top).
    var stage: ObjectID
    /// The files the step writes or removes (empty for `first`: the whole tree).
    var paths: [String]
    var message: String = ""

    static let fileName = "checkout-journal"

    static func path(gitDirectory: String) -> String { gitDirectory + "abmsync/" + fileName }

    var text: String {
        var lines = ["abmsync checkout journal 1", "kind \(kind.rawValue)", "branch \(branch)"]
        if let old { lines.append("old \(old.hex)") }
        lines.append("target \(target.hex)")
        if let from { lines.append("from \(from.hex)") }
        lines.append("files \(files.hex)")
        lines.append("stage \(stage.hex)")
        if !message.isEmpty { lines.append("message \(message.replacingOccurrences(of: "\n", with: " "))") }
        lines += paths.map { "path \($0)" }
        return lines.joined(separator: "\n") + "\nend\n"
    }

    /// Reads a journal; nil when there is none, or when it was cut short (written atomically, so only
    /// an abmsync that was killed before the step began leaves none, but a foreign file is not trusted).
    static func read(gitDirectory: String) -> CheckoutJournal? {
        guard let data = FileManager.default.contents(atPath: path(gitDirectory: gitDirectory)) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == "abmsync checkout journal 1", lines.contains("end") else { return nil }
        var fields: [String: String] = [:]
        var paths: [String] = []
        for line in lines.dropFirst() {
            guard let space = line.firstIndex(of: " ") else { continue }
            let key = String(line[..<space])
            let value = String(line[line.index(after: space)...])
            if key == "path" { paths.append(value) } else { fields[key] = value }
        }
        guard let kind = fields["kind"].flatMap(Kind.init(rawValue:)), let branch = fields["branch"],
            let target = fields["target"].flatMap(ObjectID.init(hex:)),
            let files = fields["files"].flatMap(ObjectID.init(hex:)),
            let stage = fields["stage"].flatMap(ObjectID.init(hex:))
        else { return nil }
        return CheckoutJournal(
            kind: kind, branch: branch, old: fields["old"].flatMap(ObjectID.init(hex:)), target: target,
            from: fields["from"].flatMap(ObjectID.init(hex:)), files: files, stage: stage, paths: paths,
            message: fields["message"] ?? "")
    }

    func record(gitDirectory: String) throws(AbmsyncError) {
        try FileSystem.writeAtomically(Array(text.utf8), to: Self.path(gitDirectory: gitDirectory))
    }

    static func clear(gitDirectory: String) {
        FileSystem.removeDurably(path(gitDirectory: gitDirectory))
    }

    // MARK: - Doing the step

    /// Records the journal, does the step, removes the journal.
    func run(_ repository: PlanRepository) throws(AbmsyncError) {
        try record(gitDirectory: repository.git.gitDirectory)
        try apply(repository, recovering: false)
        Self.clear(gitDirectory: repository.git.gitDirectory)
    }

    /// A journal left by a run that did not finish: the step is done again (it is safe to repeat) if
    /// the branch is where the step started or ended; otherwise (moved since by another program) the
    /// files are left as they are. Returns the journal that was found.
    @discardableResult
    static func recover(_ repository: PlanRepository) throws(AbmsyncError) -> CheckoutJournal? {
        let gitDirectory = repository.git.gitDirectory
        guard FileSystem.exists(path(gitDirectory: gitDirectory)) else { return nil }
        guard let journal = read(gitDirectory: gitDirectory) else {
            clear(gitDirectory: gitDirectory)
            return nil
        }
        let tip: ObjectID?
        do {
            tip = try repository.git.referenceTarget(journal.branch)
        } catch {
            throw .git(error)
        }
        if tip == journal.old || (tip == journal.target && journal.kind != .conflict) {
            try journal.apply(repository, recovering: true)
        }
        clear(gitDirectory: gitDirectory)
        return journal
    }

    private func apply(_ repository: PlanRepository, recovering: Bool) throws(AbmsyncError) {
        let git = repository.git
        do {
            switch kind {
            case .first:
                // Test-only: "mid-checkout" dies with half of the tree's files written.
                let halfway: ((Int, Int) -> Void)? =
                    FaultInjection.isArmed("mid-checkout") ? { done, total in if total > 1, done >= total / 2 { _exit(137) } } : nil
                try git.checkoutTree(files, force: true, progress: halfway)
                if try git.referenceTarget(branch) != target {
                    try git.setReference(branch, to: target, logMessage: "abmsync: first pull")
                }
            case .fastForward, .merge:
                try WorkingFiles.write(files, paths: paths, stage: stage, in: repository, keepingEditsSince: recovering ? from : nil)
                FaultInjection.crashPoint("after-checkout")
                if try git.referenceTarget(branch) != target {
                    try git.setReference(
                        branch, to: target, expected: old,
                        logMessage: kind == .merge ? "abmsync: pull (merge)" : "abmsync: pull (fast-forward)")
                }
            case .conflict:
                let index = try git.index()
                try index.read(tree: files, from: git)
                try index.write()
                FaultInjection.crashPoint("before-conflict-checkout")
                try WorkingFiles.write(files, paths: paths, stage: nil, in: repository, keepingEditsSince: recovering ? from : nil)
                try git.recordMergeInProgress(theirs: target, message: message + "\n") { try FileSystem.writeAtomically($1, to: $0) }
            }
        } catch let error as AbmsyncError {
            throw error
        } catch let error as GitError {
            if error.code == .modified {
                throw .invalidArgument(
                    "the branch moved while abmsync was working (another program changed it)", hint: "run the command again")
            }
            throw .git(error)
        } catch {
            throw .invalidArgument("\(error)", hint: nil)
        }
    }
}

/// Writes files of a tree into the working tree, each through `FileSystem.writeAtomically` (under the
/// one path rule: never through a link), instead of libgit2's checkout, which rewrites a file in place
/// (a kill leaves it truncated).
enum WorkingFiles {
    /// For each of `paths`: the working file becomes its version in `tree` (removed when `tree` has
    /// none); with `stage`, the index entry becomes its version in `stage`. With `keepingEditsSince`
    /// (recovery), a file that holds neither its version there nor in `tree` was edited by the person
    /// since the interrupted run and is left as it is.
    static func write(
        _ tree: ObjectID, paths: [String], stage: ObjectID?, in repository: PlanRepository, keepingEditsSince from: ObjectID?
    ) throws(AbmsyncError) {
        let git = repository.git
        do {
            let index = stage == nil ? nil : try git.index()
            for path in paths {
                let file = try repository.file(path)
                let entry = try git.treeEntry(at: path, inTree: tree)
                var editedSince = false
                if let from {
                    let current = try file.read()
                    let before = try git.treeEntry(at: path, inTree: from).map { (e) throws(GitError) in try git.blobData(e.id) }
                    let after = try entry.map { (e) throws(GitError) in try git.blobData(e.id) }
                    editedSince = current != nil && current != before && current != after
                }
                if editedSince {
                    // left as the person has it; the index still gets the step's version below
                } else if let entry {
                    switch entry.mode {
                    case 0o100644, 0o100755:
                        let bytes = try git.blobData(entry.id)
                        if try file.read() != bytes || entry.mode == 0o100755 {
                            try file.write(bytes, permissions: entry.mode == 0o100755 ? 0o755 : nil)
                        }
                    default:
                        continue  // links were refused before any checkout; submodules are not abmsync's
                    }
                } else if try file.exists() {
                    FileSystem.removeDurably(file.full)
                    removeEmptyFolders(above: path, in: repository.root)
                }
                if let index, let stage {
                    if let staged = try git.treeEntry(at: path, inTree: stage) {
                        // The file just written is the staged version: stage it from disk, so the index
                        // knows its size and time and later status checks need not read it again.
                        if !editedSince, entry?.id == staged.id, staged.mode == 0o100644 || staged.mode == 0o100755 {
                            try index.addFromWorkingTree(path: path)
                        }
                        if index.entry(at: path)?.id != staged.id { try index.add(path: path, blob: staged.id, mode: staged.mode) }
                    } else if index.entry(at: path) != nil {
                        try index.remove(path: path)
                    }
                }
            }
            try index?.write()
        } catch let error as AbmsyncError {
            throw error
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .invalidArgument("\(error)", hint: nil)
        }
    }

    private static func removeEmptyFolders(above path: String, in root: String) {
        var parts = path.split(separator: "/").dropLast()
        while !parts.isEmpty {
            if rmdir(root + "/" + parts.joined(separator: "/")) != 0 { return }
            parts = parts.dropLast()
        }
    }
}
