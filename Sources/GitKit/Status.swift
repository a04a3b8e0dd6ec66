internal import CLibGit2

/// How one path differs between HEAD, the index and the working tree.
public struct FileStatus: Equatable, Sendable {
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let indexNew = Flags(rawValue: GIT_STATUS_INDEX_NEW.rawValue)
        public static let indexModified = Flags(rawValue: GIT_STATUS_INDEX_MODIFIED.rawValue)
        public static let indexDeleted = Flags(rawValue: GIT_STATUS_INDEX_DELETED.rawValue)
        public static let indexRenamed = Flags(rawValue: GIT_STATUS_INDEX_RENAMED.rawValue)
        public static let workTreeNew = Flags(rawValue: GIT_STATUS_WT_NEW.rawValue)
        public static let workTreeModified = Flags(rawValue: GIT_STATUS_WT_MODIFIED.rawValue)
        public static let workTreeDeleted = Flags(rawValue: GIT_STATUS_WT_DELETED.rawValue)
        public static let workTreeRenamed = Flags(rawValue: GIT_STATUS_WT_RENAMED.rawValue)
        public static let conflicted = Flags(rawValue: GIT_STATUS_CONFLICTED.rawValue)

        public static let staged: Flags = [.indexNew, .indexModified, .indexDeleted, .indexRenamed]
        public static let unstaged: Flags = [.workTreeNew, .workTreeModified, .workTreeDeleted, .workTreeRenamed]
    }

    public var path: String
    public var flags: Flags
}

extension Repository {
    /// Every path that differs from HEAD (untracked files included, ignored files not).
    /// With `refreshIndex`, file stat data that was found current is written back to the index (as
    /// `git status` does), so files written in the same second as the index stop being re-read and
    /// re-hashed on every later status.
    public func status(refreshIndex: Bool = false) throws(GitError) -> [FileStatus] {
        var options = git_status_options()
        try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "check for changes")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags =
            GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX.rawValue | GIT_STATUS_OPT_SORT_CASE_SENSITIVELY.rawValue
        if refreshIndex { options.flags |= GIT_STATUS_OPT_UPDATE_INDEX.rawValue }
        var list: OpaquePointer?
        try check(git_status_list_new(&list, handle, &options), "check for changes")
        defer { git_status_list_free(list) }
        let count = git_status_list_entrycount(list)
        var result: [FileStatus] = []
        for position in 0..<count {
            guard let entry = git_status_byindex(list, position) else { continue }
            let delta = entry.pointee.head_to_index ?? entry.pointee.index_to_workdir
            guard let delta else { continue }
            let file = delta.pointee.new_file.path ?? delta.pointee.old_file.path
            guard let file else { continue }
            result.append(FileStatus(path: String(cString: file), flags: .init(rawValue: entry.pointee.status.rawValue)))
        }
        return result
    }
}
