import Testing

@testable import ABMCore

/// Every abmsync write must leave the lines it is not about byte for byte as people wrote them.
@Suite struct YAMLEditorTests {
    /// A hand-written account list: comments everywhere, odd spacing, quoted values, a block scalar,
    /// a flow list and no newline at the end.
    static let handWritten = """
        # THE shared list — edited by hand, keep the comments!
        accounts:

          # --- strategic ---
          acme-corp:    # our biggest
            name:   "Acme Corp"      # legal name
            tier: 1
            ae: jane
            notes: |
              line one
                indented line two
            tags: [ a, b ]

          globex:
            name: Globex   
            tier: 2
            stage: engaged # since Q3
        # trailing comment
        """

    @Test func appendingAnAccountKeepsEveryOtherByte() throws {
        var editor = YAMLEditor(Self.handWritten)
        try editor.appendEntry(
            at: ["accounts"], key: "initech", fields: [("name", .string("Initech")), ("tier", .integer(3))])
        let before = TextLines(Self.handWritten).lines.map(String.init)
        let after = TextLines(editor.text).lines.map(String.init)
        // The new entry is inserted after globex's last field, before the trailing comment.
        #expect(after.count == before.count + 3)
        let insertedAt = after.firstIndex(of: "  initech:\n")
        #expect(insertedAt == 17)
        #expect(after[18] == "    name: Initech\n")
        #expect(after[19] == "    tier: 3\n")
        // Every original line is still there, in order, unchanged (the last one gained its newline only if needed).
        var remaining = after
        remaining.removeSubrange(17..<20)
        #expect(remaining == before)
        let reparsed = try #require(try YAMLParser.parse(editor.text))
        #expect(reparsed["accounts"]?["initech"]?["tier"]?.scalar?.integer == 3)
        #expect(reparsed["accounts"]?["acme-corp"]?["notes"]?.scalar?.text == "line one\n  indented line two\n")
    }

    @Test func settingAFieldChangesOnlyItsLineAndKeepsItsComment() throws {
        var editor = YAMLEditor(Self.handWritten)
        try editor.setField(at: ["accounts", "globex"], field: "stage", to: .string("opportunity"))
        let before = TextLines(Self.handWritten).lines
        let after = TextLines(editor.text).lines
        #expect(before.count == after.count)
        let changed = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(changed == [16])
        #expect(after[16] == "    stage: opportunity # since Q3\n")
    }

    @Test func addingAMissingFieldGoesAfterTheEntrysLastField() throws {
        var editor = YAMLEditor(Self.handWritten)
        try editor.setField(at: ["accounts", "acme-corp"], field: "stage", to: .string("evaluation"))
        let after = TextLines(editor.text).lines
        #expect(after[12] == "    stage: evaluation\n")
        #expect(after[13] == "\n")
        let root = try #require(try YAMLParser.parse(editor.text))
        #expect(root["accounts"]?["acme-corp"]?["stage"]?.scalar?.text == "evaluation")
        #expect(root["accounts"]?["acme-corp"]?["tags"]?.items?.count == 2)
    }

    @Test func anEmptyFlowMappingBecomesABlock() throws {
        var editor = YAMLEditor("# list\naccounts: {}   # none yet\n")
        try editor.appendEntry(at: ["accounts"], key: "acme-corp", fields: [("tier", .integer(1))])
        #expect(editor.text == "# list\naccounts: # none yet\n  acme-corp:\n    tier: 1\n")
    }

    @Test func crlfFilesStayCRLF() throws {
        var editor = YAMLEditor("accounts:\r\n  a:\r\n    tier: 1\r\n")
        try editor.appendEntry(at: ["accounts"], key: "b", fields: [("tier", .integer(2))])
        #expect(editor.text == "accounts:\r\n  a:\r\n    tier: 1\r\n  b:\r\n    tier: 2\r\n")
    }

    @Test func valuesThatWouldChangeMeaningAreQuoted() {
        #expect(YAMLScalarWriter.render("no") == "\"no\"")
        #expect(YAMLScalarWriter.render("017") == "\"017\"")
        #expect(YAMLScalarWriter.render("VP: Sales") == "\"VP: Sales\"")
        #expect(YAMLScalarWriter.render("Acme Corp") == "Acme Corp")
        #expect(YAMLScalarWriter.render("# hash") == "\"# hash\"")
    }

    @Test func removingAnEntryTakesItsLeadingComment() throws {
        var editor = YAMLEditor(Self.handWritten)
        try editor.removeEntry(at: ["accounts"], key: "acme-corp")
        #expect(!editor.text.contains("strategic"))
        #expect(!editor.text.contains("acme-corp"))
        #expect(editor.text.hasPrefix("# THE shared list — edited by hand, keep the comments!\naccounts:\n\n  globex:"))
    }

    @Test func existingKeysAreNotAddedTwice() {
        var editor = YAMLEditor(Self.handWritten)
        #expect(throws: YAMLEditor.EditError.self) {
            try editor.appendEntry(at: ["accounts"], key: "globex", fields: [])
        }
        #expect(editor.text == Self.handWritten)
    }
}
