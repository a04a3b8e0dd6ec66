internal import CLibGit2

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
    public func checkoutTree(_ treeID: ObjectID, force: Bool) throws(GitError) {
        var raw = treeID.raw
        var tree: OpaquePointer?
        try check(git_object_lookup(&tree, handle, &raw, GIT_OBJECT_TREE), "read folder", subject: treeID.short)
        defer { git_object_free(tree) }
        var options = git_checkout_options()
        try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "update files")
        options.checkout_strategy = force ? GIT_CHECKOUT_FORCE.rawValue : GIT_CHECKOUT_SAFE.rawValue
        try check(git_checkout_tree(handle, tree, &options), "update files")
    }
}
