import ABMCore
import Foundation
import GitKit

/// Why abmsync itself could not do what was asked (as opposed to findings or conflicts, which are
/// results). Each case says what, where, why, and how to fix.
public enum AbmsyncError: Error, Sendable {
    case notAPlanRepository(path: String)
    case notAGitRepository(path: String)
    case io(path: String, action: String, reason: String)
    case git(GitError, hint: String?)
    case invalidArgument(String, hint: String?)
    case alreadyExists(what: String, location: SourceLocation?, hint: String?)
    case notFound(what: String, hint: String?)
    case identityMissing(hint: String)
    case editFailed(file: String, reason: String, hint: String?)
    /// Conflict blocks in `file` cannot be settled as asked (malformed markers, or a result that would not read).
    case cannotResolve(file: String, line: Int, reason: String, hint: String?)
    /// The plans have errors, so abmsync will not record or send them.
    case validationFailed([Finding])
    /// Commits waiting to be sent make changes their authors may not make (`permissions:`, judged as
    /// `abmsync verify` does): nothing was sent, the commits stay here.
    case changesRefused([VerifyReport.Judged])
    /// Conflicts from a merge are still marked in the files, so abmsync will not record or send them.
    case conflictsOpen(String, hint: String)
    /// `new` did not add `what`: validate would reject the result with these errors; nothing was written.
    case newRejected(what: String, findings: [Finding])

    /// True when abmsync did its job and the plans need the person's attention (exit code 1):
    /// errors in the plans, or conflicts to settle. Everything else is abmsync failing (exit code 2).
    public var plansNeedAttention: Bool {
        switch self {
        case .validationFailed, .changesRefused, .conflictsOpen, .newRejected: return true
        default: return false
        }
    }
    /// A path abmsync would read or write is a link, or would leave the repository (`RepositoryPath`).
    case unsafePath(path: String, problem: RepositoryPath.Problem)
    /// Teammates' changes that abmsync will not take into the working tree or merge (a link where a
    /// plan file or folder belongs, bytes that are not text): nothing was changed or sent.
    case refusedIncoming(file: String, location: SourceLocation?, reason: String, hint: String)

    /// `error: <what failed>: <why>` plus optional `  --> where`, `  hint: how to fix` and `  caused by:` lines.
    public var rendered: String {
        var lines: [String] = []
        switch self {
        case .notAPlanRepository(let path):
            lines.append("error: '\(path)' is not an abmsync plan repository (no abmsync.yaml found)")
            lines.append("  hint: run 'abmsync init' to create one, or 'abmsync clone URL' to get your team's")
        case .notAGitRepository(let path):
            lines.append("error: '\(path)' is not inside a git repository")
            lines.append("  hint: run 'abmsync init' here, or cd into your plan repository")
        case .io(let path, let action, let reason):
            lines.append("error: cannot \(action) '\(path)': \(reason)")
        case .git(let error, let hint):
            lines.append("error: \(error.description)")
            if let hint { lines.append("  hint: \(hint)") }
        case .invalidArgument(let message, let hint):
            lines.append("error: \(message)")
            if let hint { lines.append("  hint: \(hint)") }
        case .conflictsOpen(let message, let hint):
            lines.append("error: \(message)")
            lines.append("  hint: \(hint)")
        case .alreadyExists(let what, let location, let hint):
            lines.append("error: \(what) already exists")
            if let location { lines.append("  --> \(location)") }
            if let hint { lines.append("  hint: \(hint)") }
        case .notFound(let what, let hint):
            lines.append("error: \(what) not found")
            if let hint { lines.append("  hint: \(hint)") }
        case .identityMissing(let hint):
            lines.append("error: your git identity is not set, so abmsync cannot record who made the changes")
            lines.append("  hint: \(hint)")
        case .validationFailed(let findings):
            lines.append("error: the plans have \(findings.count.counted("error")); nothing was recorded or sent")
            for finding in findings.prefix(20) { lines.append("  " + finding.formatted) }
            if findings.count > 20 { lines.append("  … and \(findings.count - 20) more (abmsync validate lists them all)") }
            lines.append("  hint: fix them (abmsync validate shows each with how to fix), then try again")
        case .changesRefused(let commits):
            let findings = commits.reduce(0) { $0 + $1.findings.count }
            lines.append(
                "error: \(commits.count == 1 ? "a commit" : "\(commits.count) commits") waiting to be sent "
                    + "\(commits.count == 1 ? "makes" : "make") \(findings == 1 ? "a change" : "changes") "
                    + "\(commits.count == 1 ? "its author" : "their authors") may not make; nothing was sent")
            for judged in commits.prefix(10) {
                lines.append(DisplayText.escaped("  \(judged.short) \(judged.authorName) <\(judged.authorEmail)>: \(judged.summary)"))
                for finding in judged.findings.prefix(10) { lines.append("    " + finding.formatted) }
                if judged.findings.count > 10 { lines.append("    … and \(judged.findings.count - 10) more") }
            }
            if commits.count > 10 { lines.append("  … and \(commits.count - 10) more commits (abmsync verify lists them all)") }
            lines.append(
                "  hint: your edits are kept in these commits on this computer; ask the people named above to make "
                    + "the change (or to approve a pull request), or take the commits back into your files with "
                    + "'git reset @{upstream}', undo the change and send again")
        case .newRejected(let what, let findings):
            lines.append("error: \(what) was not added: validate would reject it; nothing was written")
            for finding in findings.prefix(20) { lines.append("  " + finding.formatted) }
            if findings.count > 20 { lines.append("  … and \(findings.count - 20) more") }
            lines.append("  hint: change the command (or fix what the files say), then run it again")
        case .cannotResolve(let file, let line, let reason, let hint):
            lines.append("error: cannot resolve the conflicts in '\(file)': \(reason)")
            lines.append("  --> \(file):\(line)")
            if let hint { lines.append("  hint: \(hint)") }
        case .unsafePath(let path, let problem):
            lines.append("error: abmsync will not read or write '\(path)': \(problem.reason)")
            lines.append("  hint: \(problem.hint)")
        case .refusedIncoming(let file, let location, let reason, let hint):
            lines.append("error: teammates' changes to '\(file)' were not taken: \(reason)")
            if let location { lines.append("  --> \(location)") }
            lines.append("  hint: \(hint)")
        case .editFailed(let file, let reason, let hint):
            lines.append("error: cannot edit '\(file)': \(reason)")
            if let hint { lines.append("  hint: \(hint)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension AbmsyncError {
    static func git(_ error: GitError) -> AbmsyncError { .git(error, hint: nil) }

    /// Any error from a block that mixes abmsync and git calls, as an AbmsyncError.
    static func from(_ error: any Error) -> AbmsyncError {
        if let error = error as? AbmsyncError { return error }
        if let error = error as? GitError { return .git(error) }
        return .invalidArgument(plainWords(error), hint: nil)
    }

    /// An error that is neither abmsync's nor git's, in words for a person: Foundation's own
    /// description of a file system error, never Swift's dump of the value (`"\(error)"`).
    static func plainWords(_ error: any Error) -> String {
        if let error = error as? AbmsyncError {
            return error.rendered.split(separator: "\n").first.map { String($0.dropFirst("error: ".count)) } ?? ""
        }
        if let error = error as? GitError { return error.description }
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain {
            if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
                let code = POSIXErrorCode(rawValue: Int32(underlying.code))
            {
                return String(cString: strerror(code.rawValue))
            }
            return nsError.localizedDescription
        }
        return "an unexpected error (\(type(of: error)))"
    }
}
