import ABMCache
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
            throw SourceError(path: path, reason: .unreadable(AbmsyncError.plainWords(error)))
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
/// working tree holds now. `git commit -a`, `git commit PATH` and `--amend` commit from an index
/// of their own, which git names in GIT_INDEX_FILE: pass it as `index` to judge that one.
public struct StagedSource: WorkspaceSource {
    let repository: Repository
    /// The stage-0 entries of the files abmsync reads (and of the other files of the plan folders),
    /// copied out of the index and sorted by path (`<`), for `read`.
    private let files: [IndexEntry]
    /// The paths of the files directly inside each plan folder (`Plan.Kind.allCases` order), sorted.
    private let plansByFolder: [[String]]
    /// The blob id of every regular file of `files`: what its content is, without reading it.
    public let fingerprints: FileFingerprints
    public var label: String { "staged changes" }

    public init(repository: Repository, index: Index? = nil) throws(GitError) {
        self.repository = repository
        let all: [IndexEntry]
        if let index { all = index.entries } else { all = try repository.index().entries }
        var files: [IndexEntry] = []
        var plans = Array(repeating: [String](), count: Self.planFolders.count)
        var fingerprints = FileFingerprints.Builder(capacity: all.count, length: 40)
        files.reserveCapacity(all.count)
        for entry in all where entry.stage == 0 {
            // Only the files abmsync reads are kept.
            let path = entry.path
            if let folder = Self.planFolder(of: path) {
                plans[folder].append(path)
            } else if !WorkspaceFile.isPlanData(path) {
                continue
            }
            if entry.mode & 0o170000 == 0o100000 {
                let id = entry.id
                fingerprints.add(path) { id.appendHex(to: &$0) }
            }
            files.append(entry)
        }
        // The index is sorted by path byte-wise (case-insensitively with core.ignorecase); `read`
        // searches with String order, which is the same for ASCII paths.
        if !files.isEmpty, !zip(files, files.dropFirst()).allSatisfy({ $0.path < $1.path }) {
            files.sort { $0.path < $1.path }
        }
        self.files = files
        self.fingerprints = fingerprints.build()
        plansByFolder = plans.map { $0.sorted() }
    }

    /// For `accounts/acme.md`, the position of "accounts" in `planFolders`; nil for paths not
    /// directly inside a plan folder. Byte-wise: this runs for every file of the index.
    private static func planFolder(of path: String) -> Int? {
        var path = path
        return path.withUTF8 { bytes -> Int? in
            guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")), slash + 1 < bytes.count,
                !bytes[(slash + 1)...].contains(UInt8(ascii: "/"))
            else { return nil }
            let folder = UnsafeBufferPointer(rebasing: bytes[..<slash])
            return planFolders.firstIndex { $0.elementsEqual(folder) }
        }
    }

    /// The plan folders' names as bytes, in `Plan.Kind.allCases` order.
    private static let planFolders = Plan.Kind.allCases.map { Array($0.folder.utf8) }

    public func read(_ path: String) throws(SourceError) -> [UInt8]? {
        guard let entry = entry(at: path) else { return nil }
        do {
            return try GitSourceSupport.contents(of: entry.id, mode: entry.mode, path: path, repository: repository)
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(path: path, reason: .unreadable(AbmsyncError.plainWords(error)))
        }
    }

    /// The entry of `path` (binary search in `files`).
    private func entry(at path: String) -> IndexEntry? {
        var low = 0
        var high = files.count
        while low < high {
            let middle = (low + high) / 2
            if files[middle].path < path { low = middle + 1 } else { high = middle }
        }
        return low < files.count && files[low].path == path ? files[low] : nil
    }

    public func list(_ folder: String) throws(SourceError) -> [String] {
        if let index = Plan.Kind.allCases.firstIndex(where: { $0.folder == folder }) {
            return plansByFolder[index].map { String($0.dropFirst(folder.count + 1)) }
        }
        let prefix = folder + "/"
        return files.compactMap { entry -> String? in
            guard entry.path.hasPrefix(prefix) else { return nil }
            let rest = entry.path.dropFirst(prefix.count)
            return rest.contains("/") ? nil : String(rest)
        }.sorted()
    }

    public func paths(in folder: String) throws(SourceError) -> [String] {
        if let index = Plan.Kind.allCases.firstIndex(where: { $0.folder == folder }) { return plansByFolder[index] }
        return try list(folder).map { folder + "/" + $0 }
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
