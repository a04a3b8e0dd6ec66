import Foundation
import Testing
@testable import GitKit

@Suite struct GitErrorTests {
    /// libgit2's documented error numbers (git2/errors.h) map to the named codes.
    @Test(arguments: [
        (Int32(-1), GitError.Code.generic), (-3, .notFound), (-4, .exists), (-5, .ambiguous), (-9, .unbornBranch),
        (-11, .nonFastForward), (-13, .conflict), (-14, .locked), (-15, .modified), (-16, .auth),
        (-31, .iterationOver), (-34, .indexDirty), (-35, .applyFail), (-36, .owner), (-999, .other(-999)),
    ])
    func codesFollowLibgit2Numbers(raw: Int32, code: GitError.Code) {
        #expect(GitError.Code(rawCode: raw) == code)
    }

    @Test func checkPassesZeroAndPositiveResultsThrough() throws {
        #expect(try check(0, "probe") == 0)
        #expect(try check(7, "probe") == 7)
        let error = #expect(throws: GitError.self) { try check(-3, "probe", subject: "thing") }
        #expect(error?.code == .notFound)
        #expect(error?.operation == "probe")
        #expect(error?.subject == "thing")
    }

    @Test func descriptionSaysWhatWhereAndWhy() {
        let full = GitError(
            code: .notFound, operation: "open repository", subject: "/tmp/x",
            libraryMessage: "could not find repository at '/tmp/x'", function: "open(at:)")
        #expect(full.description == "cannot open repository '/tmp/x': could not find repository at '/tmp/x'")
        #expect(GitError(code: .generic, operation: "list remotes").description == "cannot list remotes")
        #expect(GitError(code: .generic, operation: "x", libraryMessage: "").description == "cannot x")
    }

    @Test func libraryMessageComesFromLibgit2WithoutTrailingNewline() throws {
        let sandbox = try Sandbox()
        let missing = sandbox.path("missing")
        let error = #expect(throws: GitError.self) { try Repository.open(at: missing) }
        let message = try #require(error?.libraryMessage)
        #expect(message.contains(missing))
        #expect(!message.hasSuffix("\n"))
        #expect(error?.function?.isEmpty == false)
    }
}
