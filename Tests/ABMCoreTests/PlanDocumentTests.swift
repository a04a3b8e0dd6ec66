import ABMSync
import Foundation
import Testing

@testable import ABMCore

/// Every reader of a plan file cuts it into front matter and sections the same way. These tests pin
/// each reader's view of the tricky cases (they were recorded on main before the readers moved onto
/// `PlanDocument`), and compare the readers with the document on random plans.
@Suite struct PlanDocumentTests {
    static let cases: [(name: String, text: String)] = [
        ("fenced code", "---\naccount: acme\n---\n# Acme\n\n## Summary\nA\n\n```\n## not a heading\n```\n\n## Plays\n- [ ] one\n"),
        ("crlf", "---\r\naccount: acme\r\n---\r\n# Acme\r\n\r\n## Summary\r\nA\r\n\r\n## Plays\r\n- [ ] one\r\n"),
        ("no front matter", "# Acme\n\n## Summary\nA\n"),
        ("front matter not closed", "---\naccount: acme\n# Acme\n\n## Summary\nA\n"),
        ("empty sections", "---\naccount: acme\n---\n## Summary\n## Plays\n\n## Notes\nA\n"),
        ("duplicate headings", "---\naccount: acme\n---\n# Acme\n## Notes\nA\n## Notes\ntwo\n"),
        ("setext headings", "---\naccount: acme\n---\nAcme\n====\n\nSummary\n-------\nA\n"),
        ("closed by dots", "---\naccount: acme\n...\n## Summary\nA\n"),
        ("byte order mark", "\u{FEFF}---\naccount: acme\n---\n## Summary\nA\n"),
        ("title after a section", "---\naccount: acme\n---\n## Summary\nA\n# Acme\nintro\n## Plays\nx\n"),
        ("no final line break", "---\naccount: acme\n---\n## Summary\nA"),
        ("only front matter", "---\naccount: acme\n---\n"),
    ]

    // MARK: Each reader's view, as text

    /// The loader's plan: front matter lines, body start, `##` sections (title@heading line:lines).
    static func loaderView(_ text: String) -> String {
        var findings: [Finding] = []
        let input = PlanInput(path: "accounts/acme.md", kind: .account, bytes: Array(text.utf8))
        guard let plan = input.plan(findings: &findings) else {
            return "unreadable: " + findings.map { "\($0.rule)@\($0.location.line ?? 0)" }.joined(separator: ",")
        }
        let front = plan.frontMatterLines.map { "\($0.lowerBound)..<\($0.upperBound)" } ?? "none"
        let sections = plan.sections.map { "\($0.title)@\($0.headingLine):\($0.lines.lowerBound)..<\($0.lines.upperBound)" }
        return "front \(front) body \(plan.bodyStartLine) title \(plan.title ?? "-") sections \(sections)"
    }

    /// The change summary's split: front matter keys and (title, text) per section.
    static func summaryView(_ text: String) -> String {
        let (front, sections) = ChangeSummary.split(text)
        let keys = front?.entries?.map(\.key) ?? []
        return "front \(keys) sections \(sections.map { "\($0.0)=\($0.1.debugDescription)" })"
    }

    /// What a reader of settled conflicts says of the file.
    static func readingView(_ text: String) -> String {
        guard let problem = ConflictBlocks.readingProblem(path: "accounts/acme.md", text: text) else { return "readable" }
        return "line \(problem.line): \(problem.message)"
    }

    /// The plan merge: front matter edited on one side, the text of every section on the other.
    static func mergeView(_ text: String) -> String {
        let crlf = text.contains("\r\n")
        let plain = text.replacingOccurrences(of: "\r\n", with: "\n")
        func back(_ s: String) -> String { crlf ? s.replacingOccurrences(of: "\n", with: "\r\n") : s }
        let ours = back(plain.replacingOccurrences(of: "account: acme\n", with: "account: acme\nowner: jane\n"))
        let theirs = back(plain.replacingOccurrences(of: "\nA\n", with: "\nA (theirs)\n"))
        let both = back(plain.replacingOccurrences(of: "\nA\n", with: "\nA (ours)\n"))
        let clean = StructuredMerge.merge(
            path: "accounts/acme.md", base: text, ours: ours, theirs: theirs, lineMerger: GitLineMerger())
        let conflict = StructuredMerge.merge(
            path: "accounts/acme.md", base: text, ours: both, theirs: theirs, lineMerger: GitLineMerger())
        return "clean \(clean.text.debugDescription) \(clean.conflicts.map(\.path)) conflict \(conflict.conflicts.map(\.path))"
    }

