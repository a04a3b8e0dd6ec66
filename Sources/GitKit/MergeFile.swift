internal import CLibGit2
#if canImport(Glibc)
internal import Glibc
#else
internal import Darwin
#endif

/// The outcome of a line-based three-way merge of one file (libgit2's xdiff merge).
public struct LineMergeResult: Equatable, Sendable {
    /// True when every change merged; false when the text contains conflict markers.
    public var isClean: Bool
    public var text: [UInt8]
}

/// Line-based three-way merge (`git merge-file`), independent of any repository.
public enum LineMerge {
    public enum Style: Sendable { case merge, diff3 }

    public static func merge(
        base: [UInt8], ours: [UInt8], theirs: [UInt8], labels: (base: String, ours: String, theirs: String),
        style: Style = .merge, markerSize: Int = 7
    ) throws(GitError) -> LineMergeResult {
        GitRuntime.ensureInitialised()
        var options = git_merge_file_options()
        try check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "merge file")
        // libgit2 reads 0 as "default (7)"; anything outside 1...65535 would not fit its field.
        guard let size = UInt16(exactly: markerSize), size > 0 else {
            throw GitError(code: .invalid, operation: "merge file", subject: "conflict marker size \(markerSize)")
        }
        options.marker_size = size
        if style == .diff3 { options.flags = GIT_MERGE_FILE_STYLE_DIFF3.rawValue }
        let baseLabel = strdup(labels.base)
        let ourLabel = strdup(labels.ours)
        let theirLabel = strdup(labels.theirs)
        defer {
            free(baseLabel)
            free(ourLabel)
            free(theirLabel)
        }
        options.ancestor_label = UnsafePointer(baseLabel)
        options.our_label = UnsafePointer(ourLabel)
        options.their_label = UnsafePointer(theirLabel)
        var result = git_merge_file_result()
        defer { git_merge_file_result_free(&result) }
        // libgit2 needs non-NULL buffers even for empty input.
        let b = base + [0]
        let o = ours + [0]
        let t = theirs + [0]
        try b.withUnsafeBufferPointer { (bp) throws(GitError) in
            try o.withUnsafeBufferPointer { (op) throws(GitError) in
                try t.withUnsafeBufferPointer { (tp) throws(GitError) in
                    var bi = Self.input(bp, count: base.count)
                    var oi = Self.input(op, count: ours.count)
                    var ti = Self.input(tp, count: theirs.count)
                    try check(git_merge_file(&result, &bi, &oi, &ti, &options), "merge file")
                }
            }
        }
        let bytes: [UInt8]
        if let ptr = result.ptr, result.len > 0 {
            bytes = Array(UnsafeRawBufferPointer(start: ptr, count: result.len))
        } else {
            bytes = []
        }
        return LineMergeResult(isClean: result.automergeable != 0, text: bytes)
    }

    private static func input(_ buffer: UnsafeBufferPointer<UInt8>, count: Int) -> git_merge_file_input {
        var input = git_merge_file_input()
        git_merge_file_input_init(&input, UInt32(GIT_MERGE_FILE_INPUT_VERSION))
        // The pointer must outlive this function (it is used until the caller's buffer scope
        // ends), so rebind by assumption rather than with the closure-scoped withMemoryRebound.
        input.ptr = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
        input.size = count
        input.mode = 0o100644
        return input
    }
}
