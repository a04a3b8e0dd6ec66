internal import CLibGit2
#if canImport(Glibc)
internal import Glibc
#else
internal import Darwin
#endif

/// The state libgit2's remote callbacks work on during one clone, fetch, push or listing.
/// Passed to the C callbacks through their `payload` (unretained: the caller keeps it alive with
/// `withExtendedLifetime`). Not Sendable and needs not be: libgit2 calls back synchronously on the
/// thread that started the operation. C callbacks cannot throw, so a callback that fails stores
/// the error here, returns a negative code, and `failure` is thrown after the libgit2 call.
final class RemoteCallbackContext {
    let options: RemoteOptions
    /// The remote's URL without user information, for messages.
    let displayURL: String

    /// The first error a callback produced; wins over libgit2's generic message.
    var failure: GitError?
    private var credentialCalls = 0
    private var nextSource = 0
    private(set) var triedMethods: [String] = []
    private(set) var skippedMethods: [String] = []

    private(set) var updatedTips: [ReferenceUpdate] = []
    private(set) var acceptedReferences: [String] = []
    private(set) var rejections: [PushRejection] = []
    private(set) var uploadedBytes = 0
    /// The last lines the server sent on the progress side band (hook output, "remote: …").
    private(set) var serverMessages: [String] = []
    private var partialServerLine = ""

    init(options: RemoteOptions, url: String) {
        self.options = options
        self.displayURL = redactedURL(url)
    }

