import ABMCore
import Testing

/// Finding and settling the conflict blocks a merge leaves in a file.
@Suite struct ConflictBlocksTests {
    static let conflicted = """
        accounts:
          acme-corp:
            name: Acme Corp
            acv: 500000
        <<<<<<< ours — Acme Corp · stage (both changed)
            stage: negotiation
        =======
            stage: lost
        >>>>>>> theirs — Acme Corp · stage
          globex:
            name: Globex
        <<<<<<< ours — Globex · program (both changed)
            program: apac
        ||||||| base — Globex · program
            program: mid-market-na
        =======
            program: emea
        >>>>>>> theirs — Globex · program

        """

    @Test func findsAbmsyncBlocksWithSubjectSidesAndDiff3Base() throws {
        let blocks = try ConflictBlocks.find(in: Self.conflicted)
        #expect(blocks.count == 2)
        let stage = blocks[0]
        #expect(stage.lines == 5..<10)
        #expect(stage.subject == "Acme Corp · stage")
        #expect(stage.collision == "both changed")
        #expect(stage.ours == "    stage: negotiation\n")
        #expect(stage.theirs == "    stage: lost\n")
        #expect(stage.base == nil)
        #expect(stage.shortValue(.ours) == "negotiation" && stage.shortValue(.theirs) == "lost")
        #expect(stage.concerns("Acme Corp") && !stage.concerns("Acme"))
        let program = blocks[1]
        #expect(program.line == 12)
        #expect(program.base == "    program: mid-market-na\n")
        #expect(program.shortBase() == "mid-market-na")
    }

    @Test func settlesEitherSideAndKeepsEverythingElse() throws {
        let theirs = try ConflictBlocks.settle(Self.conflicted) { $0.concerns("Acme Corp") ? .theirs : nil }
        #expect(theirs.settled.map(\.kept) == [.theirs])
        #expect(theirs.text.contains("    acv: 500000\n    stage: lost\n  globex:\n"))
        #expect(theirs.text.contains("<<<<<<< ours — Globex · program (both changed)\n"))
        #expect(try ConflictBlocks.find(in: theirs.text).count == 1)

        let ours = try ConflictBlocks.allSettled(Self.conflicted, to: .ours)
        #expect(ours == """
            accounts:
              acme-corp:
                name: Acme Corp
                acv: 500000
                stage: negotiation
              globex:
                name: Globex
                program: apac

            """)
        #expect(ConflictBlocks.readingProblem(path: "accounts.yaml", text: ours) == nil)
    }

    @Test func keepsCRLFAndSettlesDeletions() throws {
        let text = "a: 1\r\n<<<<<<< ours — x · b (changed in ours, deleted in theirs)\r\nb: 2\r\n=======\r\n>>>>>>> theirs — x · b\r\nc: 3\r\n"
        let blocks = try ConflictBlocks.find(in: text)
        #expect(blocks.count == 1)
        #expect(blocks[0].subject == "x · b")
        #expect(blocks[0].collision == "changed in ours, deleted in theirs")
        #expect(blocks[0].ours == "b: 2\r\n" && blocks[0].theirs.isEmpty)
        #expect(blocks[0].shortValue(.ours) == "2" && blocks[0].shortValue(.theirs) == "(deleted)")
        #expect(try ConflictBlocks.allSettled(text, to: .ours) == "a: 1\r\nb: 2\r\nc: 3\r\n")
        #expect(try ConflictBlocks.allSettled(text, to: .theirs) == "a: 1\r\nc: 3\r\n")
    }

    @Test func readsPlainGitMarkersWithoutASubject() throws {
        let text = "one\n<<<<<<< HEAD\ntwo\n=======\n2\n>>>>>>> feature\nthree"
        let blocks = try ConflictBlocks.find(in: text)
        #expect(blocks.count == 1)
        #expect(blocks[0].subject == nil && blocks[0].label == "HEAD")
        #expect(blocks[0].collisionDescription == "both changed")
        #expect(try ConflictBlocks.allSettled(text, to: .theirs) == "one\n2\nthree")
    }

    @Test func aLoneSeparatorIsMarkdownNotAMarker() throws {
        let text = "Title\n=======\n\nBody\n"
        #expect(try ConflictBlocks.find(in: text).isEmpty)
        #expect(try ConflictBlocks.settle(text) { _ in .ours }.text == text)
    }

    @Test(arguments: [
        ("a\n<<<<<<< ours — x\nb\n<<<<<<< ours — y\nc\n=======\nd\n>>>>>>> theirs\n=======\n>>>>>>> theirs\n", 4, "nested"),
        ("a\n<<<<<<< ours — x\nb\n=======\nc\n", 2, "never closed"),
        ("a\n<<<<<<< ours — x\nb\n>>>>>>> theirs — x\n", 4, "without a '======='"),
        ("a\n>>>>>>> theirs — x\n", 2, "without the '<<<<<<<'"),
        ("<<<<<<< ours — x\nb\n=======\nc\n=======\nd\n>>>>>>> theirs — x\n", 5, "a second '======='"),
        ("<<<<<<< ours — x\nb\n=======\nc\n||||||| base\n>>>>>>> theirs — x\n", 5, "out of place"),
    ])
    func refusesMarkersItCannotSettleSafely(text: String, line: Int, message: String) {
        #expect {
            _ = try ConflictBlocks.settle(text) { _ in .ours }
        } throws: { error in
            guard let error = error as? ConflictBlockError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test func mergeMarkersRoundTrip() throws {
        // What the structured merge writes is what resolve reads, for every conflict it reports.
        let base = "accounts:\n  acme:\n    name: Acme\n    stage: target\n    tier: 2\n"
        let ours = "accounts:\n  acme:\n    name: Acme\n    stage: engaged\n    tier: 1\n"
        let theirs = "accounts:\n  acme:\n    name: Acme\n    stage: lost\n    tier: 3\n"
        let outcome = merge("accounts.yaml", base: base, ours: ours, theirs: theirs)
        let blocks = try ConflictBlocks.find(in: outcome.text)
        #expect(blocks.map(\.subject) == outcome.conflicts.map(\.subject))
        #expect(blocks.map(\.line) == outcome.conflicts.map(\.line))
        #expect(blocks.allSatisfy { $0.concerns("Acme") })
        #expect(try ConflictBlocks.allSettled(outcome.text, to: .ours) == ours)
        #expect(try ConflictBlocks.allSettled(outcome.text, to: .theirs) == theirs)
    }

    @Test func findsAccountNamesInAConflictedList() {
        let names = ConflictBlocks.accountNames(
            inAccountList: """
                accounts:
                  acme-corp:
                <<<<<<< ours — Acme Corp · name (both changed)
                    name: Acme Corp
                =======
                    name: ACME Corporation
                >>>>>>> theirs — Acme Corp · name
                  initech:
                    tier: 3

                """)
        #expect(names["acme-corp"] == ["Acme Corp", "ACME Corporation"])
        #expect(names["initech"] == ["initech"])
    }

    @Test func readingProblemPointsAtTheLine() {
        #expect(ConflictBlocks.readingProblem(path: "accounts.yaml", text: "accounts:\n  a:\n    tier: 1\n    tier: 2\n")?.line == 4)
        #expect(ConflictBlocks.readingProblem(path: "accounts/acme.md", text: "---\naccount: acme\n# no fence\n")?.line == 1)
        #expect(ConflictBlocks.readingProblem(path: "accounts/acme.md", text: "---\naccount: [acme\n---\n# Acme\n") != nil)
        #expect(ConflictBlocks.readingProblem(path: "README.md", text: "anything: [\n") == nil)
    }
}
