internal import CLibGit2
#if canImport(Glibc)
internal import Glibc
#else
internal import Darwin
#endif

/// A reference that moved during a fetch (or a remote-tracking reference moved by a push).
public struct ReferenceUpdate: Equatable, Sendable {
    public var name: String
    /// Nil when the reference is new.
    public var oldTarget: ObjectID?
    /// Nil when the reference was deleted (pruned).
    public var newTarget: ObjectID?
}

/// What a fetch brought.
public struct FetchSummary: Equatable, Sendable {
    public var remote: String
    public var updatedReferences: [ReferenceUpdate]
    public var receivedObjects: Int
    public var receivedBytes: Int

    public var isUpToDate: Bool { updatedReferences.isEmpty }
}

/// A reference the server refused to update, and the reason it gave ("pre-receive hook declined").
public struct PushRejection: Equatable, Sendable {
    public var reference: String
    public var reason: String
}

/// What a push did. A push with any rejected reference throws `GitError` with code
/// `.pushRejected` instead of returning.
public struct PushResult: Equatable, Sendable {
    public var remote: String
    /// The remote references the server accepted (`refs/heads/main`).
    public var updatedReferences: [String]
    /// Local remote-tracking references moved to match (`refs/remotes/origin/main`).
    public var updatedTrackingReferences: [ReferenceUpdate]
    public var sentBytes: Int
}

/// A branch as the remote advertises it.
public struct RemoteBranch: Equatable, Sendable {
    /// Short name, such as `main`.
    public var name: String
    public var target: ObjectID
}

extension Repository {
    /// Clones `url` into `path` (a new folder) and checks out the remote's default branch.
    /// The remote is recorded as `origin`. Cloning an empty remote yields a repository whose HEAD
    /// is the unborn branch `branchForEmptyRemote`, tracking `origin`.
    public static func clone(
        from url: String, to path: String, options: RemoteOptions = RemoteOptions(), bare: Bool = false,
        branchForEmptyRemote: String = "main", checkout: Bool = true
    ) throws(GitError) -> Repository {
        GitRuntime.ensureInitialised()
        if !url.contains("://"), !isSCPLikeURL(url), !fileExists(url) {
            // libgit2 would take the missing folder for a URL: "unsupported URL protocol".
            throw GitError(
                code: .notFound, operation: "clone", subject: url, libraryMessage: "no such folder",
                errorClass: .os, hint: "check the path of the shared repository")
        }
        let context = RemoteCallbackContext(options: options, url: url)
        var cloneOptions = git_clone_options()
        try check(git_clone_options_init(&cloneOptions, UInt32(GIT_CLONE_OPTIONS_VERSION)), "prepare clone")
        cloneOptions.bare = bare ? 1 : 0
        cloneOptions.local = localCloneMode(for: url)
        cloneOptions.fetch_opts.callbacks = try context.makeCallbacks()
        // Without checkout, no file is written: the caller looks at the tree first (`checkoutHead`).
        cloneOptions.checkout_opts.checkout_strategy = checkout ? GIT_CHECKOUT_SAFE.rawValue : GIT_CHECKOUT_NONE.rawValue
        var handle: OpaquePointer?
        try context.run("clone") { () throws(GitError) in
            try check(git_clone(&handle, url, path, &cloneOptions), "clone")
        }
        // Reopen through the one public way to get a Repository, which owns its handle.
        git_repository_free(handle)
        let repository = try Repository.open(at: path)
        if repository.isHeadUnborn {
            try repository.pointUnbornHead(at: branchForEmptyRemote, remote: "origin")
        }
        return repository
    }

    /// How libgit2 should clone `url`.
    ///
    /// A remote that is a folder on this machine, given as a path or as a `file://` URL, is copied:
    /// its object files, then the references through the local transport, which then has
    /// nothing left to send. By default libgit2 does that only for a path; for `file://` it packs
    /// the whole history in this process (revision walk, delta search over every version of
    /// every file, compression, then indexing the pack it just made: 4× `git clone`'s time and
    /// every object read kept in the object cache), where git's pack-objects reuses the deltas
    /// already in the remote's packs.
    ///
    /// Never hard links: libgit2 would link every object file of a path remote on the same disk
    /// (git clone does for a path too). A linked file is the same file in both repositories, so
    /// damage to one (a tool or a disk writing into it, a permissions change) is damage to the
    /// other, and the clone is no second copy of the team's history; the folder's owner could also
    /// rewrite objects inside our clone, which reads them without re-hashing. A copy costs little
    /// more: object files are written once and never changed.
    ///
    /// A remote that borrows objects from another repository (`objects/info/alternates`, often a
    /// relative path) is fetched through the transport instead: a copied alternates file would
    /// point somewhere else from the clone, and the clone should hold all its objects itself.
    private static func localCloneMode(for url: String) -> git_clone_local_t {
        guard let folder = localFolder(of: url) else { return GIT_CLONE_LOCAL_AUTO }
        var source: OpaquePointer?
        let opened = try? check(
            git_repository_open_ext(&source, folder, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil),
            "open the remote folder", subject: folder)
        guard opened != nil, let source else {
            return GIT_CLONE_LOCAL_NO_LINKS  // git_clone opens it again and says why it cannot
        }
        defer { git_repository_free(source) }
        var objects = git_buf()
        defer { git_buf_dispose(&objects) }
        let found = try? check(
            git_repository_item_path(&objects, source, GIT_REPOSITORY_ITEM_OBJECTS), "find the remote's objects",
            subject: folder)
        guard found != nil, let path = objects.ptr else { return GIT_CLONE_NO_LOCAL }
        let objectsFolder = String(cString: path)
        let alternates = objectsFolder + (objectsFolder.hasSuffix("/") ? "" : "/") + "info/alternates"
        return fileExists(alternates) ? GIT_CLONE_NO_LOCAL : GIT_CLONE_LOCAL_NO_LINKS
    }

