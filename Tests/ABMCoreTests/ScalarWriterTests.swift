@testable import ABMCore
import Foundation
import PropertyBased
import Testing
import Yams

/// Every string abmsync writes into YAML or JSON reads back as itself: YAML through Yams (its
/// default YAML 1.1 resolver, so `no`, `017`, `2026-01-01` or `.inf` written plain would come back
/// as a bool, a number or a date) and through abmsync's own parser, JSON through Foundation.
@Suite struct ScalarWriterTests {
    /// Pieces random strings are made of: the characters and words that trip a YAML or JSON writer.
    static let pieces: [String] = [
        "a", "Acme", "Zürich", "東京", "🙂", " ", "  ", "\t", "\n", "\r", "\r\n", "\u{0}", "\u{1}", "\u{7}", "\u{1B}",
        "\u{1F}", "\u{7F}", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFE}", "\"", "'",
        "\\", ":", ": ", " :", "#", " #", "# ", "-", "- ", "?", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">",
        "%", "@", "`", "~", "=", "<<", "yes", "no", "No", "ON", "off", "y", "n", "null", "Null", "true", "False", "0",
        "017", "1", "-1", "+1", "1.5", "1e3", ".inf", "-.inf", ".NaN", "0x1F", "0o17", "0b101", "1_000",
        "190:20:30", "2026-01-15", "2026-1-5", "2026-01-15T10:00:00Z", "---", "...", "VP: Sales",
    ]

    static func string(seed: Int) -> String {
        var generator = PlanCorpus.Random(state: UInt64(seed))
        let count = Int(generator.next() % 6)
        var text = ""
        for _ in 0..<count { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
        return text
    }

    /// The strings the property runs on: every piece alone, then random concatenations.
    static let fixed: [String] = [""] + pieces

    // MARK: - The writers under test

    static func yamlBlock(_ text: String) -> String { YAMLScalarWriter.render(text) }
    static func yamlFlow(_ text: String) -> String { YAMLScalarWriter.render(text, in: .flow) }
    /// What a merge writes for a list item that was quoted (the merge keeps a quoted item quoted).
    static func mergedQuotedItem(_ text: String) -> String { YAMLMerger.render(YAMLScalar(text, style: .doubleQuoted)) }
    static func json(_ text: String) -> String { JSONText.quoted(text) }

    /// A list item that was plain stays plain when abmsync's parser reads it back as the same plain text
    /// (Yams may read `1` as a number there, as it did before the merge).
    static func mergedPlainItem(_ text: String) -> String? {
        let rendered = YAMLMerger.render(YAMLScalar(text))
        guard let node = try? YAMLParser.parse("k: [\(rendered), end]\n"), let items = node["k"]?.items, items.count == 2,
            let scalar = items.first?.scalar, scalar.text == text
        else { return "a plain item '\(DisplayText.escaped(text))' is merged as \(DisplayText.escaped(rendered))" }
        return nil
    }

    // MARK: - Reading back

    /// What Yams and abmsync's parser read back from `k: <value>` (block) or `k: [<value>, end]` (flow).
    static func yamlReadsBack(_ rendered: String, flow: Bool, _ text: String) -> String? {
        let document = flow ? "k: [\(rendered), end]\n" : "k: \(rendered)\n"
        let shown = DisplayText.escaped(text)
        guard let loaded = try? Yams.load(yaml: document) as? [String: Any] else {
            return "Yams cannot read \(DisplayText.escaped(document)) (for '\(shown)')"
        }
        let value = flow ? (loaded["k"] as? [Any])?.first : loaded["k"]
        if flow, (loaded["k"] as? [Any])?.count != 2 {
            return "Yams reads \(DisplayText.escaped(document)) as \(String(describing: loaded["k"])), not 2 items"
        }
        // Yams turns the C string libyaml gives it into a String the way Foundation does, which drops a
        // leading byte-order mark whatever the file says (escaped or not); abmsync's parser keeps it.
        let yamsText = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        guard let read = value as? String, read == yamsText else {
            return "Yams reads \(DisplayText.escaped(document)) as \(String(describing: value)), not '\(shown)'"
        }
        guard let node = try? YAMLParser.parse(document) else { return "abmsync cannot parse \(DisplayText.escaped(document))" }
        let own = flow ? node["k"]?.items?.first?.scalar?.text : node["k"]?.scalar?.text
        guard own == text else {
            return "abmsync reads \(DisplayText.escaped(document)) as '\(DisplayText.escaped(own ?? "nil"))', not '\(shown)'"
        }
        return nil
    }

    static func jsonReadsBack(_ rendered: String, _ text: String) -> String? {
        let document = "[\(rendered)]"
        guard let array = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [Any],
            let read = array.first as? String
        else { return "JSONSerialization cannot read \(DisplayText.escaped(document))" }
        return read == text ? nil : "JSON \(DisplayText.escaped(document)) reads as '\(DisplayText.escaped(read))'"
    }

    static func problems(_ text: String) -> [String] {
        [
            yamlReadsBack(yamlBlock(text), flow: false, text), yamlReadsBack(yamlFlow(text), flow: true, text),
            yamlReadsBack(mergedQuotedItem(text), flow: true, text), mergedPlainItem(text), jsonReadsBack(json(text), text),
        ].compactMap { $0 }
    }

    @Test(arguments: fixed) func eachPieceReadsBack(_ text: String) {
        for problem in Self.problems(text) { Issue.record("\(problem)") }
    }

    @Test func randomStringsReadBack() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            let text = Self.string(seed: seed)
            for problem in Self.problems(text) { Issue.record("seed \(seed): \(problem)") }
        }
    }
}