    /// The callbacks table with every callback GitKit uses, pointing back at `self`.
    func makeCallbacks() throws(GitError) -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        try check(
            git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION)), "prepare remote access")
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, url, usernameFromURL, allowedTypes, payload in
            guard let out, let payload else { return GIT_EUSER.rawValue }
            return RemoteCallbackContext.from(payload).acquireCredential(
                out: out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowedTypes)
        }
        callbacks.certificate_check = { cert, valid, host, payload in
            guard let payload else { return GIT_EUSER.rawValue }
            return RemoteCallbackContext.from(payload).checkCertificate(
                cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        callbacks.transfer_progress = { stats, payload in
            guard let stats, let payload else { return 0 }
            RemoteCallbackContext.from(payload).reportDownload(stats.pointee)
            return 0
        }
        callbacks.push_transfer_progress = { current, total, bytes, payload in
            guard let payload else { return 0 }
            RemoteCallbackContext.from(payload).reportUpload(current: current, total: total, bytes: bytes)
            return 0
        }
        callbacks.update_tips = { refname, old, new, payload in
            guard let refname, let payload else { return 0 }
            RemoteCallbackContext.from(payload).updatedTips.append(
                ReferenceUpdate(
                    name: String(cString: refname), oldTarget: old.flatMap(nonZeroID),
                    newTarget: new.flatMap(nonZeroID)))
            return 0
        }
        callbacks.push_update_reference = { refname, status, payload in
            guard let refname, let payload else { return 0 }
            let context = RemoteCallbackContext.from(payload)
            let name = String(cString: refname)
            if let status {
                context.rejections.append(PushRejection(reference: name, reason: String(cString: status)))
            } else {
                context.acceptedReferences.append(name)
            }
            return 0
        }
        callbacks.sideband_progress = { text, length, payload in
            guard let text, let payload, length > 0 else { return 0 }
            let bytes = UnsafeRawBufferPointer(start: text, count: Int(length))
            RemoteCallbackContext.from(payload).receiveServerText(String(decoding: bytes, as: UTF8.self))
            return 0
        }
        return callbacks
    }

    private static func from(_ payload: UnsafeMutableRawPointer) -> RemoteCallbackContext {
        Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue()
    }

    // MARK: - Credentials

    private func acquireCredential(
        out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?,
        allowed: UInt32
    ) -> Int32 {
        credentialCalls += 1
        if credentialCalls > options.maxCredentialAttempts {
            failure = authenticationFailure(
                reason: "gave up after \(options.maxCredentialAttempts) attempts", libraryMessage: nil)
            return GIT_EAUTH.rawValue
        }
        let sshKeyAllowed = allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0
        let passwordAllowed = allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0

        // An ssh:// URL without a user: libgit2 first asks only for the user name.
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0, !sshKeyAllowed, !passwordAllowed {
            return git_credential_username_new(out, sshUsername(fromURL: usernameFromURL))
        }

        while nextSource < options.credentials.count {
            let source = options.credentials[nextSource]
            nextSource += 1
            switch source {
            case .sshAgent(let username):
                guard sshKeyAllowed else { continue }
                guard environmentValue("SSH_AUTH_SOCK") != nil else {
                    skippedMethods.append("ssh agent (SSH_AUTH_SOCK not set)")
                    continue
                }
                triedMethods.append(source.description)
                return git_credential_ssh_key_from_agent(out, username ?? sshUsername(fromURL: usernameFromURL))
            case .sshKeyFile(let username, let publicKeyPath, let privateKeyPath, let passphrase):
                guard sshKeyAllowed else { continue }
                guard fileExists(privateKeyPath) else {
                    skippedMethods.append("\(source.description) (no such file)")
                    continue
                }
                triedMethods.append(source.description)
                let publicKey = publicKeyPath.flatMap { fileExists($0) ? $0 : nil }
                return git_credential_ssh_key_new(
                    out, username ?? sshUsername(fromURL: usernameFromURL), publicKey, privateKeyPath,
                    passphrase?.value)
            case .userPassword(let username, let password):
                guard passwordAllowed else { continue }
                triedMethods.append(source.description)
                return git_credential_userpass_plaintext_new(out, username, password.value)
            case .environment(let usernameVariable, let tokenVariable):
                guard passwordAllowed else { continue }
                guard let token = environmentValue(tokenVariable) else {
                    skippedMethods.append("\(source.description) (not set)")
                    continue
                }
                triedMethods.append(source.description)
                let username = environmentValue(usernameVariable) ?? usernameFromURL ?? "x-access-token"
                return git_credential_userpass_plaintext_new(out, username, token)
            }
        }
        failure = authenticationFailure(reason: "no credential left to try", libraryMessage: nil)
        return GIT_EAUTH.rawValue
    }

    private func sshUsername(fromURL usernameFromURL: String?) -> String {
        if let usernameFromURL, !usernameFromURL.isEmpty { return usernameFromURL }
        for source in options.credentials {
            switch source {
            case .sshAgent(let username?), .sshKeyFile(let username?, _, _, _): return username
            default: continue
            }
        }
        return environmentValue("USER") ?? "git"
    }

    /// The error for a failed login: which remote, what was tried, and what to do about it.
    func authenticationFailure(reason: String, libraryMessage: String?) -> GitError {
        var parts: [String] = []
        parts.append(triedMethods.isEmpty ? "no credential was offered" : "tried " + triedMethods.joined(separator: ", "))
        if !skippedMethods.isEmpty { parts.append("skipped " + skippedMethods.joined(separator: ", ")) }
        parts.append(reason)
        var message = parts.joined(separator: "; ")
        if let libraryMessage, !libraryMessage.isEmpty { message += " (caused by: \(libraryMessage))" }
        let isSSH = displayURL.hasPrefix("ssh://") || isSCPLikeURL(displayURL)
        let hint =
            isSSH
            ? "make sure the server knows your public key, then load the key into ssh-agent or keep it in ~/.ssh/id_ed25519"
            : "set ABMSYNC_GIT_USERNAME and ABMSYNC_GIT_TOKEN (a token with access to this repository) and try again"
        return GitError(
            code: .auth, operation: "authenticate to", subject: displayURL, libraryMessage: message,
            errorClass: .callback, hint: hint)
    }

    // MARK: - Certificates and host keys

    private func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>?, valid: Bool, host: String) -> Int32 {
        switch options.certificatePolicy {
        case .default:
            return GIT_PASSTHROUGH.rawValue
        case .acceptAny:
            return 0
        case .sshHostKeySHA256(let expected):
            guard let cert, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return GIT_PASSTHROUGH.rawValue }
            let hostKey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
            let want = expected.hasPrefix("SHA256:") ? String(expected.dropFirst("SHA256:".count)) : expected
            var got = "(not offered)"
            if hostKey.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0 {
                got = withUnsafeBytes(of: hostKey.hash_sha256) { base64Encoded(Array($0), padded: false) }
                if got == want.trimmingCharacters("=") { return 0 }
            }
            failure = GitError(
                code: .certificate, operation: "verify the ssh host key of", subject: host,
                libraryMessage: "the server's host key is SHA256:\(got), expected SHA256:\(want)",
                errorClass: .ssh,
                hint: "if the server's key was changed on purpose, update the pinned fingerprint; otherwise do not connect")
            return GIT_ECERTIFICATE.rawValue
        case .trustCertificateFile(let path):
            guard let cert, cert.pointee.cert_type == GIT_CERT_X509 else { return GIT_PASSTHROUGH.rawValue }
            if valid { return 0 }
            let x509 = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_x509.self).pointee
            guard let data = x509.data else { return GIT_PASSTHROUGH.rawValue }
            let presented = Array(UnsafeRawBufferPointer(start: data, count: x509.len))
            let trusted: [[UInt8]]
            do throws(GitError) {
                trusted = try pemCertificates(inFile: path)
            } catch {
                failure = error
                return GIT_ECERTIFICATE.rawValue
            }
            if trusted.contains(presented) { return 0 }
            failure = GitError(
                code: .certificate, operation: "verify the TLS certificate of", subject: host,
                libraryMessage: "the server's certificate is neither trusted by the system nor listed in '\(path)'",
                errorClass: .ssl, hint: "check that you are talking to the right server, or update '\(path)'")
            return GIT_ECERTIFICATE.rawValue
        }
    }

    // MARK: - Progress and results

    private func reportDownload(_ stats: git_indexer_progress) {
        options.progress?(
            TransferProgress(
                direction: .download, totalObjects: Int(stats.total_objects),
                receivedObjects: Int(stats.received_objects), indexedObjects: Int(stats.indexed_objects),
                localObjects: Int(stats.local_objects), totalDeltas: Int(stats.total_deltas),
                indexedDeltas: Int(stats.indexed_deltas), bytes: stats.received_bytes))
    }

    private func reportUpload(current: UInt32, total: UInt32, bytes: Int) {
        uploadedBytes = bytes
        options.progress?(
            TransferProgress(
                direction: .upload, totalObjects: Int(total), receivedObjects: Int(current), bytes: bytes))
    }

    private func receiveServerText(_ text: String) {
        for character in text {
            if character == "\n" || character == "\r" || character == "\r\n" {
                let line = partialServerLine.trimmingTrailingNewlines()
                if !line.isEmpty { serverMessages.append(line) }
                partialServerLine = ""
            } else {
                partialServerLine.append(character)
            }
        }
        if serverMessages.count > 20 { serverMessages.removeFirst(serverMessages.count - 20) }
    }

    // MARK: - Running an operation

    /// Runs a libgit2 network call with this context alive, and turns what went wrong into the
    /// most useful error: a callback's own error first, then an authentication error naming the
    /// methods tried, else libgit2's error with the URL (never its user information) as subject.
    func run(_ operation: String, _ body: () throws(GitError) -> Void) throws(GitError) {
        do {
            try withExtendedLifetime(self) { () throws(GitError) in try body() }
        } catch {
            if let failure { throw failure }
            if error.code == .auth {
                throw authenticationFailure(reason: "the server refused", libraryMessage: error.libraryMessage)
            }
            var translated = error
            translated.operation = operation
            translated.subject = displayURL
            if translated.hint == nil, translated.isNetworkUnreachable {
                translated.hint = "check the network connection and that the remote address is right"
            }
            throw translated
        }
    }
}

private func nonZeroID(_ oid: UnsafePointer<git_oid>) -> ObjectID? {
    let id = ObjectID(oid.pointee)
    return id.isZero ? nil : id
}

extension String {
    fileprivate func trimmingCharacters(_ character: Character) -> String {
        var s = Substring(self)
        while s.last == character { s = s.dropLast() }
        return String(s)
    }
}