    /// libgit2 leaves HEAD at `refs/heads/master` after cloning an empty remote, whatever the
    /// remote's default branch: point it at `branch` and record the upstream like `git clone` does.
    private func pointUnbornHead(at branch: String, remote: String) throws(GitError) {
        let reference = "refs/heads/\(branch)"
        if try headReferenceName() != reference {
            try setHead(reference)
        }
        try setConfig("branch.\(branch).remote", to: remote)
        try setConfig("branch.\(branch).merge", to: reference)
    }

    /// Downloads new objects and moves the remote-tracking references of `remote` (a configured
    /// remote's name), like `git fetch REMOTE`. With `prune`, deletes tracking references of
    /// branches the remote no longer has.
    @discardableResult
    public func fetch(remote name: String = "origin", prune: Bool = false, options: RemoteOptions = RemoteOptions())
        throws(GitError) -> FetchSummary
    {
        let remote = try lookUpRemote(name)
        defer { git_remote_free(remote) }
        let context = RemoteCallbackContext(options: options, url: remoteURL(remote))
        var fetchOptions = git_fetch_options()
        try check(git_fetch_options_init(&fetchOptions, UInt32(GIT_FETCH_OPTIONS_VERSION)), "prepare fetch")
        fetchOptions.callbacks = try context.makeCallbacks()
        fetchOptions.prune = prune ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
        try context.run("fetch from") { () throws(GitError) in
            try check(git_remote_fetch(remote, nil, &fetchOptions, nil), "fetch")
        }
        let stats = git_remote_stats(remote)?.pointee
        return FetchSummary(
            remote: name, updatedReferences: context.updatedTips,
            receivedObjects: Int(stats?.received_objects ?? 0), receivedBytes: stats?.received_bytes ?? 0)
    }

    /// Uploads `refspecs` to `remote` (a configured remote's name), like `git push REMOTE SPEC…`.
    /// A refspec is `refs/heads/a:refs/heads/b` (`+` in front forces); a bare branch name `main`
    /// means `refs/heads/main:refs/heads/main`.
    ///
    /// libgit2 reports success even when the server refuses a reference; this method throws
    /// `GitError` with code `.pushRejected` and `rejectedReferences` instead. A push that would
    /// lose remote commits is refused before anything is sent, with code `.nonFastForward`.
    @discardableResult
    public func push(remote name: String = "origin", refspecs: [String], options: RemoteOptions = RemoteOptions())
        throws(GitError) -> PushResult
    {
        let remote = try lookUpRemote(name)
        defer { git_remote_free(remote) }
        let url = remoteURL(remote, forPush: true)
        let context = RemoteCallbackContext(options: options, url: url)
        var pushOptions = git_push_options()
        try check(git_push_options_init(&pushOptions, UInt32(GIT_PUSH_OPTIONS_VERSION)), "prepare push")
        pushOptions.callbacks = try context.makeCallbacks()
        let expanded = refspecs.map(expandPushRefspec)
        try context.run("push to") { () throws(GitError) in
            try withStringArray(expanded) { (array) throws(GitError) in
                _ = try check(git_remote_push(remote, &array, &pushOptions), "push")
            }
        }
        if !context.rejections.isEmpty {
            var message = context.rejections.map { "\($0.reference): \($0.reason)" }.joined(separator: ", ")
            if !context.serverMessages.isEmpty {
                message += " (remote said: \(context.serverMessages.joined(separator: " | ")))"
            }
            throw GitError(
                code: .pushRejected, operation: "push to", subject: context.displayURL, libraryMessage: message,
                hint: "the server's rules (hooks, protected branches) refused the update; fetch, fix, and push again",
                rejectedReferences: context.rejections)
        }
        return PushResult(
            remote: name, updatedReferences: context.acceptedReferences,
            updatedTrackingReferences: context.updatedTips, sentBytes: context.uploadedBytes)
    }

