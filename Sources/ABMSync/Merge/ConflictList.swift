import Foundation
import ABMCore
import GitKit

/// One conflict block still open in the working tree.
public struct OpenConflict: Sendable {
    /// The file's path in the repository.
    public var file: String
    public var block: ConflictBlock
    /// What to pass to `abmsync resolve` to settle it: the account id, or the file.
    public var resolveTarget: String

    /// "Acme Corp · stage", or the file for plain git markers.
    public var subject: String { block.subject ?? file }
}

/// A file whose conflict markers cannot be read safely (nested or unterminated blocks).
public struct MalformedConflictFile: Sendable {
    public var file: String
    public var problem: ConflictBlockError
}

/// `abmsync conflicts`: every open conflict in the working tree, in plan terms.
public struct ConflictListReport: Sendable {
    /// The commit being merged (MERGE_HEAD), when a merge stopped on conflicts.
    public var mergingCommit: String?
    /// Who made the commit being merged ("Sam Lee"), for "yours" / "Sam Lee's" instead of ours / theirs.
    public var teammate: String?
    public var conflicts: [OpenConflict]
    public var malformed: [MalformedConflictFile]
    /// Files git still marks as unmerged though they hold no markers (for example deleted on one side).
    public var unmergedWithoutMarkers: [String]
    /// Which of those are in the working tree (the others were deleted on one side).
    public var existing: Set<String> = []

    public var isEmpty: Bool { conflicts.isEmpty && malformed.isEmpty && unmergedWithoutMarkers.isEmpty }

    public func renderText() -> String {
        var out: [String] = []
        if let mergingCommit {
            out.append("A merge is in progress (merging \(mergingCommit)\(teammate.map { " from \($0)" } ?? "")).")
        }
        if isEmpty {
            out.append("No open conflicts.")
            if mergingCommit != nil {
                out.append("  next: run 'abmsync sync' to record the merge and send it (it checks the plans first)")
            }
            return out.joined(separator: "\n")
        }
        let count = conflicts.count + malformed.count + unmergedWithoutMarkers.count
        out.append("\(count.counted("open conflict")):")
        for conflict in conflicts {
            let block = conflict.block
            out.append("")
            let words = ConflictWords(teammate: teammate)
            out.append("\(conflict.file):\(block.line): \(conflict.subject) (\(words.collision(block)))")
            let width = max(words.yours.count, words.theirs.count) + 1
            func label(_ text: String) -> String { (text + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) }
            out.append("  \(label(words.yours))\(block.shortValue(.ours))")
            out.append("  \(label(words.theirs))\(block.shortValue(.theirs))")
            if let base = block.shortBase() { out.append("  \(label("before"))\(base)") }
            out.append(
                "  resolve: abmsync resolve \(conflict.resolveTarget) --ours (keeps \(words.yours)) or --theirs (keeps "
                    + "\(words.theirs)), or edit \(conflict.file) and delete the marker lines")
        }
        for file in malformed {
            out.append("")
            out.append("\(file.file):\(file.problem.line): conflict markers that cannot be settled automatically: \(file.problem.message)")
            out.append("  resolve: edit \(file.file) by hand, keep the right lines and delete every marker line")
        }
        for file in unmergedWithoutMarkers {
            out.append("")
            if existing.contains(file) {
                out.append("\(file): no markers left, but not yet marked as resolved")
                out.append("  resolve: abmsync resolve \(file) (checks it and marks it resolved)")
            } else {
                out.append("\(file): deleted on one side, changed on the other")
                out.append("  resolve: restore it with 'git checkout --theirs \(file)' or drop it with 'git rm \(file)'")
            }
        }
        out.append("")
        out.append("When every conflict is settled: run 'abmsync sync' (it checks the plans, records the merge and sends it).")
        return out.joined(separator: "\n")
    }
}

public enum ConflictList {
    public static func run(at path: String) throws(AbmsyncError) -> ConflictListReport {
        let repository = try PlanRepository.locate(from: path)
        return try scan(repository)
    }

