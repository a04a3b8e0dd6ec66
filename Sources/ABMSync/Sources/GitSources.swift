import ABMCore
import GitKit

/// Reads plan files from a commit's tree, without checking anything out.
public struct CommitSource: WorkspaceSource {
    let repository: Repository
    let treeID: ObjectID
    public let label: String

    public init(repository: Repository, commit: ObjectID) throws(GitError) {
        self.repository = repository
        self.treeID = try repository.commit(commit).treeID
        self.label = "commit \(commit.short)"
    }

    /// The blob id of every regular plan data file, by path (from the tree listings; no blob is read).
    public var fingerprints: FileFingerprints {
        var result = FileFingerprints.Builder()
        func add(_ path: String) {
            if let entry = try? repository.treeEntry(at: path, inTree: treeID), entry.kind == .blob, entry.mode & 0o170000 == 0o100000 {
                result.add(path) { entry.id.appendHex(to: &$0) }
            }
        }
        // In byte order (abmsync.yaml, accounts.yaml, accounts/…, clusters/…, programs/…,
        // team.yaml), so the table needs no sorting.
        add(WorkspaceFile.policy)
        add(WorkspaceFile.accounts)
        for kind in Plan.Kind.allCases {
            for entry in (try? repository.treeEntries(treeID, under: kind.folder)) ?? []
            where entry.kind == .blob && entry.mode & 0o170000 == 0o100000 && entry.name.hasSuffix(".md") {
                result.add(entry.path) { entry.id.appendHex(to: &$0) }
            }
        }
        add(WorkspaceFile.team)
        return result.build()
    }

    public func read(_ path: String) throws(SourceError) -> [UInt8]? {
        do {
            guard let entry = try repository.treeEntry(at: path, inTree: treeID) else { return nil }
            return try GitSourceSupport.contents(of: entry.id, mode: entry.mode, path: path, repository: repository)
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(path: path, reason: .unreadable("\(error)"))
        }
    }

    public func list(_ folder: String) throws(SourceError) -> [String] {
        do {
            return try repository.treeEntries(treeID, under: folder).filter { $0.kind == .blob }.map(\.name).sorted()
        } catch {
            throw SourceError(path: folder, reason: .unreadable(error.description))
        }
    }
}

/// Reads plan files from the index: exactly what the next commit would contain, whatever the
/// working tree holds now.
public struct StagedSource: WorkspaceSource {
    let repository: Repository
    let entries: [String: IndexEntry]
    /// The files directly inside each plan folder, sorted (the folders the loader lists).
    private var plansByFolder: [String: [String]] = [:]
    public var label: String { "staged changes" }

    public init(repository: Repository) throws(GitError) {
        self.repository = repository
        var map: [String: IndexEntry] = [:]
        var folders: [String: [String]] = [:]
        for kind in Plan.Kind.allCases { folders[kind.folder] = [] }
        let all = try repository.index().entries
        map.reserveCapacity(all.count)
        for entry in all where entry.stage == 0 {
            // Only the files abmsync reads are kept; the check is byte-wise as it runs for every
            // file of the index.
            let path = entry.path
            if let (folder, name) = Self.planFolderAndName(path) {
                guard folders[folder] != nil else { continue }
                folders[folder]!.append(name)
            } else if !WorkspaceFile.isPlanData(path) {
                continue
            }
            map[path] = entry
        }
        entries = map
        for (folder, names) in folders { plansByFolder[folder] = names.sorted() }
    }

    /// `accounts/acme.md` → ("accounts", "acme.md"); nil for paths not exactly one folder deep.
    private static func planFolderAndName(_ path: String) -> (String, String)? {
        let utf8 = path.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let rest = utf8[utf8.index(after: slash)...]
        guard !rest.isEmpty, !rest.contains(UInt8(ascii: "/")) else { return nil }
        return (String(path[..<slash]), String(path[utf8.index(after: slash)...]))
    }

    /// The blob id of every regular plan data file, by path: what its content is, without reading it.
    public var fingerprints: FileFingerprints {
        var result = FileFingerprints.Builder(capacity: entries.count, length: 40)
        // `entries` holds only plan data (and other files of the plan folders, which are never asked for).
        for (path, entry) in entries where entry.mode & 0o170000 == 0o100000 {
            result.add(path) { entry.id.appendHex(to: &$0) }
        }
        return result.build()
    }

    public func read(_ path: String) throws(SourceError) -> [UInt8]? {
        guard let entry = entries[path] else { return nil }
        do {
            return try GitSourceSupport.contents(of: entry.id, mode: entry.mode, path: path, repository: repository)
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(path: path, reason: .unreadable("\(error)"))
        }
    }

    public func list(_ folder: String) throws(SourceError) -> [String] {
        if let names = plansByFolder[folder] { return names }
        let prefix = folder + "/"
        return entries.keys.compactMap { path -> String? in
            guard path.hasPrefix(prefix) else { return nil }
            let rest = path.dropFirst(prefix.count)
            return rest.contains("/") ? nil : String(rest)
        }.sorted()
    }
}

enum GitSourceSupport {
    static func contents(of id: ObjectID, mode: UInt32, path: String, repository: Repository) throws -> [UInt8] {
        if mode == 0o120000 {
            let target = String(decoding: try repository.blobData(id), as: UTF8.self)
            throw SourceError(path: path, reason: .symbolicLink(target: target))
        }
        let limit = path.hasSuffix(".md") ? WorkspaceFile.maxPlanBytes : WorkspaceFile.maxListBytes
        let size = try repository.blobSize(id)
        if size > limit { throw SourceError(path: path, reason: .tooLarge(bytes: size, limit: limit)) }
        return try repository.blobData(id)
    }
}
