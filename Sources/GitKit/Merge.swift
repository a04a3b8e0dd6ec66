internal import CLibGit2
#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

/// How two histories relate, before merging them.
public enum MergeRelation: Equatable, Sendable {
    /// `theirs` is already contained in `ours`.
    case upToDate
    /// `ours` is contained in `theirs`: just move forward.
    case fastForward
    /// Both have commits the other lacks; `base` is their common ancestor (nil: unrelated histories).
    case diverged(base: ObjectID?)
}

extension Repository {
    public func relation(ours: ObjectID, theirs: ObjectID) throws(GitError) -> MergeRelation {
        if ours == theirs { return .upToDate }
        let base = try mergeBase(ours, theirs)
        if base == theirs { return .upToDate }
        if base == ours { return .fastForward }
        return .diverged(base: base)
    }

    /// Merges three trees in memory (nothing on disk changes). The returned index holds the merged
    /// entries and, for paths libgit2 could not merge, conflict entries (stages 1–3).
    ///
    /// `contentMergedByCaller` names files whose content the caller merges itself: when both sides
    /// changed one of them, libgit2 leaves it as a conflict instead of running its line merge
    /// first (whose result the caller would throw away). Files with a `merge` attribute in
    /// .gitattributes keep their own driver.
    public func mergeTrees(
        base: ObjectID?, ours: ObjectID, theirs: ObjectID, contentMergedByCaller: ((String) -> Bool)? = nil
    ) throws(GitError) -> Index {
        guard let contentMergedByCaller else {
            return try mergeTrees(base: base, ours: ours, theirs: theirs, defaultDriver: nil)
        }
        let driver = try CallerMergeDriver.name
        return try CallerMergeDriver.with(contentMergedByCaller) { () throws(GitError) in
            try mergeTrees(base: base, ours: ours, theirs: theirs, defaultDriver: driver)
        }
    }

    private func mergeTrees(base: ObjectID?, ours: ObjectID, theirs: ObjectID, defaultDriver: String?) throws(GitError)
        -> Index
    {
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "prepare merge")
        // Keep going on conflicts; we resolve abmsync's files ourselves.
        options.flags = 0
        let driverName = defaultDriver.map { strdup($0) }
        defer { driverName.map { free($0) } }
        if let driverName { options.default_driver = UnsafePointer(driverName) }
        var baseTree: OpaquePointer?
        var ourTree: OpaquePointer?
        var theirTree: OpaquePointer?
        defer {
            git_tree_free(baseTree)
            git_tree_free(ourTree)
            git_tree_free(theirTree)
        }
        if let base {
            var raw = base.raw
            try check(git_tree_lookup(&baseTree, handle, &raw), "read folder", subject: base.short)
        }
        var o = ours.raw
        try check(git_tree_lookup(&ourTree, handle, &o), "read folder", subject: ours.short)
        var t = theirs.raw
        try check(git_tree_lookup(&theirTree, handle, &t), "read folder", subject: theirs.short)
        var index: OpaquePointer?
        try check(git_merge_trees(&index, handle, baseTree, ourTree, theirTree, &options), "merge changes")
        guard let index else { throw GitError(code: .generic, operation: "merge changes") }
        return Index(handle: index, repository: self)
    }

    /// Paths whose content differs between two trees (added, removed or modified files).
    public func changedPaths(from old: ObjectID?, to new: ObjectID?) throws(GitError) -> [String] {
        var oldTree: OpaquePointer?
        var newTree: OpaquePointer?
        defer {
            git_tree_free(oldTree)
            git_tree_free(newTree)
        }
        if let old {
            var raw = old.raw
            try check(git_tree_lookup(&oldTree, handle, &raw), "read folder", subject: old.short)
        }
        if let new {
            var raw = new.raw
            try check(git_tree_lookup(&newTree, handle, &raw), "read folder", subject: new.short)
        }
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, handle, oldTree, newTree, nil), "compare versions")
        defer { git_diff_free(diff) }
        var paths: [String] = []
        let count = git_diff_num_deltas(diff)
        for position in 0..<count {
            guard let delta = git_diff_get_delta(diff, position) else { continue }
            if let path = delta.pointee.new_file.path ?? delta.pointee.old_file.path { paths.append(String(cString: path)) }
        }
        return paths
    }

    /// Records that a merge with `theirs` is under way (MERGE_HEAD and MERGE_MSG), as `git merge` does
    /// when it stops on conflicts, so `git status` and `git commit` finish it the usual way. `write`
    /// puts one file in place whole (the caller's atomic writer: temporary file, fsync, rename), so a
    /// kill leaves each file old or new, never a piece; MERGE_HEAD, which makes the merge "in
    /// progress" for git, goes last, after the message it needs.
    public func recordMergeInProgress(
        theirs: ObjectID, message: String, write: (_ path: String, _ content: String) throws -> Void
    ) throws {
        try write(gitDirectory + "MERGE_MSG", message)
        try write(gitDirectory + "MERGE_MODE", "no-ff")
        try write(gitDirectory + "MERGE_HEAD", theirs.hex + "\n")
    }

    /// The commit a stopped merge was merging, if any (MERGE_HEAD).
    public func mergeHead() throws(GitError) -> ObjectID? {
        guard let text = readStateFile("MERGE_HEAD") else { return nil }
        return ObjectID(hex: String(text.prefix(40)))
    }

    private func readStateFile(_ name: String) -> String? {
        let path = gitDirectory + name
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = fread(&buffer, 1, buffer.count, file)
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}