    /// The branches `remote` advertises now (`git ls-remote --heads`). Connects; changes nothing.
    public func remoteBranches(remote name: String = "origin", options: RemoteOptions = RemoteOptions())
        throws(GitError) -> [RemoteBranch]
    {
        let remote = try lookUpRemote(name)
        defer { git_remote_free(remote) }
        return try listBranches(of: remote, url: remoteURL(remote), options: options)
    }

    /// The branches at `url`, without a local repository.
    public static func remoteBranches(at url: String, options: RemoteOptions = RemoteOptions())
        throws(GitError) -> [RemoteBranch]
    {
        GitRuntime.ensureInitialised()
        var remote: OpaquePointer?
        try check(git_remote_create_detached(&remote, url), "read remote address", subject: redactedURL(url))
        defer { git_remote_free(remote) }
        return try listBranches(of: remote, url: url, options: options)
    }

    private func lookUpRemote(_ name: String) throws(GitError) -> OpaquePointer? {
        var remote: OpaquePointer?
        try check(git_remote_lookup(&remote, handle, name), "find remote", subject: name)
        return remote
    }
}

private func remoteURL(_ remote: OpaquePointer?, forPush: Bool = false) -> String {
    if forPush, let push = git_remote_pushurl(remote) { return String(cString: push) }
    return git_remote_url(remote).map { String(cString: $0) } ?? ""
}

private func listBranches(of remote: OpaquePointer?, url: String, options: RemoteOptions) throws(GitError)
    -> [RemoteBranch]
{
    let context = RemoteCallbackContext(options: options, url: url)
    var callbacks = try context.makeCallbacks()
    var proxy = git_proxy_options()
    try check(git_proxy_options_init(&proxy, UInt32(GIT_PROXY_OPTIONS_VERSION)), "prepare remote access")
    var branches: [RemoteBranch] = []
    try context.run("list branches of") { () throws(GitError) in
        try check(git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, &proxy, nil), "connect")
        defer { git_remote_disconnect(remote) }
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try check(git_remote_ls(&heads, &count, remote), "list references")
        for position in 0..<count {
            guard let head = heads?[position]?.pointee, let cName = head.name else { continue }
            let name = String(cString: cName)
            guard name.hasPrefix("refs/heads/") else { continue }
            branches.append(RemoteBranch(name: String(name.dropFirst("refs/heads/".count)), target: ObjectID(head.oid)))
        }
    }
    return branches
}

private func expandPushRefspec(_ spec: String) -> String {
    guard !spec.contains(":") else { return spec }
    let force = spec.hasPrefix("+")
    let name = force ? String(spec.dropFirst()) : spec
    let full = name.hasPrefix("refs/") ? name : "refs/heads/\(name)"
    return (force ? "+" : "") + full + ":" + full
}

