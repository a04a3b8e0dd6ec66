internal import CLibGit2

extension Repository {
    /// The full name of the branch HEAD points at (`refs/heads/main`), even when it has no commit yet.
    /// Nil when HEAD is detached.
    public func headReferenceName() throws(GitError) -> String? {
        var ref: OpaquePointer?
        try check(git_reference_lookup(&ref, handle, "HEAD"), "read HEAD")
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(ref)
        else { return nil }
        return String(cString: target)
    }

    /// The short name of the current branch (`main`), nil when detached.
    public func currentBranch() throws(GitError) -> String? {
        guard let full = try headReferenceName() else { return nil }
        return full.hasPrefix("refs/heads/") ? String(full.dropFirst("refs/heads/".count)) : full
    }

    /// Where a reference points, or nil when it does not exist.
    public func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, handle, name)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "read reference", subject: name)
        return ObjectID(oid)
    }

    /// Creates or moves the direct reference `name` to `target`. With `expected`, only moves it if it
    /// still points there (another process may have moved it meanwhile): `GitError.Code.modified` otherwise.
    public func setReference(
        _ name: String, to target: ObjectID, expected: ObjectID? = nil, logMessage: String
    ) throws(GitError) {
        var ref: OpaquePointer?
        var raw = target.raw
        if var old = expected?.raw {
            try check(
                git_reference_create_matching(&ref, handle, name, &raw, 1, &old, logMessage), "move", subject: name)
        } else {
            try check(git_reference_create(&ref, handle, name, &raw, 1, logMessage), "move", subject: name)
        }
        git_reference_free(ref)
    }

    /// Creates `name` only if it does not exist yet (`GitError.Code.exists` otherwise): the atomic
    /// counterpart of `setReference(_:to:expected:)` for a reference expected to be absent.
    public func createReference(_ name: String, to target: ObjectID, logMessage: String) throws(GitError) {
        var ref: OpaquePointer?
        var raw = target.raw
        try check(git_reference_create(&ref, handle, name, &raw, 0, logMessage), "create", subject: name)
        git_reference_free(ref)
    }

    /// Makes later updates of `name` append to its reflog, whatever the ref (git keeps logs only for
    /// branches, remote branches and HEAD unless told).
    public func keepReflog(for name: String) throws(GitError) {
        try check(git_reference_ensure_log(handle, name), "keep the history of", subject: name)
    }

    /// Points HEAD at branch `name` (full reference name) without touching files.
    public func setHead(_ name: String) throws(GitError) {
        try check(git_repository_set_head(handle, name), "switch to", subject: name)
    }

    public func deleteReference(_ name: String) throws(GitError) {
        var ref: OpaquePointer?
        let rc = git_reference_lookup(&ref, handle, name)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return
        }
        try check(rc, "read reference", subject: name)
        defer { git_reference_free(ref) }
        try check(git_reference_delete(ref), "delete reference", subject: name)
    }

    /// Every reference whose name starts with `prefix` (such as `refs/heads/`), with its target.
    public func references(withPrefix prefix: String) throws(GitError) -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, handle, prefix + "*"), "list references")
        defer { git_reference_iterator_free(iterator) }
        var result: [(String, ObjectID)] = []
        while true {
            var ref: OpaquePointer?
            let rc = git_reference_next(&ref, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "list references")
            defer { git_reference_free(ref) }
            var resolved: OpaquePointer?
            guard git_reference_resolve(&resolved, ref) == 0, let target = git_reference_target(resolved) else {
                git_error_clear()
                continue
            }
            defer { git_reference_free(resolved) }
            result.append((String(cString: git_reference_name(ref)), ObjectID(target)))
        }
        return result
    }
}
