internal import CLibGit2

/// Who made a commit, and when.
public struct Signature: Equatable, Sendable {
    public var name: String
    public var email: String
    /// Seconds since 1970.
    public var time: Int64
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ raw: UnsafePointer<git_signature>) {
        name = raw.pointee.name.map { String(cString: $0) } ?? ""
        email = raw.pointee.email.map { String(cString: $0) } ?? ""
        time = raw.pointee.when.time
        offsetMinutes = raw.pointee.when.offset
    }

    /// Calls `body` with a libgit2 signature built from this value, freed afterwards.
    func withGitSignature<T>(_ body: (UnsafeMutablePointer<git_signature>) throws(GitError) -> T)
        throws(GitError) -> T
    {
        var out: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&out, name, email, time, offsetMinutes), "make signature", subject: email)
        guard let out else { throw GitError(code: .generic, operation: "make signature", subject: email) }
        defer { git_signature_free(out) }
        return try body(out)
    }
}
