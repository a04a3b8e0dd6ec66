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
