import Testing

@testable import ABMCore

@Suite struct YAMLParserTests {
    @Test func keysAndValuesKeepTheirPositions() throws {
        let text = """
            # comment
            accounts:
              acme-corp:
                name: Acme Corp
                tier: 1
            """
        let root = try #require(try YAMLParser.parse(text))
        let accounts = try #require(root["accounts"])
        let entry = try #require(accounts.entries?.first)
        #expect(entry.key == "acme-corp")
        #expect(entry.keyNode.line == 3 && entry.keyNode.column == 3)
        let tier = try #require(entry.value["tier"])
        #expect(tier.line == 5 && tier.column == 11)
        #expect(tier.scalar?.integer == 1)
    }

    @Test func scalarsStayTextUntilTheSchemaReadsThem() throws {
        let root = try #require(try YAMLParser.parse("a: no\nb: 017\nc: '12'\nd: 2026-03-01\n"))
        #expect(root["a"]?.scalar?.text == "no")
        #expect(root["a"]?.scalar?.bool == nil)
        #expect(root["b"]?.scalar?.integer == 17)
        #expect(root["c"]?.scalar?.integer == nil)  // quoted: text, not a number
        #expect(root["d"]?.scalar.map { PlanDate($0.text) } == PlanDate(year: 2026, month: 3, day: 1))
    }

    @Test func duplicateKeysNameTheKeyAndBothLines() {
        let text = "accounts:\n  acme:\n    tier: 1\n    name: A\n    tier: 2\n"
        #expect {
            try YAMLParser.parse(text)
        } throws: { error in
            guard let error = error as? YAMLParseError else { return false }
            return error.rule == "yaml-duplicate-key" && error.message.contains("'tier'")
                && error.message.contains("lines 3 and 5") && error.line == 5
        }
    }

    @Test func aliasBombIsRefusedQuickly() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        let names = "bcdefghijklmnopqrstuvwxyz"
        var previous = "a"
        for name in names {
            text += "\(name): &\(name) [*\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous)]\n"
            previous = String(name)
        }
        #expect {
            try YAMLParser.parse(text)
        } throws: { error in
            (error as? YAMLParseError)?.rule == "yaml-anchor" && (error as? YAMLParseError)?.line == 1
        }
    }

    @Test func tabIndentationPointsAtTheLine() {
        #expect {
            try YAMLParser.parse("a:\n\tb: 1\n")
        } throws: { error in
            (error as? YAMLParseError).map { $0.line == 2 && $0.message.contains("tab") } ?? false
        }
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() throws {
        let root = try #require(try YAMLParser.parse("\u{FEFF}a: 1\r\nb: two\r\n"))
        #expect(root["a"]?.scalar?.integer == 1)
        #expect(root["b"]?.line == 2)
        #expect(root["b"]?.scalar?.text == "two")
    }

    @Test func syntaxErrorsGiveALineAndAHint() {
        #expect {
            try YAMLParser.parse("people:\n  jane:\n    title: VP: Sales\n")
        } throws: { error in
            guard let error = error as? YAMLParseError else { return false }
            return error.line == 3 && error.hint?.contains("quoted") == true
        }
    }

    @Test func binaryAndInvalidUTF8AreRefusedWithAPosition() {
        #expect(throws: PlanText.Problem.self) { try PlanText.decode([0x61, 0x3A, 0x00, 0x0A]) }
        do {
            _ = try PlanText.decode(Array("a: 1\nb: caf".utf8) + [0xE9, 0x0A])
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.rule == "file-encoding")
            #expect(error.line == 2 && error.column == 7)
        }
        #expect((try? PlanText.decode(Array("\u{FEFF}a: 1".utf8))) == "a: 1")
    }
}

extension YAMLParserTests {
    @Test func flowCollectionsAreToldApartFromBlockOnes() throws {
        let root = try #require(try YAMLParser.parse("a: {x: 1}\nb:\n  x: 1\nc: [1, 2]\nd:\n  - 1\ne: { }\n"))
        #expect(root["a"]?.isFlow == true)
        #expect(root["b"]?.isFlow == false)
        #expect(root["c"]?.isFlow == true)
        #expect(root["d"]?.isFlow == false)
        #expect(root["e"]?.isFlow == true)
        #expect(root.isFlow == false)
    }
}