    static func scan(_ repository: PlanRepository) throws(AbmsyncError) -> ConflictListReport {
        let source = WorkingTreeSource(root: repository.root)
        var report = ConflictListReport(mergingCommit: nil, conflicts: [], malformed: [], unmergedWithoutMarkers: [])
        let statuses: [FileStatus]
        do {
            let head = try repository.git.mergeHead()
            report.mergingCommit = head?.short
            if let head { report.teammate = try? repository.git.commit(head).author.name }
            statuses = try repository.git.status()
        } catch {
            throw .git(error)
        }
        // abmsync's own files, then any other file git sees as changed or unmerged (plain git markers).
        var files = [WorkspaceFile.policy, WorkspaceFile.team, WorkspaceFile.accounts]
        for kind in Plan.Kind.allCases {
            for name in (try? source.list(kind.folder)) ?? [] where name.hasSuffix(".md") {
                files.append("\(kind.folder)/\(name)")
            }
        }
        var seen = Set(files)
        let unmerged = Set(statuses.filter { $0.flags.contains(.conflicted) }.map(\.path))
        for status in statuses
        where !status.flags.contains(.workTreeDeleted) && seen.insert(status.path).inserted {
            files.append(status.path)
        }
        var names: [String: String]?
        for file in files {
            guard let text = readText(source, file) else {
                continue
            }
            let blocks: [ConflictBlock]
            do {
                blocks = try ConflictBlocks.find(in: text)
            } catch {
                report.malformed.append(MalformedConflictFile(file: file, problem: error))
                continue
            }
            if blocks.isEmpty {
                if unmerged.contains(file) {
                    report.unmergedWithoutMarkers.append(file)
                    report.existing.insert(file)
                }
                continue
            }
            if file == WorkspaceFile.accounts, names == nil { names = accountIDsByName(text) }
            for block in blocks {
                report.conflicts.append(
                    OpenConflict(file: file, block: block, resolveTarget: target(for: block, in: file, ids: names ?? [:])))
            }
        }
        for file in unmerged.sorted() where !seen.contains(file) { report.unmergedWithoutMarkers.append(file) }
        return report
    }

    /// The text of a working-tree file, nil when it is missing, unreadable or not text.
    static func readText(_ source: WorkingTreeSource, _ file: String) -> String? {
        guard let bytes = try? source.read(file) else { return nil }
        return try? PlanText.decode(bytes)
    }

    /// Display name → account id, from a possibly conflicted accounts.yaml.
    private static func accountIDsByName(_ text: String) -> [String: String] {
        var ids: [String: String] = [:]
        for (id, names) in ConflictBlocks.accountNames(inAccountList: text) {
            for name in names where ids[name] == nil { ids[name] = id }
            ids[id] = id
        }
        return ids
    }

    /// What `abmsync resolve` takes for this block: the account when the block is about one, else the file.
    private static func target(for block: ConflictBlock, in file: String, ids: [String: String]) -> String {
        if WorkspaceFile.planKind(of: file) == .account {
            return String(file.dropFirst("accounts/".count).dropLast(3))
        }
        if file == WorkspaceFile.accounts, let subject = block.subject {
            let first = subject.split(separator: " · ", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            if let first, let id = ids[first] { return id }
        }
        return file
    }
}

/// "yours" and the teammate's name ("Sam Lee's") for the two sides of a conflict.
struct ConflictWords {
    var teammate: String?

    var yours: String { "yours" }
    var theirs: String { teammate.map { "\(DisplayText.escaped($0))'s" } ?? "the teammate's" }

    /// What collided, with "you" and the teammate instead of ours and theirs.
    func collision(_ block: ConflictBlock) -> String {
        let who = teammate.map { DisplayText.escaped($0) } ?? "the teammate"
        if block.collision == nil {
            if block.ours.isEmpty { return "you deleted it, \(who) changed it" }
            if block.theirs.isEmpty { return "you changed it, \(who) deleted it" }
        }
        return block.collisionDescription.replacingOccurrences(of: "in ours", with: "by you")
            .replacingOccurrences(of: "in theirs", with: "by \(who)")
    }

    /// "yours (lost)", "Sam Lee's (deleted)".
    func kept(_ side: ConflictBlock.Side, _ value: String) -> String {
        let whose = side == .ours ? yours : theirs
        return value.hasPrefix("(") && value.hasSuffix(")") ? "\(whose) \(value)" : "\(whose) (\(value))"
    }
}
