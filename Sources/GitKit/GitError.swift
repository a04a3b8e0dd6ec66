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
        /// The server refused to update one or more references during a push (a hook declined,
        /// a protected branch, …). libgit2 itself reports success in that case; GitKit does not.
        case pushRejected
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
    /// The GitKit function whose libgit2 call failed (its `#function`, not the C name), for debugging only.
    public var function: String?
    /// The area libgit2 says the error came from (network, ssh, os, …), when it said.
    public var errorClass: ErrorClass?
    /// How the user may fix it, when GitKit knows ("check ABMSYNC_GIT_TOKEN").
    public var hint: String?
    /// For `.pushRejected`: each reference the server refused, with its reason.
    public var rejectedReferences: [PushRejection]

    public init(
        code: Code, operation: String, subject: String? = nil, libraryMessage: String? = nil,
        function: String? = nil, errorClass: ErrorClass? = nil, hint: String? = nil,
        rejectedReferences: [PushRejection] = []
    ) {
        self.code = code
        self.operation = operation
        self.subject = subject
        self.libraryMessage = libraryMessage
        self.function = function
        self.errorClass = errorClass
        self.hint = hint
        self.rejectedReferences = rejectedReferences
    }

    /// One line: what failed, on what, and why. The hint is kept apart (see `hint`).
    public var description: String {
        var text = "cannot \(operation)"
        if let subject { text += " '\(subject)'" }
        if let libraryMessage, !libraryMessage.isEmpty { text += ": \(libraryMessage)" }
        return text
    }
}

extension GitError {
    /// The libgit2 error class (`git_error_t`): which part of libgit2 reported the error.
    public enum ErrorClass: Equatable, Sendable {
        case none, noMemory, os, invalid, reference, zlib, repository, config, regex, odb, index, object
        case net, tag, tree, indexer, ssl, submodule, thread, stash, checkout, fetchHead, merge, ssh
        case filter, revert, callback, cherrypick, describe, rebase, filesystem, patch, worktree, sha
        case http, `internal`
        case other(Int32)

        init(rawClass: Int32) {
            switch UInt32(bitPattern: rawClass) {
            case GIT_ERROR_NONE.rawValue: self = .none
            case GIT_ERROR_NOMEMORY.rawValue: self = .noMemory
            case GIT_ERROR_OS.rawValue: self = .os
            case GIT_ERROR_INVALID.rawValue: self = .invalid
            case GIT_ERROR_REFERENCE.rawValue: self = .reference
            case GIT_ERROR_ZLIB.rawValue: self = .zlib
            case GIT_ERROR_REPOSITORY.rawValue: self = .repository
            case GIT_ERROR_CONFIG.rawValue: self = .config
            case GIT_ERROR_REGEX.rawValue: self = .regex
            case GIT_ERROR_ODB.rawValue: self = .odb
            case GIT_ERROR_INDEX.rawValue: self = .index
            case GIT_ERROR_OBJECT.rawValue: self = .object
            case GIT_ERROR_NET.rawValue: self = .net
            case GIT_ERROR_TAG.rawValue: self = .tag
            case GIT_ERROR_TREE.rawValue: self = .tree
            case GIT_ERROR_INDEXER.rawValue: self = .indexer
            case GIT_ERROR_SSL.rawValue: self = .ssl
            case GIT_ERROR_SUBMODULE.rawValue: self = .submodule
            case GIT_ERROR_THREAD.rawValue: self = .thread
            case GIT_ERROR_STASH.rawValue: self = .stash
            case GIT_ERROR_CHECKOUT.rawValue: self = .checkout
            case GIT_ERROR_FETCHHEAD.rawValue: self = .fetchHead
            case GIT_ERROR_MERGE.rawValue: self = .merge
            case GIT_ERROR_SSH.rawValue: self = .ssh
            case GIT_ERROR_FILTER.rawValue: self = .filter
            case GIT_ERROR_REVERT.rawValue: self = .revert
            case GIT_ERROR_CALLBACK.rawValue: self = .callback
            case GIT_ERROR_CHERRYPICK.rawValue: self = .cherrypick
            case GIT_ERROR_DESCRIBE.rawValue: self = .describe
            case GIT_ERROR_REBASE.rawValue: self = .rebase
            case GIT_ERROR_FILESYSTEM.rawValue: self = .filesystem
            case GIT_ERROR_PATCH.rawValue: self = .patch
            case GIT_ERROR_WORKTREE.rawValue: self = .worktree
            case GIT_ERROR_SHA.rawValue: self = .sha
            case GIT_ERROR_HTTP.rawValue: self = .http
            case GIT_ERROR_INTERNAL.rawValue: self = .internal
            default: self = .other(rawClass)
            }
        }
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
    var errorClass: GitError.ErrorClass?
    if let last = git_error_last() {
        if let cMessage = last.pointee.message {
            message = String(cString: cMessage).trimmingTrailingNewlines()
        }
        errorClass = GitError.ErrorClass(rawClass: last.pointee.klass)
    }
    git_error_clear()
    throw GitError(
        code: GitError.Code(rawCode: result), operation: operation(), subject: subject(),
        libraryMessage: message, function: "\(function)", errorClass: errorClass)
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