    /// Each reader's view of each case. Where the readers disagreed on main, the note says which
    /// answer was kept.
    static let pinned: [String: [String: String]] = [
        "fenced code": [
            "loader": ####"front 2..<3 body 4 title Acme sections ["Summary@6:6..<13", "Plays@13:13..<15"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"# Acme\\n\\n\"", "Summary=\"## Summary\\nA\\n\\n```\\n## not a heading\\n```\\n\\n\"", "Plays=\"## Plays\\n- [ ] one\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n---\n# Acme\n\n## Summary\nA (theirs)\n\n```\n## not a heading\n```\n\n## Plays\n- [ ] one\n" [] conflict [["acme", "Summary"]]"####,
        ],
        "crlf": [
            "loader": ####"front 2..<3 body 4 title Acme sections ["Summary@6:6..<9", "Plays@9:9..<11"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"# Acme\\r\\n\\r\\n\"", "Summary=\"## Summary\\r\\nA\\r\\n\\r\\n\"", "Plays=\"## Plays\\r\\n- [ ] one\\r\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\r\naccount: acme\r\nowner: jane\r\n---\r\n# Acme\r\n\r\n## Summary\r\nA (theirs)\r\n\r\n## Plays\r\n- [ ] one\r\n" [] conflict [["acme", "Summary"]]"####,
        ],
        "no front matter": [
            "loader": ####"front none body 1 title Acme sections ["Summary@3:3..<5"]"####,
            "summary": ####"front [] sections ["(top)=\"# Acme\\n\\n\"", "Summary=\"## Summary\\nA\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "# Acme\n\n## Summary\nA (theirs)\n" [] conflict [["acme", "Summary"]]"####,
        ],
        "front matter not closed": [
            "loader": ####"unreadable: front-matter@1"####,
            "summary": ####"front [] sections ["(top)=\"---\\naccount: acme\\n# Acme\\n\\n\"", "Summary=\"## Summary\\nA\\n\""]"####,
            "reading": ####"line 1: the front matter opened with '---' is never closed"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n# Acme\n\n## Summary\nA (theirs)\n" [] conflict [[]]"####,
        ],
        "empty sections": [
            "loader": ####"front 2..<3 body 4 title - sections ["Summary@4:4..<5", "Plays@5:5..<7", "Notes@7:7..<9"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"\"", "Summary=\"## Summary\\n\"", "Plays=\"## Plays\\n\\n\"", "Notes=\"## Notes\\nA\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n---\n## Summary\n## Plays\n\n## Notes\nA (theirs)\n" [] conflict [["acme", "Notes"]]"####,
        ],
        "duplicate headings": [
            "loader": ####"front 2..<3 body 4 title Acme sections ["Notes@5:5..<7", "Notes@7:7..<9"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"# Acme\\n\"", "Notes=\"## Notes\\nA\\n\"", "Notes=\"## Notes\\ntwo\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n---\n# Acme\n## Notes\nA (theirs)\n## Notes\ntwo\n" [] conflict [["acme", "Notes"]]"####,
        ],
        "setext headings": [
            "loader": ####"front 2..<3 body 4 title Acme sections ["Summary@7:7..<10"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"Acme\\n====\\n\\n\"", "Summary=\"Summary\\n-------\\nA\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n---\nAcme\n====\n\nSummary\n-------\nA (theirs)\n" [] conflict [["acme", "Summary"]]"####,
        ],
        "closed by dots": [
            "loader": ####"front 2..<3 body 4 title - sections ["Summary@4:4..<6"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"\"", "Summary=\"## Summary\\nA\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n...\n## Summary\nA (theirs)\n" [] conflict [["acme", "Summary"]]"####,
        ],
        "byte order mark": [
            "loader": ####"front 2..<3 body 4 title - sections ["Summary@4:4..<6"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"\"", "Summary=\"## Summary\\nA\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "\####u{FEFF}---\naccount: acme\nowner: jane\n---\n## Summary\nA (theirs)\n" [] conflict [["acme", "Summary"]]"####,
        ],
        "title after a section": [
            "loader": ####"front 2..<3 body 4 title Acme sections ["Summary@4:4..<6", "Plays@8:8..<10"]"####,
            // On main the change summary alone ran the `##` section on over the `#` heading (the
            // loader and the merge end it there); the section now ends at the `#` heading for all.
            "summary": ####"front ["account"] sections ["(top)=\"\"", "Summary=\"## Summary\\nA\\n\"", "(top)=\"# Acme\\nintro\\n\"", "Plays=\"## Plays\\nx\\n\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n---\n## Summary\nA (theirs)\n# Acme\nintro\n## Plays\nx\n" [] conflict [["acme", "Summary"]]"####,
        ],
        "no final line break": [
            "loader": ####"front 2..<3 body 4 title - sections ["Summary@4:4..<6"]"####,
            "summary": ####"front ["account"] sections ["(top)=\"\"", "Summary=\"## Summary\\nA\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n---\n## Summary\nA" [] conflict []"####,
        ],
        "only front matter": [
            "loader": ####"front 2..<3 body 4 title - sections []"####,
            "summary": ####"front ["account"] sections ["(top)=\"\""]"####,
            "reading": ####"readable"####,
            "merge": ####"clean "---\naccount: acme\nowner: jane\n---\n" [] conflict []"####,
        ],
    ]

