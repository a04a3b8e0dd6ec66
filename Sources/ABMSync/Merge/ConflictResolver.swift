import ABMCore
import Foundation
import GitKit

/// What `abmsync resolve` did.
public struct ResolveReport: Sendable {
    public struct Kept: Sendable {
        public var file: String
        public var block: ConflictBlock
        public var side: ConflictBlock.Side

        /// Who made the other side ("Sam Lee").
        public var teammate: String?

        /// "Acme Corp · stage: kept Sam Lee's (lost)", "… kept yours (deleted)"
        public var description: String {
            "\(block.subject ?? "\(file):\(block.line)"): kept \(ConflictWords(teammate: teammate).kept(side, block.shortValue(side)))"
        }
    }

    /// The account id or file that was asked for.
    public var target: String
    public var kept: [Kept]
    /// Blocks of the target still open (resolve without --ours/--theirs reports these).
    public var remaining: [OpenConflict]
    public var written: [String]
    /// Files git listed as unmerged that are now free of markers, and so were marked resolved (staged).
    public var markedResolved: [String]
    /// Open conflicts elsewhere in the working tree.
    public var otherOpen: Int
    public var mergeInProgress: Bool
    /// Set when the target (without --ours/--theirs) has no open conflict and nothing was settled for
    /// it: the command line named the wrong thing. `openConflicts` are the ones that are open.
    public var notInConflict = false
    public var openConflicts: [OpenConflict] = []

    /// The error for `notInConflict`: what was asked, what is open instead, what to run.
    public func renderNotInConflict() -> String {
        var out = ["error: '\(target)' has no open conflict"]
        if openConflicts.isEmpty {
            out.append("  nothing is in conflict in this repository")
        } else {
            out.append("  open conflicts:")
            for conflict in openConflicts {
                out.append("    \(conflict.resolveTarget): \(conflict.file):\(conflict.block.line): \(conflict.subject)")
            }
            out.append("  hint: run 'abmsync resolve ACCOUNT --ours' or '--theirs' with one of them ('abmsync conflicts' shows each)")
        }
        return out.joined(separator: "\n")
    }

    /// Who made the commit being merged.
    public var teammate: String?

    public func renderText() -> String {
        let words = ConflictWords(teammate: teammate)
        var out: [String] = []
        for kept in kept { out.append(kept.description) }
        if kept.isEmpty, remaining.isEmpty { out.append("\(target): no open conflicts.") }
        for file in written { out.append("  wrote \(file)") }
        for file in markedResolved { out.append("  marked \(file) as resolved for git (staged)") }
        if !remaining.isEmpty {
            out.append("\(target): \(remaining.count.counted("conflict")) still open:")
            for conflict in remaining {
                out.append("  \(conflict.file):\(conflict.block.line): \(conflict.subject) (\(words.collision(conflict.block)))")
            }
            out.append(
                "  hint: run 'abmsync resolve \(target) --ours' (keeps \(words.yours)) or '--theirs' (keeps \(words.theirs)), "
                    + "or edit the file and delete the marker lines")
        } else if otherOpen > 0 {
            out.append("\(otherOpen.counted("other conflict")) still open ('abmsync conflicts' lists them).")
        } else if mergeInProgress {
            out.append("Every conflict is settled: run 'abmsync sync' to record the merge and send it (it checks the plans first).")
        }
        return out.joined(separator: "\n")
    }
}

/// `abmsync resolve ACCOUNT|FILE [--ours|--theirs]`: settles conflict blocks by keeping one side,
/// or (without a side) checks that they were settled by hand. Every changed file must still read as
/// its kind of file; otherwise nothing at all is written.
public enum ConflictResolver {
    public static func run(at path: String, target: String, keep side: ConflictBlock.Side?) throws(AbmsyncError)
        -> ResolveReport
    {
        let repository = try PlanRepository.locate(from: path)
        let hold = try repository.holdForWriting()
        defer { hold.release() }
        let source = WorkingTreeSource(root: repository.root)
        let selection = try select(target, repository: repository, source: source)

        var report = ResolveReport(
            target: selection.label, kept: [], remaining: [], written: [], markedResolved: [], otherOpen: 0, mergeInProgress: false)
        let teammate = (try? repository.git.mergeHead()).flatMap { $0 }.flatMap { try? repository.git.commit($0).author.name }
        report.teammate = teammate
        var writes: [(file: String, text: String)] = []
        var settledFiles: [String] = []
        for file in selection.files {
            guard let text = ConflictList.readText(source, file) else {
                if FileSystem.exists(repository.path(file)) {
                    throw .io(path: file, action: "read", reason: "not a readable UTF-8 text file")
                }
                continue
            }
            let chosen = selection.choose(file)
            if let side {
                let settled: (text: String, settled: [(block: ConflictBlock, kept: ConflictBlock.Side)])
                do {
                    settled = try ConflictBlocks.settle(text) { chosen($0) ? side : nil }
                } catch {
                    throw malformed(file, error)
                }
                guard !settled.settled.isEmpty else {
                    // Nothing to settle here; a file already free of markers may still need marking as resolved.
                    if (try? ConflictBlocks.find(in: text))?.isEmpty == true,
                        ConflictBlocks.readingProblem(path: file, text: text) == nil
                    {
                        settledFiles.append(file)
                    }
                    continue
                }
                try checkReadable(file, settled.text)
                if (try? ConflictBlocks.find(in: settled.text))?.isEmpty == true { settledFiles.append(file) }
                writes.append((file, settled.text))
                report.kept += settled.settled.map { ResolveReport.Kept(file: file, block: $0.block, side: $0.kept, teammate: teammate) }
            } else {
                let blocks: [ConflictBlock]
                do {
                    blocks = try ConflictBlocks.find(in: text)
                } catch {
                    throw malformed(file, error)
                }
                let open = blocks.filter(chosen)
                report.remaining += open.map { OpenConflict(file: file, block: $0, resolveTarget: selection.label) }
                if blocks.isEmpty, let problem = ConflictBlocks.readingProblem(path: file, text: text) {
                    throw .cannotResolve(
                        file: file, line: problem.line, reason: "the file has no markers left but cannot be read: \(problem.message)",
                        hint: "fix the line by hand (compare with 'git diff \(file)'), then run 'abmsync validate'")
                }
                if blocks.isEmpty { settledFiles.append(file) }
            }
        }
        if side != nil, writes.isEmpty, !selection.known {
            throw .notFound(
                what: "account or file '\(target)'",
                hint: "'abmsync conflicts' lists every open conflict and what to pass to 'abmsync resolve'")
        }
        // Everything checked: now write, each file atomically.
        for write in writes {
            try repository.file(write.file).write(write.text)
            report.written.append(write.file)
        }
        report.markedResolved = try markResolved(settledFiles, repository: repository)
        let after = try ConflictList.scan(repository)
        report.otherOpen = after.conflicts.count + after.malformed.count - report.remaining.count
        report.mergeInProgress = after.mergingCommit != nil
        if side == nil, report.remaining.isEmpty, report.markedResolved.isEmpty, !selection.known || !report.mergeInProgress {
            report.notInConflict = true
            report.openConflicts = after.conflicts
        }
        return report
    }