/// Calls `body` with a `git_strarray` of `strings`, valid only during the call.
private func withStringArray<Result>(
    _ strings: [String], _ body: (inout git_strarray) throws(GitError) -> Result
) throws(GitError) -> Result {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { (buffer) throws(GitError) -> Result in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}

// MARK: - Classifying transport errors

extension GitError {
    /// True when the remote could not be reached at all: connection refused, no route, name
    /// resolution failed, connection timed out or dropped. False for authentication, certificate,
    /// rejection and repository errors, so callers can say "offline, try later" for exactly
    /// these and keep working locally.
    public var isNetworkUnreachable: Bool {
        switch code {
        case .auth, .certificate, .pushRejected, .nonFastForward, .user, .notFound, .invalidSpec: return false
        default: break
        }
        // libgit2 reports connect and resolve failures with the os or net class, ssh and TLS
        // handshake failures with ssh/ssl; the same classes also carry errors from a server that
        // was reached ("unexpected http status code: 404", "unsupported URL protocol"), so the
        // message decides.
        guard let errorClass, [.net, .os, .ssh, .ssl, .http].contains(errorClass) else { return false }
        let message = (libraryMessage ?? "").lowercased()
        return networkFailureMarkers.contains { message.contains($0) }
    }

    /// True when a server was reached but dropped the connection before or during the exchange
    /// (reset, closed, the ssh handshake cut off): what a busy server does (sshd's MaxStartups, a
    /// proxy's limit), worth another try shortly. A refused connection or an unknown host is not.
    public var isDroppedConnection: Bool {
        guard isNetworkUnreachable else { return false }
        let message = (libraryMessage ?? "").lowercased()
        return droppedConnectionMarkers.contains { message.contains($0) }
    }

    /// True when the server refused the credentials (or none were available).
    public var isAuthenticationFailure: Bool { code == .auth }

    /// True when the server's TLS certificate or SSH host key was not trusted.
    public var isCertificateFailure: Bool { code == .certificate }
}

private let droppedConnectionMarkers = [
    "connection reset", "broken pipe", "unexpected eof", "failed to start ssh session",
]

private let networkFailureMarkers = [
    "failed to connect", "connection refused", "could not resolve", "failed to resolve", "name or service not known",
    "temporary failure in name resolution", "no route to host", "network is unreachable", "timed out",
    "connection reset", "broken pipe", "unexpected eof", "failed to start ssh session", "host is down",
    "could not connect",
]

// MARK: - URLs, base64, PEM

/// `https://alice:s3cret@host/x.git` → `https://host/x.git`. Messages only ever show this form.
func redactedURL(_ url: String) -> String {
    guard let schemeEnd = url.firstRange(of: "://") else { return url }
    let rest = url[schemeEnd.upperBound...]
    let authorityEnd = rest.firstIndex(where: { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" })
        ?? rest.endIndex
    guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
    return String(url[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
}

/// The folder a remote address names on this machine: a path, or a `file://` URL with no host
/// (or `localhost`), percent-decoded as libgit2 does. Nil for network addresses.
func localFolder(of url: String) -> String? {
    if isSCPLikeURL(url) { return nil }
    guard url.contains("://") else { return url }
    guard url.hasPrefix("file://") else { return nil }
    var rest = Substring(url.dropFirst("file://".count))
    if rest.hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
    guard rest.hasPrefix("/") else { return nil }
    return percentDecoded(rest)
}

/// `%20` → space; nil when an escape is malformed.
private func percentDecoded(_ text: Substring) -> String? {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
        guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
        guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
        bytes.append(high << 4 | low)
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}

/// `git@host:path` (scp-like ssh syntax), as opposed to a URL or a local path.
func isSCPLikeURL(_ url: String) -> Bool {
    guard !url.contains("://"), let colon = url.firstIndex(of: ":") else { return false }
    let before = url[..<colon]
    return !before.contains("/") && before.count > 1
}

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

func base64Encoded(_ bytes: [UInt8], padded: Bool = true) -> String {
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        let chunk = bytes[index..<min(index + 3, bytes.count)]
        let b0 = chunk[chunk.startIndex]
        let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
        let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
        out.append(base64Alphabet[Int(b0 >> 2)])
        out.append(base64Alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
        if chunk.count > 1 { out.append(base64Alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)]) } else if padded { out.append(UInt8(ascii: "=")) }
        if chunk.count > 2 { out.append(base64Alphabet[Int(b2 & 0x3f)]) } else if padded { out.append(UInt8(ascii: "=")) }
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}

/// Decodes base64, ignoring whitespace and padding; nil on any other character.
func base64Decoded(_ text: Substring) -> [UInt8]? {
    var values: [UInt8] = []
    for byte in text.utf8 {
        if byte == UInt8(ascii: "=") || byte == 10 || byte == 13 || byte == 32 || byte == 9 { continue }
        guard let value = base64Alphabet.firstIndex(of: byte) else { return nil }
        values.append(UInt8(value))
    }
    var out: [UInt8] = []
    var index = 0
    while index + 1 < values.count {
        out.append(values[index] << 2 | values[index + 1] >> 4)
        if index + 2 < values.count { out.append(values[index + 1] << 4 | values[index + 2] >> 2) }
        if index + 3 < values.count { out.append(values[index + 2] << 6 | values[index + 3]) }
        index += 4
    }
    return out
}

/// The DER bytes of every `CERTIFICATE` block in a PEM file.
func pemCertificates(inFile path: String) throws(GitError) -> [[UInt8]] {
    guard let file = fopen(path, "rb") else {
        throw GitError(
            code: .notFound, operation: "read trusted certificates", subject: path,
            libraryMessage: String(cString: strerror(errno)), errorClass: .os)
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    let text = String(decoding: bytes, as: UTF8.self)
    var certificates: [[UInt8]] = []
    var rest = Substring(text)
    let begin = "-----BEGIN CERTIFICATE-----"
    let end = "-----END CERTIFICATE-----"
    while let start = rest.firstRange(of: begin), let stop = rest[start.upperBound...].firstRange(of: end) {
        if let der = base64Decoded(rest[start.upperBound..<stop.lowerBound]) { certificates.append(der) }
        rest = rest[stop.upperBound...]
    }
    if certificates.isEmpty {
        throw GitError(
            code: .invalid, operation: "read trusted certificates", subject: path,
            libraryMessage: "no PEM certificate found in the file")
    }
    return certificates
}
