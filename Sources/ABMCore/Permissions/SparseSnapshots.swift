/// The two snapshots of one change, loaded only as far as judging it needs: of accounts.yaml, the
/// entries the change touches (and the other accounts of their clusters, whose owners may add or
/// remove a tier 2 account or edit the cluster plan). Every other entry's lines are blanked, so the
/// kept ones load at their own lines and columns. A list this cut cannot read line by line (flow
/// style, tabs, CR line ends…) is loaded whole. `ChangeJudge.judge` on these gives the findings it
/// gives on fully loaded snapshots (`SparseSnapshotsTests`).
public enum SparseSnapshots {
    public static func load(old: some WorkspaceSource, new: some WorkspaceSource, paths: [String]) -> (old: Snapshot, new: Snapshot) {
        // Each list is read and cut once; the cut decides what to keep and then blanks the rest.
        let before = AccountEntries(read: old)
        let after = AccountEntries(read: new)
        guard let keep = accountsToKeep(before: before, after: after, paths: paths) else {
            return (Snapshot(loading: old), Snapshot(loading: new))
        }
        return (
            Snapshot(workspace: load(old, entries: before, keeping: keep), source: old),
            Snapshot(workspace: load(new, entries: after, keeping: keep), source: new)
        )
    }

    private static func load(_ source: some WorkspaceSource, entries: AccountEntries, keeping keep: Set<String>) -> Workspace {
        Snapshot(loading: AccountsKept(base: source, kept: entries.keeping(keep))).workspace
    }

    /// The ids of the accounts the change touches, with their clusters' other accounts; nil when
    /// either account list cannot be cut (then both are loaded whole).
    static func accountsToKeep(old: some WorkspaceSource, new: some WorkspaceSource, paths: [String]) -> Set<String>? {
        accountsToKeep(before: AccountEntries(read: old), after: AccountEntries(read: new), paths: paths)
    }

    private static func accountsToKeep(before: AccountEntries, after: AccountEntries, paths: [String]) -> Set<String>? {
        if before.absent && after.absent { return [] }
        guard before.readable, after.readable else { return nil }
        var keep: Set<String> = []
        var clusters: Set<String> = []
        for path in paths {
            if path == WorkspaceFile.accounts {
                for id in Set(before.content.keys).union(after.content.keys) {
                    let x = before.content[id].map { before.bytes[$0] }
                    let y = after.content[id].map { after.bytes[$0] }
                    if x != y { keep.insert(id) }
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
            if let cluster = before.cluster(of: id) { clusters.insert(cluster) }
            if let cluster = after.cluster(of: id) { clusters.insert(cluster) }
        }
        if !clusters.isEmpty {
            for entries in [before, after] {
                for span in entries.spans {
                    if let cluster = entries.cluster(of: span.key), clusters.contains(cluster) { keep.insert(span.key) }
                }
            }
        }
        return keep
    }
}

/// One snapshot's accounts.yaml cut into its entries (`YAMLDocument.entries(under:)`), once.
struct AccountEntries {
    /// The file's bytes (empty when there is none).
    var bytes: [UInt8] = []
    var spans: [YAMLEntrySpan] = []
    /// Each entry's text without its leading comments, by id: to tell which changed.
    var content: [String: Range<Int>] = [:]
    /// No accounts.yaml (or it could not be read).
    var absent = false
    var readable = true

    init(read source: some WorkspaceSource) {
        guard let bytes = (try? source.read(WorkspaceFile.accounts)) ?? nil else {
            self.init(absent: ())
            return
        }
        self.init(bytes: bytes)
    }

    private init(absent: Void) {
        self.absent = true
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        guard let spans = YAMLDocument(bytes: bytes).entries(under: "accounts") else {
            readable = false
            return
        }
        self.spans = spans
        content.reserveCapacity(spans.count)
        for span in spans { content[span.key] = span.contentBytes }
    }

    /// The entry's `cluster:` value, when it is written on a line of its own at the entry's first
    /// nested level (quotes and a comment dropped).
    func cluster(of id: String) -> String? {
        guard let range = content[id] else { return nil }
        let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " ")
        var index = range.lowerBound
        while index < range.upperBound, bytes[index] != newline { index += 1 }  // past the key line
        var level: Int?
        let field = Array("cluster:".utf8)
        while index < range.upperBound {
            index += 1
            var start = index
            while start < range.upperBound, bytes[start] == space { start += 1 }
            var end = start
            while end < range.upperBound, bytes[end] != newline { end += 1 }
            defer { index = end }
            guard start < end, bytes[start] != UInt8(ascii: "#") else { continue }
            let indent = start - index
            if level == nil { level = indent }
            guard indent == level, end - start >= field.count, Array(bytes[start..<(start + field.count)]) == field else {
                continue
            }
            var value: [UInt8] = []
            for byte in bytes[(start + field.count)..<end] {
                if byte == UInt8(ascii: "#") { break }
                if byte != space && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'") { value.append(byte) }
            }
            return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
        }
        return nil
    }

    /// The file with every entry not in `keep` blanked (its lines left empty, so the kept ones stay
    /// at their lines); the file as it is when it could not be cut.
    func keeping(_ keep: Set<String>) -> [UInt8]? {
        guard !absent else { return nil }
        guard readable else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 4)
        var position = 0
        for span in spans where !keep.contains(span.key) {
            out.append(contentsOf: bytes[position..<span.bytes.lowerBound])
            for byte in bytes[span.bytes] where byte == UInt8(ascii: "\n") { out.append(byte) }
            position = span.bytes.upperBound
        }
        out.append(contentsOf: bytes[position...])
        return out
    }
}

/// A source whose accounts.yaml keeps only some entries (`AccountEntries.keeping`).
private struct AccountsKept<Base: WorkspaceSource>: WorkspaceSource {
    let base: Base
    let kept: [UInt8]?
    var label: String { base.label }
    func read(_ path: String) throws(SourceError) -> [UInt8]? {
        guard path == WorkspaceFile.accounts, let kept else { return try base.read(path) }
        return kept
    }
    func list(_ folder: String) throws(SourceError) -> [String] { try base.list(folder) }
    func paths(in folder: String) throws(SourceError) -> [String] { try base.paths(in: folder) }
}
