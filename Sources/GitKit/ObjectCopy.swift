internal import CLibGit2

extension Repository {
    /// Copies the commits reachable from `tip` and from none of `known` (with their trees and
    /// blobs) into `other`'s object database as one pack, touching no reference there. Returns the
    /// number of objects copied (0 when `other` needs none).
    ///
    /// This is a local push without the reference update: the caller moves the branch itself with a
    /// compare-and-swap. No temporary reference is ever visible in `other`, so teammates listing its
    /// references at the same moment never see one disappear under them.
    @discardableResult
    public func copyObjects(reachableFrom tip: ObjectID, excluding known: [ObjectID], into other: Repository)
        throws(GitError) -> Int
    {
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, handle), "prepare the changes to send")
        defer { git_packbuilder_free(builder) }
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, handle), "prepare the changes to send")
        defer { git_revwalk_free(walker) }
        var tipRaw = tip.raw
        try check(git_revwalk_push(walker, &tipRaw), "prepare the changes to send", subject: tip.short)
        for commit in known {
            var raw = commit.raw
            try check(git_revwalk_hide(walker, &raw), "prepare the changes to send", subject: commit.short)
        }
        try check(git_packbuilder_insert_walk(builder, walker), "prepare the changes to send")
        let count = git_packbuilder_object_count(builder)
        if count == 0 { return 0 }

        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, other.handle), "open the shared repository's objects")
        defer { git_odb_free(odb) }
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try check(git_odb_write_pack(&writer, odb, nil, nil), "write the changes into the shared repository")
        guard let writer else {
            throw GitError(code: .generic, operation: "write the changes into the shared repository")
        }
        defer { writer.pointee.free(writer) }
        let sink = PackSink(writer: writer)
        let rc = git_packbuilder_foreach(
            builder,
            { data, size, payload in
                guard let payload else { return -1 }
                let sink = Unmanaged<PackSink>.fromOpaque(payload).takeUnretainedValue()
                return sink.writer.pointee.append(sink.writer, data, size, &sink.progress)
            },
            Unmanaged.passUnretained(sink).toOpaque())
        try check(rc, "write the changes into the shared repository")
        try check(writer.pointee.commit(writer, &sink.progress), "write the changes into the shared repository")
        return Int(count)
    }
}

/// The pack writer and its progress, handed to libgit2's pack callback through its payload.
private final class PackSink {
    let writer: UnsafeMutablePointer<git_odb_writepack>
    var progress = git_indexer_progress()

    init(writer: UnsafeMutablePointer<git_odb_writepack>) { self.writer = writer }
}