    /// Stages the files among `files` that git still lists as unmerged, as `git add` would.
    private static func markResolved(_ files: [String], repository: PlanRepository) throws(AbmsyncError) -> [String] {
        guard !files.isEmpty else { return [] }
        do {
            let index = try repository.git.index()
            let unmerged = Set(try index.conflicts().map(\.path))
            let staged = files.filter { unmerged.contains($0) }
            guard !staged.isEmpty else { return [] }
            for file in staged { try index.addFromWorkingTree(path: file) }
            try index.write()
            return staged
        } catch {
            throw .git(error, hint: "the files are settled; mark them resolved with 'git add'")
        }
    }

    /// The files to look at and which blocks in each belong to the target.
    struct Selection {
        var label: String
        var files: [String]
        var choose: (String) -> (ConflictBlock) -> Bool
        /// False when the target names nothing abmsync knows (an unknown account).
        var known: Bool
    }

    static func select(_ target: String, repository: PlanRepository, source: WorkingTreeSource) throws(AbmsyncError)
        -> Selection
    {
        if target.contains("/") || target.contains(".") || Identifier.problem(target) != nil {
            let file = try relativePath(target, repository: repository)
            return Selection(label: file, files: [file], choose: { _ in { _ in true } }, known: true)
        }
        // An account: its entries in accounts.yaml (by display name or id) and its whole plan file.
        let plan = "accounts/\(target).md"
        var names = [target]
        var known = FileSystem.exists(repository.path(plan))
        if let list = ConflictList.readText(source, WorkspaceFile.accounts) {
            let found = ConflictBlocks.accountNames(inAccountList: list)[target] ?? []
            names += found
            known = known || !found.isEmpty
        }
        let choose = { (file: String) -> (ConflictBlock) -> Bool in
            if file == plan { return { _ in true } }
            return { block in names.contains { block.concerns($0) } }
        }
        return Selection(label: target, files: [WorkspaceFile.accounts, plan], choose: choose, known: known)
    }

    /// `target` as a path inside the repository: relative to the current folder when it exists there,
    /// else relative to the repository root.
    static func relativePath(_ target: String, repository: PlanRepository) throws(AbmsyncError) -> String {
        let root = canonical(repository.root)
        let here = target.hasPrefix("/") ? target : FileManager.default.currentDirectoryPath + "/" + target
        let candidate = FileSystem.exists(here) ? canonical(here) : canonical(repository.path(target))
        guard candidate.hasPrefix(root + "/") else {
            throw .invalidArgument("'\(target)' is outside the plan repository '\(repository.root)'", hint: nil)
        }
        let relative = String(candidate.dropFirst(root.count + 1))
        guard FileSystem.exists(repository.path(relative)) else {
            throw .notFound(
                what: "file '\(relative)'",
                hint: "give an account id (like 'acme-corp') or a file in the plan repository; 'abmsync conflicts' lists them")
        }
        return relative
    }

    private static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else {
            return URL(fileURLWithPath: path).standardizedFileURL.path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Refuses a settled text that no longer reads as its kind of file. Blocks left open are tried
    /// both ways, so the check is about the part that was settled.
    private static func checkReadable(_ file: String, _ text: String) throws(AbmsyncError) {
        var problem: ConflictBlockError?
        for side in [ConflictBlock.Side.ours, .theirs] {
            guard let all = try? ConflictBlocks.allSettled(text, to: side) else { return }
            problem = ConflictBlocks.readingProblem(path: file, text: all)
            if problem == nil { return }
        }
        guard let problem else { return }
        throw .cannotResolve(
            file: file, line: problem.line, reason: "the result would not read as a valid file: \(problem.message)",
            hint: "nothing was written; keep the other side, or edit the file by hand and delete the marker lines")
    }

    private static func malformed(_ file: String, _ error: ConflictBlockError) -> AbmsyncError {
        .cannotResolve(
            file: file, line: error.line, reason: error.message,
            hint: "nothing was written; edit the file by hand, keep the right lines and delete every marker line")
    }
}
