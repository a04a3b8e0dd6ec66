internal import CLibGit2
#if canImport(Glibc)
internal import Glibc
#else
internal import Darwin
#endif

/// One file recorded in the index (the staging area).
public struct IndexEntry: Equatable, Sendable {
    public var path: String
    public var id: ObjectID
    public var mode: UInt32
    /// 0 for a normal entry; 1 (base), 2 (ours), 3 (theirs) for an unresolved conflict.
    public var stage: Int
    public var fileSize: UInt32
    public var modifiedSeconds: Int32
}

/// The three versions of a file git could not merge.
public struct IndexConflict: Equatable, Sendable {
    public var path: String
    public var ancestor: IndexEntry?
    public var ours: IndexEntry?
    public var theirs: IndexEntry?
}

/// A repository's index, or an in-memory index produced by a merge.
/// Not Sendable; freed when released.
public final class Index {
    let handle: OpaquePointer
    /// Keeps the repository alive as long as its index is used.
    let repository: Repository?

    init(handle: OpaquePointer, repository: Repository?) {
        self.handle = handle
        self.repository = repository
    }

    deinit { git_index_free(handle) }

    /// Re-reads the index file if another process changed it.
    public func reload(force: Bool = false) throws(GitError) {
        try check(git_index_read(handle, force ? 1 : 0), "read the staging area")
    }

    public var entries: [IndexEntry] {
        let count = git_index_entrycount(handle)
        var result: [IndexEntry] = []
        result.reserveCapacity(count)
        for position in 0..<count {
            if let entry = git_index_get_byindex(handle, position) { result.append(IndexEntry(entry)) }
        }
        return result
    }

    /// The stage-0 entry at `path`, or nil.
    public func entry(at path: String) -> IndexEntry? {
        guard let entry = git_index_get_bypath(handle, path, 0) else { return nil }
        return IndexEntry(entry)
    }

    public var hasConflicts: Bool { git_index_has_conflicts(handle) != 0 }

    public func conflicts() throws(GitError) -> [IndexConflict] {
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, handle), "list conflicts")
        defer { git_index_conflict_iterator_free(iterator) }
        var result: [IndexConflict] = []
        while true {
            var ancestor: UnsafePointer<git_index_entry>?
            var ours: UnsafePointer<git_index_entry>?
            var theirs: UnsafePointer<git_index_entry>?
            let rc = git_index_conflict_next(&ancestor, &ours, &theirs, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "list conflicts")
            let path = (ours ?? theirs ?? ancestor).map { String(cString: $0.pointee.path) } ?? ""
            result.append(
                IndexConflict(
                    path: path, ancestor: ancestor.map(IndexEntry.init), ours: ours.map(IndexEntry.init),
                    theirs: theirs.map(IndexEntry.init)))
        }
        return result
    }

    /// Records `path` with the given blob, replacing any entry or conflict for it.
    public func add(path: String, blob: ObjectID, mode: UInt32 = 0o100644) throws(GitError) {
        var entry = git_index_entry()
        entry.id = blob.raw
        entry.mode = mode
        let cPath = strdup(path)
        defer { free(cPath) }
        entry.path = UnsafePointer(cPath)
        try check(git_index_add(handle, &entry), "stage", subject: path)
        // git_index_add only replaces the entry of the same stage: drop the conflict stages
        // (1, 2, 3) of `path` too, or the index stays conflicted.
        let rc = git_index_conflict_remove(handle, path)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
        } else {
            try check(rc, "mark as resolved", subject: path)
        }
    }

    /// Stages the working-tree file at `path` (the repository must have a working tree).
    public func addFromWorkingTree(path: String) throws(GitError) {
        try check(git_index_add_bypath(handle, path), "stage", subject: path)
    }

    public func remove(path: String) throws(GitError) {
        try check(git_index_remove_bypath(handle, path), "unstage", subject: path)
    }

    /// Stages every change of the working tree, new and deleted files included (`git add -A`).
    public func addAll() throws(GitError) {
        var paths = git_strarray(strings: nil, count: 0)
        try check(git_index_add_all(handle, &paths, 0, nil, nil), "stage all changes")
        try check(git_index_update_all(handle, &paths, nil, nil), "stage deleted files")
    }

    /// Saves the index to disk (only for a repository's own index).
    public func write() throws(GitError) {
        try check(git_index_write(handle), "save the staging area")
    }

    /// Writes the index contents as a tree into `repository` and returns its id.
    public func writeTree(to repository: Repository) throws(GitError) -> ObjectID {
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, handle, repository.handle), "record the staged files")
        return ObjectID(oid)
    }

    /// Replaces the index contents with the tree `treeID`.
    public func read(tree treeID: ObjectID, from repository: Repository) throws(GitError) {
        var raw = treeID.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, repository.handle, &raw), "read folder", subject: treeID.short)
        defer { git_tree_free(tree) }
        try check(git_index_read_tree(handle, tree), "load files into the staging area")
    }
}

@available(*, unavailable)
extension Index: Sendable {}

extension IndexEntry {
    init(_ raw: UnsafePointer<git_index_entry>) {
        path = String(cString: raw.pointee.path)
        id = ObjectID(raw.pointee.id)
        mode = raw.pointee.mode
        stage = Int((raw.pointee.flags >> 12) & 0x3)
        fileSize = raw.pointee.file_size
        modifiedSeconds = raw.pointee.mtime.seconds
    }
}

extension Repository {
    /// The repository's own index (the staging area).
    public func index() throws(GitError) -> Index {
        var out: OpaquePointer?
        try check(git_repository_index(&out, handle), "open the staging area")
        guard let out else { throw GitError(code: .generic, operation: "open the staging area") }
        return Index(handle: out, repository: self)
    }

    /// The index stored in the file at `path` (absolute, or relative to the current folder), such as
    /// the temporary one `git commit -a` or `git commit PATH` prepares and names in GIT_INDEX_FILE.
    /// A missing file is an error (libgit2 would give an empty index, which would look like nothing
    /// to commit).
    public func index(file path: String) throws(GitError) -> Index {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw GitError(code: .notFound, operation: "open the staging area", subject: path, libraryMessage: "no such file")
        }
        var out: OpaquePointer?
        try check(git_index_open(&out, path), "open the staging area", subject: path)
        guard let out else { throw GitError(code: .generic, operation: "open the staging area", subject: path) }
        return Index(handle: out, repository: self)
    }

    /// A new, empty in-memory index (not tied to any file).
    public func makeInMemoryIndex() throws(GitError) -> Index {
        var out: OpaquePointer?
        try check(git_index_new(&out), "make a staging area")
        guard let out else { throw GitError(code: .generic, operation: "make a staging area") }
        return Index(handle: out, repository: self)
    }
}
