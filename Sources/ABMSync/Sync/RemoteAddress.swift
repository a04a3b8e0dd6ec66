/// Remote addresses abmsync records: never with a password or token in them.
///
/// A URL like `https://alice:TOKEN@host/plans.git` would be written by libgit2 into `.git/config`,
/// the reflogs ("clone: from …") and FETCH_HEAD, where any backup, screen share or support bundle
/// shows it. git itself can refuse such URLs (`transfer.credentialsInUrl=die`); abmsync always does,
/// before anything is written, and says where the secret goes instead: `ABMSYNC_GIT_TOKEN`, read
/// from the environment for each run and kept in memory only. A user name alone is a secret too
/// over http(s) (hosts accept a token as the user name); over ssh (`ssh://git@host/…`) it is not.
public enum RemoteAddress {
    /// Nil when `url` carries no credential; else why, in words.
    public static func credentialProblem(_ url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }  // a path or scp-like ssh
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return nil }
        let userInfo = rest[..<at]
        if userInfo.contains(":") { return "it holds a password or token" }
        if scheme == "http" || scheme == "https" { return "it holds a user name, which for http(s) may be a token" }
        return nil
    }

    /// Throws a clear error (the address shown without its credential) when `url` carries one.
    public static func refuseCredentials(_ url: String, stored: Bool = false) throws(AbmsyncError) {
        guard let problem = credentialProblem(url) else { return }
        let clean = RemoteDisplay.redacted(url)
        if stored {
            throw .invalidArgument(
                "the shared remote's address in this repository's git settings has a credential in it: \(problem)",
                hint: "remove it with: git remote set-url origin \(clean); then set ABMSYNC_GIT_USERNAME and "
                    + "ABMSYNC_GIT_TOKEN in your environment and try again")
        }
        throw .invalidArgument(
            "abmsync does not record remote addresses with credentials in them ('\(clean)': \(problem))",
            hint: "set ABMSYNC_GIT_USERNAME and ABMSYNC_GIT_TOKEN in your environment instead (abmsync reads them for "
                + "each run and never writes them down), then use the address without them: \(clean)")
    }
}