/// The event-driven composer: positions, errors and limits that the former Yams-based reader had.
extension YAMLParserTests {
    @Test func lineOffsetMovesNodesAndErrors() throws {
        let root = try #require(try YAMLParser.parse("a: 1\nb:\n  - x\n", lineOffset: 10))
        #expect(root.line == 11)
        #expect(root["b"]?.line == 13 && root["b"]?.column == 3)
        #expect(root["b"]?.items?.first?.line == 13)
        do {
            _ = try YAMLParser.parse("a: 1\na: 2\n", lineOffset: 4)
            Issue.record("duplicate accepted")
        } catch {
            #expect(error.line == 6 && error.message.contains("lines 5 and 6"))
        }
    }

    @Test func duplicateKeysInLargeMappingsAndQuotedSpellings() {
        var text = ""
        for index in 0..<40 { text += "key\(index): \(index)\n" }
        text += "\"key7\": again\n"
        do {
            _ = try YAMLParser.parse(text)
            Issue.record("duplicate accepted")
        } catch {
            #expect(error.rule == "yaml-duplicate-key")
            #expect(error.message == "duplicate key 'key7' (lines 8 and 41)")
            #expect(error.line == 41 && error.column == 1)
        }
        #expect(throws: YAMLParseError.self) { try YAMLParser.parse("a: 1\nb: 2\na: 3\na: 4\n") }
        do {
            _ = try YAMLParser.parse("a: 1\nb: 2\na: 3\na: 4\n")
        } catch {
            #expect(error.message == "duplicate key 'a' (lines 1 and 3 and 4)" && error.line == 4)
        }
        // The same key in different mappings is fine.
        #expect((try? YAMLParser.parse("x:\n  a: 1\ny:\n  a: 2\n")) != nil)
    }

    @Test func mergeKeysAndAliasesAreRefused() {
        do {
            _ = try YAMLParser.parse("base:\n  a: 1\nother:\n  <<: {a: 2}\n")
            Issue.record("merge key accepted")
        } catch {
            #expect(error.rule == "yaml-anchor" && error.line == 4 && error.column == 3)
        }
        // A quoted "<<" is an ordinary key.
        #expect((try? YAMLParser.parse("'<<': 1\n"))??["<<"]?.scalar?.text == "1")
        do {
            _ = try YAMLParser.parse("a: *nowhere\n")
            Issue.record("undefined alias accepted")
        } catch {
            #expect(error.rule == "yaml-syntax" && error.message == "found undefined alias")
        }
        do {
            _ = try YAMLParser.parse("a: 1\nb: &x\n  c: 2\nd: *x\n")
            Issue.record("anchor accepted")
        } catch {
            #expect(error.rule == "yaml-anchor" && error.line == 2)  // where the anchor is written
        }
    }

    @Test func oneDocumentOnly() {
        #expect((try? YAMLParser.parse("")) == .some(nil))
        #expect((try? YAMLParser.parse("# only a comment\n")) == .some(nil))
        do {
            _ = try YAMLParser.parse("a: 1\n---\nb: 2\n")
            Issue.record("second document accepted")
        } catch {
            #expect(error.line == 2 && error.message.contains("single document"))
        }
    }

    @Test func scalarStylesAndUnicodeColumns() throws {
        let root = try #require(
            try YAMLParser.parse("é: 'single'\nb: \"dou\\tble\"\nc: |\n  lit\n  eral\nd: >\n  fol\n  ded\ne: ~\nf:\n"))
        #expect(root["é"]?.scalar == YAMLScalar("single", style: .singleQuoted))
        #expect(root["é"]?.column == 4)
        #expect(root["b"]?.scalar == YAMLScalar("dou\tble", style: .doubleQuoted))
        #expect(root["c"]?.scalar == YAMLScalar("lit\neral\n", style: .literal))
        #expect(root["d"]?.scalar == YAMLScalar("fol ded\n", style: .folded))
        #expect(root["e"]?.scalar?.isNull == true)
        #expect(root["f"]?.scalar?.isNull == true)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: YAMLParseError.self) { try YAMLParser.parse(text) }
    }

    @Test func controlCharactersPointAtTheirLine() {
        do {
            _ = try YAMLParser.parse("a: 1\nb: x\u{01}y\n")
            Issue.record("control character accepted")
        } catch {
            #expect(error.line == 2 && error.column == 5)
        }
    }
}
