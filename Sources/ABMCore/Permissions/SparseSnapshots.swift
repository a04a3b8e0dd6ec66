/// The two snapshots of one change, loaded only as far as judging it needs: of accounts.yaml, the
/// entries the change touches (and the other accounts of their clusters, whose owners may add or
/// remove a tier 2 account or edit the cluster plan). Every other entry's lines are blanked, so the
/// kept ones load at their own lines and columns. A list this cut cannot read line by line (flow
/// style, tabs, CR line ends…) is loaded whole. `ChangeJudge.judge` on these gives the findings it
/// gives on fully loaded snapshots (`SparseSnapshotsTests`).
public enum SparseSnapshots {
    public static func load(old: some WorkspaceSource, new: some WorkspaceSource, paths: [String]) -> (old: Snapshot, new: Snapshot) {
        guard let keep = accountsToKeep(old: old, new: new, paths: paths) else {
            return (Snapshot(loading: old), Snapshot(loading: new))
        }
        return (
            Snapshot(workspace: load(old, keeping: keep), source: old),
            Snapshot(workspace: load(new, keeping: keep), source: new)
        )
    }

    private static func load(_ source: some WorkspaceSource, keeping keep: Set<String>) -> Workspace {
        Snapshot(loading: AccountsKept(base: source, keep: keep)).workspace
    }

    /// The ids of the accounts the change touches, with their clusters' other accounts; nil when
    /// either account list cannot be cut (then both are loaded whole).
    static func accountsToKeep(old: some WorkspaceSource, new: some WorkspaceSource, paths: [String]) -> Set<String>? {
        let oldBytes = (try? old.read(WorkspaceFile.accounts)) ?? nil
        let newBytes = (try? new.read(WorkspaceFile.accounts)) ?? nil
        if oldBytes == nil && newBytes == nil { return [] }
        let before = oldBytes.map(AccountEntries.init(bytes:)) ?? AccountEntries(empty: ())
        let after = newBytes.map(AccountEntries.init(bytes:)) ?? AccountEntries(empty: ())
        guard before.readable, after.readable else { return nil }
        var keep: Set<String> = []
        var clusters: Set<String> = []
        for path in paths {
            if path == WorkspaceFile.accounts {
                for id in Set(before.text.keys).union(after.text.keys) where before.text[id] != after.text[id] {
                    keep.insert(id)
                }
            } else if let kind = WorkspaceFile.planKind(of: path) {
                let id = String(path.split(separator: "/").last?.dropLast(3) ?? "")
                switch kind {
                case .account: keep.insert(id)
                case .cluster: clusters.insert(id)
                case .program: break
                }
            }
        }
        for id in keep {
            if let cluster = before.cluster[id] { clusters.insert(cluster) }
            if let cluster = after.cluster[id] { clusters.insert(cluster) }
        }
        if !clusters.isEmpty {
            for entries in [before, after] {
                for (id, cluster) in entries.cluster where clusters.contains(cluster) { keep.insert(id) }
            }
        }
        return keep
    }
}

/// A block-style `accounts:` mapping cut into its entries, line by line.
struct AccountEntries {
    var lines: [Substring] = []
    /// Each entry's id and the lines it spans (its key line first).
    var entries: [(id: String, lines: Range<Int>)] = []
    /// Each entry's lines joined: to tell which changed.
    var text: [String: String] = [:]
    /// Each entry's `cluster:` value, when it has one on a line of its own.
    var cluster: [String: String] = [:]
    var readable = true

    init(empty: Void) {}

    init(bytes: [UInt8]) {
        guard !bytes.contains(13), !bytes.contains(9), let string = String(validating: bytes, as: UTF8.self) else {
            readable = false
            return
        }
        lines = string.split(separator: "\n", omittingEmptySubsequences: false)
        var inside = false
        var seen = false
        var current: (id: String, start: Int)?
        func close(at end: Int) {
            guard let open = current else { return }
            entries.append((open.id, open.start..<end))
            current = nil
        }
        for (index, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " }
            let blank = trimmed.isEmpty || trimmed.first == "#"
            if blank { continue }
            let indent = line.count - trimmed.count
            if indent == 0 {
                close(at: index)
                let key = (line.split(separator: "#", maxSplits: 1).first ?? "").trimmingTrailingSpaces
                inside = false
                if key == "accounts:" {
                    if seen { readable = false; return }  // a second accounts: key
                    inside = true
                    seen = true
                } else if key.hasPrefix("accounts") || key.hasPrefix("\"accounts") || key.hasPrefix("'accounts") {
                    readable = false  // `accounts: {…}` or anything else this cut does not read
                    return
                }
                continue
            }
            guard inside else { continue }
            if indent == 2 {
                close(at: index)
                let key = trimmed.trimmingTrailingSpaces
                guard key.hasSuffix(":"), key.count > 1,
                    key.dropLast().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
                else {
                    readable = false
                    return
                }
                let id = String(key.dropLast())
                if text[id] != nil { readable = false; return }  // an id twice: the loader reports it
                text[id] = ""
                current = (id, index)
            } else if indent < 2 || current == nil {
                readable = false
                return
            } else if indent == 4, trimmed.hasPrefix("cluster:"), let open = current {
                let value = trimmed.dropFirst("cluster:".count).split(separator: "#", maxSplits: 1).first ?? ""
                let cleaned = String(value.filter { $0 != " " && $0 != "\"" && $0 != "'" })
                if !cleaned.isEmpty { cluster[open.id] = cleaned }
            }
        }
        close(at: lines.count)
        for entry in entries {
            // Blank lines after an entry are not part of it (an entry appended after it leaves it as it was).
            var end = entry.lines.upperBound
            while end > entry.lines.lowerBound + 1, lines[end - 1].allSatisfy({ $0 == " " }) { end -= 1 }
            text[entry.id] = lines[entry.lines.lowerBound..<end].joined(separator: "\n")
        }
    }

    /// The file with every entry not in `keep` blanked (its lines left empty).
    func keeping(_ keep: Set<String>) -> [UInt8] {
        var out = lines
        for entry in entries where !keep.contains(entry.id) {
            for index in entry.lines { out[index] = "" }
        }
        return Array(out.joined(separator: "\n").utf8)
    }
}

/// A source whose accounts.yaml keeps only some entries (`AccountEntries.keeping`).
private struct AccountsKept<Base: WorkspaceSource>: WorkspaceSource {
    let base: Base
    let keep: Set<String>
    var label: String { base.label }
    func read(_ path: String) throws(SourceError) -> [UInt8]? {
        guard path == WorkspaceFile.accounts, let bytes = try base.read(path) else { return try base.read(path) }
        let entries = AccountEntries(bytes: bytes)
        return entries.readable ? entries.keeping(keep) : bytes
    }
    func list(_ folder: String) throws(SourceError) -> [String] { try base.list(folder) }
    func paths(in folder: String) throws(SourceError) -> [String] { try base.paths(in: folder) }
}

extension Substring {
    fileprivate var trimmingTrailingSpaces: Substring {
        var result = self
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
