import Foundation
import Testing
@testable import GitKit

/// One three-way merge input, merged by LineMerge and by `git merge-file -p` on the same bytes.
struct LineMergeCase: CustomTestStringConvertible, Sendable {
    var name: String
    var base: String
    var ours: String
    var theirs: String
    var style: LineMerge.Style = .merge
    var markerSize = 7
    var expectClean: Bool

    var testDescription: String { name }
}

@Suite struct LineMergeTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    static let lines = "a\nb\nc\nd\ne\nf\ng\n"

    static let cases: [LineMergeCase] = [
        LineMergeCase(
            name: "clean: different lines", base: lines, ours: "a\nB\nc\nd\ne\nf\ng\n", theirs: "a\nb\nc\nd\ne\nF\ng\n",
            expectClean: true),
        LineMergeCase(
            name: "clean: same change on both sides", base: lines, ours: "a\nb\nX\nd\ne\nf\ng\n",
            theirs: "a\nb\nX\nd\ne\nf\ng\n", expectClean: true),
        LineMergeCase(
            name: "clean: only theirs changed", base: lines, ours: lines, theirs: "a\nb\nc\nd\ne\nf\ng\nh\n",
            expectClean: true),
        LineMergeCase(
            name: "conflict: same line", base: lines, ours: "a\nours\nc\nd\ne\nf\ng\n",
            theirs: "a\ntheirs\nc\nd\ne\nf\ng\n", expectClean: false),
        LineMergeCase(
            name: "conflict: adjacent lines", base: lines, ours: "a\nb\nC\nd\ne\nf\ng\n", theirs: "a\nb\nc\nD\ne\nf\ng\n",
            expectClean: false),
        LineMergeCase(
            name: "conflict: two hunks", base: lines, ours: "A1\nb\nc\nd\ne\nf\nG1\n",
            theirs: "A2\nb\nc\nd\ne\nf\nG2\n", expectClean: false),
        LineMergeCase(
            name: "conflict: diff3 style", base: lines, ours: "a\nours\nc\nd\ne\nf\ng\n",
            theirs: "a\ntheirs\nc\nd\ne\nf\ng\n", style: .diff3, expectClean: false),
        LineMergeCase(
            name: "conflict: marker size 10", base: lines, ours: "a\nours\nc\nd\ne\nf\ng\n",
            theirs: "a\ntheirs\nc\nd\ne\nf\ng\n", markerSize: 10, expectClean: false),
        LineMergeCase(name: "empty: all three", base: "", ours: "", theirs: "", expectClean: true),
        LineMergeCase(name: "empty: base, added on one side", base: "", ours: "", theirs: "new\n", expectClean: true),
        LineMergeCase(
            name: "empty: base, added differently on both", base: "", ours: "ours\n", theirs: "theirs\n",
            expectClean: false),
        LineMergeCase(name: "empty: ours deleted everything", base: lines, ours: "", theirs: lines, expectClean: true),
        LineMergeCase(
            name: "no final newline: conflict", base: "a\nb", ours: "a\nours", theirs: "a\ntheirs", expectClean: false),
        LineMergeCase(
            name: "no final newline: clean", base: "a\nb\nc", ours: "A\nb\nc", theirs: "a\nb\nC", expectClean: true),
        LineMergeCase(
            name: "CRLF: clean", base: "a\r\nb\r\nc\r\nd\r\ne\r\n", ours: "A\r\nb\r\nc\r\nd\r\ne\r\n",
            theirs: "a\r\nb\r\nc\r\nd\r\nE\r\n", expectClean: true),
        LineMergeCase(
            name: "CRLF: conflict", base: "a\r\nb\r\nc\r\n", ours: "a\r\nours\r\nc\r\n", theirs: "a\r\ntheirs\r\nc\r\n",
            expectClean: false),
        LineMergeCase(
            name: "UTF-8 text", base: "owner: ann\nstage: lead\n", ours: "owner: Åsa Öberg\nstage: lead\n",
            theirs: "owner: José Müller\nstage: lead\n", expectClean: false),
    ]

    @Test(arguments: cases)
    func matchesGitMergeFileByteForByte(_ input: LineMergeCase) throws {
        let result = try LineMerge.merge(
            base: Array(input.base.utf8), ours: Array(input.ours.utf8), theirs: Array(input.theirs.utf8),
            labels: (base: "base", ours: "ours", theirs: "theirs"), style: input.style, markerSize: input.markerSize)

        try Files.write(sandbox.path("base.txt"), input.base)
        try Files.write(sandbox.path("ours.txt"), input.ours)
        try Files.write(sandbox.path("theirs.txt"), input.theirs)
        var arguments = ["merge-file", "-p", "--marker-size=\(input.markerSize)"]
        if input.style == .diff3 { arguments.append("--diff3") }
        arguments += ["-L", "ours", "-L", "base", "-L", "theirs", "ours.txt", "base.txt", "theirs.txt"]
        let git = try sandbox.git.run(arguments, in: sandbox.root)
        #expect(git.status >= 0 && git.status < 128, "git merge-file failed: \(git.stderr)")

        #expect(result.isClean == input.expectClean)
        #expect(result.isClean == (git.status == 0))
        #expect(
            result.text == git.stdout,
            "LineMerge:\n\(String(decoding: result.text, as: UTF8.self))\ngit merge-file:\n\(git.text)")
    }

    @Test func conflictTextHasMarkersWithLabels() throws {
        let result = try LineMerge.merge(
            base: Array("x\n".utf8), ours: Array("o\n".utf8), theirs: Array("t\n".utf8),
            labels: (base: "BASE", ours: "accounts/acme.md (ours)", theirs: "accounts/acme.md (theirs)"),
            style: .diff3)
        #expect(!result.isClean)
        #expect(String(decoding: result.text, as: UTF8.self) == """
            <<<<<<< accounts/acme.md (ours)
            o
            ||||||| BASE
            x
            =======
            t
            >>>>>>> accounts/acme.md (theirs)

            """)
    }

    @Test func binaryBytesAreKept() throws {
        let base: [UInt8] = [0x61, 0x0A, 0xFF, 0xFE, 0x0A, 0x63, 0x0A]
        var theirs = base
        theirs[0] = 0x41
        let result = try LineMerge.merge(base: base, ours: base, theirs: theirs, labels: ("b", "o", "t"))
        #expect(result.isClean)
        #expect(result.text == theirs)
    }

    @Test(arguments: [0, -1, 70_000])
    func unusableMarkerSizeIsAnErrorNotACrash(size: Int) {
        let error = #expect(throws: GitError.self) {
            try LineMerge.merge(base: [], ours: [], theirs: [], labels: ("b", "o", "t"), markerSize: size)
        }
        #expect(error?.code == .invalid)
    }
}
