internal import CLibGit2

/// A failed libgit2 call, turned into a value that says what failed, on what, and why.
public struct GitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The libgit2 error code, named.
    public enum Code: Equatable, Sendable {
        case generic
        case notFound
        case exists
        case ambiguous
        case bufferTooShort
        case user
        case bareRepository
        case unbornBranch
        case unmerged
        case nonFastForward
        case invalidSpec
        case conflict
        case locked
        case modified
        case auth
        case certificate
        case applied
        case peel
        case endOfFile
        case invalid
        case uncommitted
        case directory
        case mergeConflict
        case passthrough
        case iterationOver
        case retry
        case mismatch
        case indexDirty
        case applyFail
        case owner
        case other(Int32)

        init(rawCode: Int32) {
            switch rawCode {
            case GIT_ENOTFOUND.rawValue: self = .notFound
            case GIT_EEXISTS.rawValue: self = .exists
            case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
            case GIT_EBUFS.rawValue: self = .bufferTooShort
            case GIT_EUSER.rawValue: self = .user
            case GIT_EBAREREPO.rawValue: self = .bareRepository
            case GIT_EUNBORNBRANCH.rawValue: self = .unbornBranch
            case GIT_EUNMERGED.rawValue: self = .unmerged
            case GIT_ENONFASTFORWARD.rawValue: self = .nonFastForward
            case GIT_EINVALIDSPEC.rawValue: self = .invalidSpec
            case GIT_ECONFLICT.rawValue: self = .conflict
            case GIT_ELOCKED.rawValue: self = .locked
            case GIT_EMODIFIED.rawValue: self = .modified
            case GIT_EAUTH.rawValue: self = .auth
            case GIT_ECERTIFICATE.rawValue: self = .certificate
            case GIT_EAPPLIED.rawValue: self = .applied
            case GIT_EPEEL.rawValue: self = .peel
            case GIT_EEOF.rawValue: self = .endOfFile
            case GIT_EINVALID.rawValue: self = .invalid
            case GIT_EUNCOMMITTED.rawValue: self = .uncommitted
            case GIT_EDIRECTORY.rawValue: self = .directory
            case GIT_EMERGECONFLICT.rawValue: self = .mergeConflict
            case GIT_PASSTHROUGH.rawValue: self = .passthrough
            case GIT_ITEROVER.rawValue: self = .iterationOver
            case GIT_RETRY.rawValue: self = .retry
            case GIT_EMISMATCH.rawValue: self = .mismatch
            case GIT_EINDEXDIRTY.rawValue: self = .indexDirty
            case GIT_EAPPLYFAIL.rawValue: self = .applyFail
            case GIT_EOWNER.rawValue: self = .owner
            case GIT_ERROR.rawValue: self = .generic
            default: self = .other(rawCode)
            }
        }
    }

    public var code: Code
    /// What abmsync was doing, in words ("open repository").
    public var operation: String
    /// What it was done to (a path, a ref, a URL), if anything.
    public var subject: String?
    /// libgit2's own message, if it left one.
    public var libraryMessage: String?
    /// The C function that failed, for debugging only.
    public var function: String?

    public init(
        code: Code, operation: String, subject: String? = nil, libraryMessage: String? = nil,
        function: String? = nil
    ) {
        self.code = code
        self.operation = operation
        self.subject = subject
        self.libraryMessage = libraryMessage
        self.function = function
    }

    public var description: String {
        var text = "cannot \(operation)"
        if let subject { text += " '\(subject)'" }
        if let libraryMessage, !libraryMessage.isEmpty { text += ": \(libraryMessage)" }
        return text
    }
}

/// The one checker every libgit2 call goes through. libgit2 reports failure as a negative
/// return value; zero and positive values are results and are passed back.
@discardableResult
func check(
    _ result: Int32, _ operation: @autoclosure () -> String, subject: @autoclosure () -> String? = nil,
    function: StaticString = #function
) throws(GitError) -> Int32 {
    guard result < 0 else { return result }
    // Read the thread-local error straight away: any later libgit2 call may replace it.
    var message: String?
    if let last = git_error_last(), let cMessage = last.pointee.message {
        message = String(cString: cMessage).trimmingTrailingNewlines()
    }
    git_error_clear()
    throw GitError(
        code: GitError.Code(rawCode: result), operation: operation(), subject: subject(),
        libraryMessage: message, function: "\(function)")
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
