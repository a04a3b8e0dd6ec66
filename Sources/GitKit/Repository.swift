internal import CLibGit2
#if canImport(Glibc)
internal import Glibc
#else
internal import Darwin
#endif

/// An open git repository. Owns its `git_repository*` and frees it when released.
/// Not Sendable: keep each Repository on the task that opened it.
public final class Repository {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        git_repository_free(handle)
    }

    /// Opens the repository whose working tree (or git directory) is exactly `path`.
    public static func open(at path: String) throws(GitError) -> Repository {
        GitRuntime.ensureInitialised()
        var out: OpaquePointer?
        try check(
            git_repository_open_ext(&out, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil),
            "open repository", subject: path)
        guard let out else { throw GitError(code: .notFound, operation: "open repository", subject: path) }
        return Repository(handle: out)
    }

    /// Finds the repository containing `path`, walking up through parent directories like git does.
    public static func discover(from path: String) throws(GitError) -> Repository {
        GitRuntime.ensureInitialised()
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_repository_discover(&buffer, path, 0, nil), "find a git repository at or above", subject: path)
        let found = String(cString: buffer.ptr)
        return try open(at: found)
    }

    /// Creates a new repository whose first branch is `initialBranch`.
    public static func create(at path: String, initialBranch: String = "main", bare: Bool = false)
        throws(GitError) -> Repository
    {
        GitRuntime.ensureInitialised()
        var options = git_repository_init_options()
        try check(
            git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
            "prepare repository creation")
        var flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        if bare { flags |= GIT_REPOSITORY_INIT_BARE.rawValue }
        options.flags = flags
        var out: OpaquePointer?
        let branch = strdup(initialBranch)
        defer { free(branch) }
        options.initial_head = UnsafePointer(branch)
        try check(git_repository_init_ext(&out, path, &options), "create repository", subject: path)
        guard let out else { throw GitError(code: .generic, operation: "create repository", subject: path) }
        return Repository(handle: out)
    }

    /// The working tree folder with a trailing slash, or nil for a bare repository.
    public var workingDirectory: String? {
        guard let path = git_repository_workdir(handle) else { return nil }
        return String(cString: path)
    }

    /// The `.git` folder (or the bare repository itself), with a trailing slash.
    public var gitDirectory: String {
        String(cString: git_repository_path(handle))
    }

    public var isBare: Bool { git_repository_is_bare(handle) != 0 }

    /// An operation in progress (merge, rebase, …) that a previous command left unfinished.
    public enum State: Equatable, Sendable {
        case none, merge, revert, cherryPick, bisect, rebase, applyMailbox, other(Int32)
    }

    public var state: State {
        let raw = UInt32(bitPattern: git_repository_state(handle))
        switch raw {
        case GIT_REPOSITORY_STATE_NONE.rawValue: return .none
        case GIT_REPOSITORY_STATE_MERGE.rawValue: return .merge
        case GIT_REPOSITORY_STATE_REVERT.rawValue, GIT_REPOSITORY_STATE_REVERT_SEQUENCE.rawValue:
            return .revert
        case GIT_REPOSITORY_STATE_CHERRYPICK.rawValue, GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE.rawValue:
            return .cherryPick
        case GIT_REPOSITORY_STATE_BISECT.rawValue: return .bisect
        case GIT_REPOSITORY_STATE_REBASE.rawValue, GIT_REPOSITORY_STATE_REBASE_INTERACTIVE.rawValue,
            GIT_REPOSITORY_STATE_REBASE_MERGE.rawValue:
            return .rebase
        case GIT_REPOSITORY_STATE_APPLY_MAILBOX.rawValue, GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE.rawValue:
            return .applyMailbox
        default: return .other(Int32(bitPattern: raw))
        }
    }

    /// Removes MERGE_HEAD and friends after an operation completed.
    public func cleanupState() throws(GitError) {
        try check(git_repository_state_cleanup(handle), "clean up repository state")
    }

    /// True when HEAD points at a branch that has no commit yet.
    public var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }
}

@available(*, unavailable)
extension Repository: Sendable {}
