#if canImport(Glibc)
internal import Glibc
#else
internal import Darwin
#endif

/// A secret (password, token, key passphrase). It prints as `<redacted>` and shows no children to
/// `dump` or debuggers' mirrors, so it does not leak through string interpolation of an options value.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// How GitKit talks to a remote: which credentials to offer, which certificates to trust, and
/// whom to tell about progress. Plain data; build one per operation or share it.
public struct RemoteOptions: Sendable {
    /// One place a credential may come from. libgit2 asks again after every failed attempt;
    /// GitKit then moves on to the next source that fits what the server accepts.
    public enum CredentialSource: Sendable, Equatable, CustomStringConvertible {
        /// Keys held by a running ssh-agent (`SSH_AUTH_SOCK`). Skipped when no agent is running.
        case sshAgent(username: String?)
        /// A private key file, and optionally its `.pub` (libssh2 can derive it when nil).
        /// Skipped when the private key file does not exist.
        case sshKeyFile(username: String?, publicKeyPath: String?, privateKeyPath: String, passphrase: Secret?)
        /// A user name and password (or token) for HTTP(S) basic authentication.
        case userPassword(username: String, password: Secret)
        /// A user name and token for HTTP(S) read from environment variables when needed.
        /// Skipped when the token variable is unset or empty. Without a user name variable the
        /// user name from the URL is used, else `x-access-token`.
        case environment(usernameVariable: String, tokenVariable: String)

        /// Words for error messages; never contains a secret.
        public var description: String {
            switch self {
            case .sshAgent: return "ssh agent"
            case .sshKeyFile(_, _, let privateKeyPath, _): return "ssh key \(abbreviatingHome(privateKeyPath))"
            case .userPassword(let username, _): return "password for '\(username)'"
            case .environment(_, let tokenVariable): return "token from $\(tokenVariable)"
            }
        }
    }

    /// Which server certificates (HTTPS) or host keys (SSH) to accept.
    public enum CertificatePolicy: Sendable, Equatable {
        /// libgit2's checks: the system CA bundle for HTTPS, `~/.ssh/known_hosts` for SSH.
        case `default`
        /// Accept anything. Only for tests against throw-away local servers.
        case acceptAny
        /// Accept an SSH server only if its host key has this SHA-256 fingerprint, written as
        /// `ssh-keygen -l` prints it (`SHA256:…`, the prefix is optional). HTTPS keeps `.default`.
        case sshHostKeySHA256(String)
        /// Trust an HTTPS server whose certificate is one of the PEM certificates in this file
        /// (pinning, typically a self-signed certificate). Other certificates get the default checks.
        case trustCertificateFile(String)
    }

    /// Credential sources, tried in order. Empty means: offer no credentials (public remotes).
    public var credentials: [CredentialSource]
    /// libgit2 calls the credential callback again after each rejection, without limit; GitKit
    /// gives up after this many calls in one operation.
    public var maxCredentialAttempts: Int
    public var certificatePolicy: CertificatePolicy
    /// Called on the calling thread while objects are received (fetch, clone) or sent (push).
    public var progress: (@Sendable (TransferProgress) -> Void)?

    public init(
        credentials: [CredentialSource] = RemoteOptions.defaultCredentialSources(),
        maxCredentialAttempts: Int = 5,
        certificatePolicy: CertificatePolicy = .default,
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) {
        self.credentials = credentials
        self.maxCredentialAttempts = maxCredentialAttempts
        self.certificatePolicy = certificatePolicy
        self.progress = progress
    }

    /// ssh agent, then `~/.ssh/id_ed25519` and `~/.ssh/id_rsa`, then a token from
    /// `ABMSYNC_GIT_USERNAME` / `ABMSYNC_GIT_TOKEN`. Never git's credential helpers: abmsync runs no
    /// `git` process.
    public static func defaultCredentialSources(home: String? = nil) -> [CredentialSource] {
        let home = home ?? environmentValue("HOME") ?? ""
        var sources: [CredentialSource] = [.sshAgent(username: nil)]
        if !home.isEmpty {
            for name in ["id_ed25519", "id_rsa"] {
                let key = "\(home)/.ssh/\(name)"
                sources.append(
                    .sshKeyFile(username: nil, publicKeyPath: key + ".pub", privateKeyPath: key, passphrase: nil))
            }
        }
        sources.append(.environment(usernameVariable: "ABMSYNC_GIT_USERNAME", tokenVariable: "ABMSYNC_GIT_TOKEN"))
        return sources
    }
}

/// How far a transfer got. For a fetch or clone the object counts come from the indexer; for a
/// push, `receivedObjects` counts objects sent and `totalObjects` those to send.
public struct TransferProgress: Equatable, Sendable {
    public enum Direction: Equatable, Sendable { case download, upload }
    public var direction: Direction
    public var totalObjects: Int
    public var receivedObjects: Int
    public var indexedObjects: Int
    public var localObjects: Int
    public var totalDeltas: Int
    public var indexedDeltas: Int
    /// Bytes received (download) or sent (upload) so far.
    public var bytes: Int

    public init(
        direction: Direction, totalObjects: Int, receivedObjects: Int, indexedObjects: Int = 0,
        localObjects: Int = 0, totalDeltas: Int = 0, indexedDeltas: Int = 0, bytes: Int
    ) {
        self.direction = direction
        self.totalObjects = totalObjects
        self.receivedObjects = receivedObjects
        self.indexedObjects = indexedObjects
        self.localObjects = localObjects
        self.totalDeltas = totalDeltas
        self.indexedDeltas = indexedDeltas
        self.bytes = bytes
    }
}

func environmentValue(_ name: String) -> String? {
    guard let raw = getenv(name) else { return nil }
    let value = String(cString: raw)
    return value.isEmpty ? nil : value
}

func fileExists(_ path: String) -> Bool {
    access(path, F_OK) == 0
}

/// `/root/.ssh/id_rsa` → `~/.ssh/id_rsa` when HOME is `/root`, for shorter messages.
func abbreviatingHome(_ path: String) -> String {
    guard let home = environmentValue("HOME"), home != "/", path.hasPrefix(home + "/") else { return path }
    return "~" + path.dropFirst(home.count)
}
