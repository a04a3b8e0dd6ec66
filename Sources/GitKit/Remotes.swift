internal import CLibGit2

/// A configured remote: its name and URLs.
public struct RemoteInfo: Equatable, Sendable {
    public var name: String
    public var url: String
    public var pushURL: String?
}

extension Repository {
    /// Records a remote (`git remote add NAME URL`) with the default fetch refspec.
    public func addRemote(name: String, url: String) throws(GitError) {
        var remote: OpaquePointer?
        try check(git_remote_create(&remote, handle, name, url), "add shared remote", subject: name)
        git_remote_free(remote)
    }

    /// The remote called `name`, or nil when there is none.
    public func remote(named name: String) throws(GitError) -> RemoteInfo? {
        var remote: OpaquePointer?
        let rc = git_remote_lookup(&remote, handle, name)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "read remote", subject: name)
        defer { git_remote_free(remote) }
        return RemoteInfo(
            name: name, url: git_remote_url(remote).map { String(cString: $0) } ?? "",
            pushURL: git_remote_pushurl(remote).map { String(cString: $0) })
    }

    public func remoteNames() throws(GitError) -> [String] {
        var names = git_strarray()
        try check(git_remote_list(&names, handle), "list remotes")
        defer { git_strarray_dispose(&names) }
        return (0..<names.count).compactMap { names.strings[$0].map { String(cString: $0) } }
    }

    public func setRemoteURL(name: String, url: String) throws(GitError) {
        try check(git_remote_set_url(handle, name, url), "change remote address", subject: name)
    }
}
