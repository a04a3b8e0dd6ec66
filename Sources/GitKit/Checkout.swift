internal import CLibGit2
#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

extension Repository {
    /// Makes the working tree and index match HEAD. With `force`, local changes to tracked files are
    /// overwritten; without it, libgit2 refuses (`GitError.Code.conflict`) rather than lose them.
    public func checkoutHead(force: Bool) throws(GitError) {
        var options = git_checkout_options()
        try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "update files")
        options.checkout_strategy = force ? GIT_CHECKOUT_FORCE.rawValue : GIT_CHECKOUT_SAFE.rawValue
        try check(git_checkout_head(handle, &options), "update files from the latest version")
    }

    /// Writes the tree `treeID` into the working tree and index, without moving HEAD.
    /// `safe` refuses to overwrite local changes to files that differ.
    /// With `paths`, only those files are written (and only they are compared): much faster than
    /// a whole-tree checkout when the caller knows what changed.
    /// `progress` is told (files done, files in all) as libgit2 goes.
    public func checkoutTree(
        _ treeID: ObjectID, force: Bool, paths: [String]? = nil, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(GitError) {
        var raw = treeID.raw
        var tree: OpaquePointer?
        try check(git_object_lookup(&tree, handle, &raw, GIT_OBJECT_TREE), "read folder", subject: treeID.short)
        defer { git_object_free(tree) }
        var options = git_checkout_options()
        try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "update files")
        options.checkout_strategy = force ? GIT_CHECKOUT_FORCE.rawValue : GIT_CHECKOUT_SAFE.rawValue
        let listener = progress.map(CheckoutProgress.init)
        defer { withExtendedLifetime(listener) {} }
        if let listener {
            options.progress_payload = Unmanaged.passUnretained(listener).toOpaque()
            options.progress_cb = { _, done, total, payload in
                guard let payload else { return }
                Unmanaged<CheckoutProgress>.fromOpaque(payload).takeUnretainedValue().report(Int(done), Int(total))
            }
        }
        guard let paths else {
            try check(git_checkout_tree(handle, tree, &options), "update files")
            return
        }
        if paths.isEmpty { return }
        options.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH.rawValue
        var pointers: [UnsafeMutablePointer<CChar>?] = paths.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        let rc = pointers.withUnsafeMutableBufferPointer { buffer -> Int32 in
            options.paths = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_checkout_tree(handle, tree, &options)
        }
        try check(rc, "update files")
    }
}

/// The Swift side of libgit2's checkout progress callback.
private final class CheckoutProgress {
    let report: (Int, Int) -> Void
    init(_ report: @escaping (Int, Int) -> Void) { self.report = report }
}
