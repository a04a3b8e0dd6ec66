internal import CLibGit2

extension Repository {
    /// A configuration value as git resolves it (repository, then global, XDG and system files).
    public func configString(_ key: String) throws(GitError) -> String? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, handle), "read git configuration")
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        let rc = git_config_get_string(&value, config, key)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "read git setting", subject: key)
        return value.map { String(cString: $0) }
    }

    /// Sets a value in the repository's own configuration (`.git/config`).
    public func setConfig(_ key: String, to value: String) throws(GitError) {
        var config: OpaquePointer?
        try check(git_repository_config(&config, handle), "open git configuration")
        defer { git_config_free(config) }
        var local: OpaquePointer?
        try check(git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL), "open repository configuration")
        defer { git_config_free(local) }
        try check(git_config_set_string(local, key, value), "write git setting", subject: key)
    }
}
