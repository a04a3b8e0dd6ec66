internal import CLibGit2

/// libgit2's global state: initialised once per process, before any other call.
public enum GitRuntime {
    private static let initialised: Bool = {
        git_libgit2_init()
        // Speed settings; a failure only costs speed.
        // libgit2 caches parsed trees of at most 4 KiB and no blob at all; a plan repository's
        // accounts/ folder (one entry per account) and accounts.yaml are far bigger, and a pull
        // reads each several times (merge, report), each time reading, inflating and hashing it
        // again. Keep them (the cache's total stays capped, 256 MiB by default).
        _ = try? check(clibgit2_set_cache_object_limit(GIT_OBJECT_TREE, 16 << 20), "set the tree cache limit")
        _ = try? check(clibgit2_set_cache_object_limit(GIT_OBJECT_BLOB, 16 << 20), "set the blob cache limit")
        // Writing a tree checks that every entry's object exists by reading its header: for a
        // tree of 10,000 loose plan files, 10,000 files opened and inflated per commit. Every tree
        // abmsync writes comes from an index whose blobs libgit2 itself just stored or from
        // existing trees, and git does not re-read them either.
        _ = try? check(clibgit2_set_strict_object_creation(0), "skip object checks")
        // libgit2 re-hashes every object it reads to compare with its id (SHA-1 with collision
        // detection: a sixth of a pull's instructions, mostly on accounts.yaml and accounts/). git
        // does not on ordinary reads either; zlib's checksum still catches a damaged object, and
        // fetched objects are still hashed when their pack is indexed.
        _ = try? check(clibgit2_set_strict_hash_verification(0), "skip hash checks on reads")
        return true
    }()

    /// Makes sure `git_libgit2_init` ran. Every entry point into GitKit calls this.
    static func ensureInitialised() {
        _ = initialised
    }

    /// The libgit2 version this binary runs against, such as "1.5.1".
    public static var libraryVersion: String {
        ensureInitialised()
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }

    /// Points libgit2's system, XDG and global configuration search at `directory` (typically an
    /// empty folder), so that neither /etc/gitconfig nor ~/.gitconfig influences what happens.
    /// Tests use this; so does anything that must not depend on the machine's configuration.
    public static func isolateConfiguration(searchPath directory: String) throws(GitError) {
        ensureInitialised()
        for level in [GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL] {
            try check(
                clibgit2_set_search_path(level.rawValue, directory), "isolate git configuration",
                subject: directory)
        }
    }

    /// Where libgit2 currently looks for system, XDG and global configuration files.
    static func configurationSearchPaths() throws(GitError) -> (system: String, xdg: String, global: String) {
        ensureInitialised()
        func path(_ level: git_config_level_t) throws(GitError) -> String {
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            try check(clibgit2_get_search_path(level.rawValue, &buffer), "read git configuration search path")
            guard let pointer = buffer.ptr else { return "" }
            return String(cString: pointer)
        }
        return (
            try path(GIT_CONFIG_LEVEL_SYSTEM), try path(GIT_CONFIG_LEVEL_XDG), try path(GIT_CONFIG_LEVEL_GLOBAL)
        )
    }

    /// Turns libgit2's check that the repository belongs to the current user on or off.
    public static func setOwnerValidation(_ enabled: Bool) throws(GitError) {
        ensureInitialised()
        try check(clibgit2_set_owner_validation(enabled ? 1 : 0), "set owner validation")
    }
}
