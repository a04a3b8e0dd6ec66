internal import CLibGit2

/// A commit, copied out of libgit2.
public struct Commit: Equatable, Sendable {
    public var id: ObjectID
    public var treeID: ObjectID
    public var parentIDs: [ObjectID]
    public var author: Signature
    public var committer: Signature
    public var message: String

    /// The first line of the message.
    public var summary: String {
        String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

/// One entry of a tree (a file, a folder, a link or a submodule).
public struct TreeEntry: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case blob, tree, commit, other }
    public var name: String
    /// Path from the root of the tree walked.
    public var path: String
    public var id: ObjectID
    public var kind: Kind
    /// The file mode: 0o100644 file, 0o100755 executable, 0o120000 symbolic link, 0o040000 folder.
    public var mode: UInt32

    public var isSymbolicLink: Bool { mode == 0o120000 }
}

extension Repository {
    /// Resolves a revision expression (`HEAD`, `main`, `origin/main~2`, a hex id) to a commit id.
    public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, handle, revision), "find revision", subject: revision)
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "find a commit for", subject: revision)
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit))
    }

    /// The commit HEAD points at, or nil when the branch has no commit yet.
    public func headCommitID() throws(GitError) -> ObjectID? {
        if isHeadUnborn { return nil }
        var oid = git_oid()
        try check(git_reference_name_to_id(&oid, handle, "HEAD"), "read HEAD")
        return ObjectID(oid)
    }

    public func commit(_ id: ObjectID) throws(GitError) -> Commit {
        var raw = id.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &raw), "read commit", subject: id.short)
        defer { git_commit_free(commit) }
        var parents: [ObjectID] = []
        let count = git_commit_parentcount(commit)
        for index in 0..<count {
            if let parent = git_commit_parent_id(commit, index) { parents.append(ObjectID(parent)) }
        }
        return Commit(
            id: id,
            treeID: ObjectID(git_commit_tree_id(commit)),
            parentIDs: parents,
            author: Signature(git_commit_author(commit)),
            committer: Signature(git_commit_committer(commit)),
            message: git_commit_message(commit).map { String(cString: $0) } ?? "")
    }

    /// The bytes of a blob.
    public func blobData(_ id: ObjectID) throws(GitError) -> [UInt8] {
        var raw = id.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, handle, &raw), "read file contents", subject: id.short)
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// The size of a blob in bytes, without reading it.
    public func blobSize(_ id: ObjectID) throws(GitError) -> Int {
        var raw = id.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, handle, &raw), "read file contents", subject: id.short)
        defer { git_blob_free(blob) }
        return Int(git_blob_rawsize(blob))
    }

    /// Writes `data` as a blob and returns its id.
    public func writeBlob(_ data: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let rc = data.withUnsafeBytes { buffer in
            git_blob_create_from_buffer(&oid, handle, buffer.baseAddress, buffer.count)
        }
        try check(rc, "store file contents")
        return ObjectID(oid)
    }

    /// The entry at `path` (slash-separated) inside tree `treeID`, or nil when there is none.
    public func treeEntry(at path: String, inTree treeID: ObjectID) throws(GitError) -> TreeEntry? {
        var raw = treeID.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &raw), "read folder", subject: treeID.short)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree, path)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "find", subject: path)
        defer { git_tree_entry_free(entry) }
        return TreeEntry(entry: entry, parentPath: parentPath(of: path))
    }

    /// The entries of the tree `treeID`, each with its path from that tree's root.
    /// With `recursive`, descends into sub-folders (folders themselves are listed too).
    public func treeEntries(_ treeID: ObjectID, under folder: String? = nil, recursive: Bool = false)
        throws(GitError) -> [TreeEntry]
    {
        var start = treeID
        // "accounts/" and "accounts" name the same folder; paths below it get one slash.
        var folder = folder ?? ""
        while folder.hasSuffix("/") { folder.removeLast() }
        if !folder.isEmpty {
            guard let entry = try treeEntry(at: folder, inTree: treeID), entry.kind == .tree else { return [] }
            start = entry.id
        }
        var result: [TreeEntry] = []
        try collectEntries(start, prefix: folder.isEmpty ? "" : folder + "/", recursive: recursive, into: &result)
        return result
    }

    private func collectEntries(_ treeID: ObjectID, prefix: String, recursive: Bool, into result: inout [TreeEntry])
        throws(GitError)
    {
        var raw = treeID.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &raw), "read folder", subject: treeID.short)
        defer { git_tree_free(tree) }
        let count = git_tree_entrycount(tree)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let value = TreeEntry(entry: entry, parentPath: prefix)
            result.append(value)
            if recursive, value.kind == .tree {
                try collectEntries(value.id, prefix: value.path + "/", recursive: true, into: &result)
            }
        }
    }

    private func parentPath(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }
}

extension TreeEntry {
    init(entry: OpaquePointer?, parentPath: String) {
        let name = git_tree_entry_name(entry).map { String(cString: $0) } ?? ""
        self.name = name
        self.path = parentPath + name
        self.id = ObjectID(git_tree_entry_id(entry))
        let type = git_tree_entry_type(entry)
        switch type {
        case GIT_OBJECT_BLOB: kind = .blob
        case GIT_OBJECT_TREE: kind = .tree
        case GIT_OBJECT_COMMIT: kind = .commit
        default: kind = .other
        }
        mode = git_tree_entry_filemode(entry).rawValue
    }
}