    @Test(arguments: cases.map(\.name))
    func eachReaderSeesTheCaseAsBefore(_ name: String) throws {
        let text = try #require(Self.cases.first { $0.name == name }).text
        let expected = try #require(Self.pinned[name])
        #expect(Self.loaderView(text) == expected["loader"])
        #expect(Self.summaryView(text) == expected["summary"])
        #expect(Self.readingView(text) == expected["reading"])
        #expect(Self.mergeView(text) == expected["merge"])
    }

    /// The disagreement on main: the summary of an edit under a `#` heading after a `##` section
    /// named that section, which the loader and the merge end at the `#` heading.
    @Test func anEditUnderALaterTitleIsNotTheSectionAboveIt() {
        let before = "---\naccount: acme\n---\n## Summary\nA\n# Acme\nintro\n## Plays\nx\n"
        let after = before.replacingOccurrences(of: "intro", with: "intro, reworded")
        #expect(
            ChangeSummary.comparePlans(Array(before.utf8), Array(after.utf8))
                == .planEdited(sections: ["(top)"], frontMatter: []))
    }

    // MARK: Every reader against the document, on random plans

    /// A random plan text from `seed`: front matter or not (closed by `---` or `...`, or never),
    /// ATX and setext headings of levels 1 to 3, fenced code holding heading-like lines, empty and
    /// repeated sections, CRLF or LF, with or without a final line break.
    static func randomPlan(_ seed: UInt64) -> String {
        var random = SplitMix(seed)
        var lines: [String] = []
        switch random.next(4) {
        case 0: lines += ["---", "account: acme", "owner: jane", random.next(2) == 0 ? "---" : "..."]
        case 1: lines += ["---", "account: acme"]
        case 2: lines += ["---", "---"]
        default: break
        }
        let titles = ["Summary", "Plays", "Notes", "Risks"]
        for _ in 0..<random.next(12) {
            switch random.next(9) {
            case 0: lines.append("# Acme")
            case 1, 2: lines.append("## " + titles[random.next(titles.count)])
            case 3: lines.append("### Detail")
            case 4: lines += ["```", "## " + titles[random.next(titles.count)], "---", "```"]
            case 5: lines += [titles[random.next(titles.count)], random.next(2) == 0 ? "-------" : "===="]
            case 6: lines.append("")
            case 7: lines.append("- [ ] a play")
            default: lines.append("Some text.")
            }
        }
        let lineBreak = random.next(3) == 0 ? "\r\n" : "\n"
        var text = lines.joined(separator: lineBreak)
        if random.next(4) != 0, !lines.isEmpty { text += lineBreak }
        return text
    }

    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    @Test func everyReaderSeesTheDocumentsSections() {
        for seed in 0..<400 as Range<UInt64> {
            let text = Self.randomPlan(seed)
            let document = PlanDocument(text)
            let lines = TextLines(text)
            // The loader.
            var findings: [Finding] = []
            let plan = PlanInput(path: "accounts/acme.md", kind: .account, bytes: Array(text.utf8)).plan(findings: &findings)
            if document.frontMatter == .unterminated {
                #expect(plan == nil, "seed \(seed)")
                #expect(ConflictBlocks.readingProblem(path: "accounts/acme.md", text: text)?.line == 1, "seed \(seed)")
            } else if let plan {
                #expect(plan.bodyStartLine == document.bodyStartLine, "seed \(seed)")
                #expect(plan.title == document.title, "seed \(seed)")
                #expect(
                    plan.sections.map { [$0.title, "\($0.lines)"] }
                        == document.sections.map { [$0.heading?.title ?? "", "\($0.lines)"] }, "seed \(seed)")
            }
            // The change summary: its sections, read back as text, are the body's, cut at the
            // document's `##` sections.
            let (_, summary) = ChangeSummary.split(text)
            #expect(summary.map(\.1).joined() == lines.text(document.bodyStartLine..<(lines.count + 1)), "seed \(seed)")
            #expect(
                summary.map(\.0).filter { $0 != "(top)" } == document.sections.map { $0.heading?.title ?? "" },
                "seed \(seed)")
            // The plan merge: one side's sections are the document's parts.
            let side = MarkdownMerger.Side(document: document, lines: lines)
            #expect(side.sections.map(\.lines) == document.parts.map(\.lines), "seed \(seed)")
            #expect(side.sections.map { side.text(of: $0) }.joined() == lines.text(document.bodyStartLine..<(lines.count + 1)))
            // The front matter: the same lines as `FrontMatter.split` on the text's lines.
            #expect(FrontMatter.split(lines) == document.frontMatter, "seed \(seed)")
        }
    }
}
