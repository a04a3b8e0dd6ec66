internal import CLibGit2

extension Repository {
    /// Creates a commit of `tree` with `parents`. When `updating` names a reference (such as
    /// "HEAD"), it is moved to the new commit — only if it still points at the first parent.
    @discardableResult
    public func createCommit(
        tree treeID: ObjectID, parents: [ObjectID], message: String, author: Signature,
        committer: Signature? = nil, updating reference: String? = "HEAD"
    ) throws(GitError) -> ObjectID {
        var treeRaw = treeID.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &treeRaw), "read folder", subject: treeID.short)
        defer { git_tree_free(tree) }

        var parentCommits: [OpaquePointer?] = []
        defer { parentCommits.forEach { git_commit_free($0) } }
        for parent in parents {
            var raw = parent.raw
            var commit: OpaquePointer?
            try check(git_commit_lookup(&commit, handle, &raw), "read commit", subject: parent.short)
            parentCommits.append(commit)
        }
        var oid = git_oid()
        // No message encoding: git writes no `encoding` header for UTF-8 (its default), so
        // neither do we — the same commit made by git and by GitKit gets the same id.
        _ = try author.withGitSignature { (authorSig) throws(GitError) in
            try (committer ?? author).withGitSignature { (committerSig) throws(GitError) in
                try parentCommits.withUnsafeMutableBufferPointer { (buffer) throws(GitError) in
                    try check(
                        git_commit_create(
                            &oid, handle, reference, authorSig, committerSig, nil, message, tree,
                            buffer.count, buffer.baseAddress),
                        "record the changes", subject: reference)
                }
            }
        }
        return ObjectID(oid)
    }

    /// The identity from git configuration (`user.name`, `user.email`), stamped now; nil when unset.
    public func configuredSignature() throws(GitError) -> Signature? {
        var out: UnsafeMutablePointer<git_signature>?
        let rc = git_signature_default(&out, handle)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "read your git identity (user.name and user.email)")
        guard let out else { return nil }
        defer { git_signature_free(out) }
        return Signature(out)
    }

    /// The merge base of two commits, or nil when they share no history.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var ra = a.raw
        var rb = b.raw
        let rc = git_merge_base(&out, handle, &ra, &rb)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "find the common history of", subject: "\(a.short) and \(b.short)")
        return ObjectID(out)
    }

    /// How many commits `local` has that `upstream` lacks, and the other way round.
    public func aheadBehind(local: ObjectID, upstream: ObjectID) throws(GitError) -> (ahead: Int, behind: Int) {
        var ahead = 0
        var behind = 0
        var l = local.raw
        var u = upstream.raw
        try check(git_graph_ahead_behind(&ahead, &behind, handle, &l, &u), "compare history")
        return (ahead, behind)
    }

    /// Commits reachable from `start` and from none of `hiding`, newest first (topological + time
    /// order), at most `limit`.
    public func log(from start: ObjectID, hiding: [ObjectID] = [], limit: Int = .max) throws(GitError) -> [Commit] {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, handle), "walk history")
        defer { git_revwalk_free(walker) }
        try check(
            git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "walk history")
        var raw = start.raw
        try check(git_revwalk_push(walker, &raw), "walk history", subject: start.short)
        for hidden in hiding {
            var hiddenRaw = hidden.raw
            try check(git_revwalk_hide(walker, &hiddenRaw), "walk history", subject: hidden.short)
        }
        var result: [Commit] = []
        var oid = git_oid()
        while result.count < limit {
            let rc = git_revwalk_next(&oid, walker)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "walk history")
            result.append(try commit(ObjectID(oid)))
        }
        return result
    }
}