/// The merge driver behind `mergeTrees(contentMergedByCaller:)`: registered once with libgit2 as
/// the default driver of that call, it answers "conflict" for the caller's files (libgit2 keeps
/// the three versions as conflict entries) and hands every other file to libgit2's text merge.
/// libgit2 calls the driver synchronously on the merging thread, so the caller's predicate is kept
/// per thread: concurrent merges on other threads each see their own.
enum CallerMergeDriver {
    private final class Predicate {
        let test: (String) -> Bool
        init(_ test: @escaping (String) -> Bool) { self.test = test }
    }

    private static let key: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()

    private static let registration: Result<String, GitError> = {
        let name = "gitkit-merged-by-caller"
        guard key != nil else { return .failure(GitError(code: .generic, operation: "prepare merge")) }
        // libgit2 keeps this pointer for the life of the process.
        let driver = UnsafeMutablePointer<git_merge_driver>.allocate(capacity: 1)
        driver.initialize(to: git_merge_driver())
        driver.pointee.version = UInt32(GIT_MERGE_DRIVER_VERSION)
        driver.pointee.apply = { _, _, _, _, _, source in
            guard let source, let key = CallerMergeDriver.key, let raw = pthread_getspecific(key),
                let entry = git_merge_driver_source_ours(source) ?? git_merge_driver_source_theirs(source),
                let path = entry.pointee.path
            else { return GIT_PASSTHROUGH.rawValue }
            let predicate = Unmanaged<Predicate>.fromOpaque(raw).takeUnretainedValue()
            return predicate.test(String(cString: path)) ? GIT_EMERGECONFLICT.rawValue : GIT_PASSTHROUGH.rawValue
        }
        return Result { () throws(GitError) in
            try check(git_merge_driver_register(name, driver), "prepare merge")
            return name
        }
    }()

    static var name: String {
        get throws(GitError) {
            GitRuntime.ensureInitialised()
            return try registration.get()
        }
    }

    /// Runs `body` with `predicate` as this thread's answer to "does the caller merge this file?".
    static func with<T>(_ predicate: @escaping (String) -> Bool, _ body: () throws(GitError) -> T) throws(GitError) -> T {
        guard let key else { throw GitError(code: .generic, operation: "prepare merge") }
        let box = Predicate(predicate)
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(box).toOpaque())
        defer { pthread_setspecific(key, previous) }
        return try withExtendedLifetime(box) { () throws(GitError) in try body() }
    }
}
