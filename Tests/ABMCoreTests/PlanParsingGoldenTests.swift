import Foundation
import Testing

@testable import ABMCore

/// Plans parsed today give what they gave before parsing was made faster: the same facts, the same
/// findings (rule, line, column, message) and the same parsed plan, for good and bad input alike.
///
/// `Fixtures/plan-parsing.txt` was recorded with the reader as it was before (commit 707a5fe:
/// whole-file String, TextLines, YAML composed through the former composer, cmark-gfm's default
/// allocator) from the generated corpus below. Rerecord with `ABMSYNC_RECORD=1` only when a change
/// of results is intended (the test then fails, so the new file gets reviewed).
@Suite struct PlanParsingGoldenTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/plan-parsing.txt").path

    @Test func generatedPlansParseAsTheyDidBefore() throws {
        let rendered = PlanCorpus.cases().map(PlanCorpus.render)
        let actual = rendered.joined()
        if ProcessInfo.processInfo.environment["ABMSYNC_RECORD"] != nil {
            try actual.write(toFile: Self.fixture, atomically: true, encoding: .utf8)
            Issue.record("recorded \(Self.fixture); review it, then run again without ABMSYNC_RECORD")
            return
        }
        let expected = try String(contentsOfFile: Self.fixture, encoding: .utf8)
        let expectedCases = Self.cases(in: expected)
        #expect(expectedCases.count == rendered.count)
        for (index, (want, got)) in zip(expectedCases, rendered.map { Self.trimmed($0) }).enumerated() where want != got {
            Issue.record("case \(index) differs:\nexpected:\n\(want)\nactual:\n\(got)")
        }
    }

    /// The rendered cases of a recording: each starts with a line "== <path>".
    static func cases(in text: String) -> [String] {
        guard text.hasPrefix("== ") else { return [] }
        return text.dropFirst(3).components(separatedBy: "\n== ").map { trimmed("== " + $0) }
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}

/// A deterministic corpus of plan files, good and bad: every case is built from a seed, so the
/// same corpus comes out on every machine and with every version of the code.
enum PlanCorpus {
    struct Case {
        var path: String
        var kind: Plan.Kind
        var bytes: [UInt8]
    }

    /// SplitMix64: small, fast, and the same everywhere.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let caseCount = 240

    static func cases() -> [Case] {
        (0..<caseCount).map { makeCase($0) }
    }

    static func makeCase(_ index: Int) -> Case {
        var random = Random(state: UInt64(index) &* 0x2545_F491_4F6C_DD1D &+ 17)
        let kind = random.pick(Plan.Kind.allCases)
        let id = "plan-\(index)"
        var lines: [String] = []
        let frontMatter = random.below(100)
        if frontMatter < 8 {
            // No front matter at all.
        } else if frontMatter < 12 {
            lines += ["---", "account: \(id)", "stakeholders:", "  - name: A"]  // never closed
        } else {
            lines.append(random.chance(10) ? "---  " : "---")
            lines += frontMatterLines(kind: kind, id: id, random: &random)
            lines.append(random.chance(10) ? "..." : "---")
        }
        lines += bodyLines(random: &random)
        var text = lines.joined(separator: "\n")
        if random.chance(80) { text += "\n" }
        if random.chance(12) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        var bytes = Array(text.utf8)
        if random.chance(8) { bytes = [0xEF, 0xBB, 0xBF] + bytes }
        if random.chance(6), !bytes.isEmpty {
            bytes.insert(0, at: random.below(bytes.count))
        }
        if random.chance(8), !bytes.isEmpty {
            let bad: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80]]
            let at = random.chance(20) ? bytes.count : random.below(bytes.count)
            bytes.insert(contentsOf: random.pick(bad), at: at)
        }
        return Case(path: "\(kind.folder)/\(id).md", kind: kind, bytes: bytes)
    }

    static func frontMatterLines(kind: Plan.Kind, id: String, random: inout Random) -> [String] {
        var lines: [String] = []
        let idValue = random.chance(85) ? id : random.pick(["other", "", "'\(id)'", "[\(id)]", "~"])
        if random.chance(92) { lines.append("\(kind.idKey): \(idValue)") }
        if random.chance(50) { lines.append("owner_notes: \(random.pick(["renewal in Q2", "\"quoted: yes\"", "café ünïcode", "|"]))") }
        if lines.last?.hasSuffix("|") == true { lines += ["  first line", "  second line"] }
        if random.chance(70) {
            switch random.below(10) {
            case 0: lines.append("stakeholders:")
            case 1: lines.append("stakeholders: none")
            case 2: lines.append("stakeholders: [{name: Ann, role: champion}, {name: Bo, role: boss}]")
            default:
                lines.append("stakeholders:")
                for person in 0..<random.below(9) {
                    switch random.below(12) {
                    case 0: lines.append("  - just a name")
                    case 1: lines.append("  -")
                    default:
                        let name = random.chance(90) ? "Person \(person)" : ""
                        lines.append("  - name: \(name)")
                        if random.chance(85) {
                            lines.append("    role: \(random.pick(["economic-buyer", "champion", "influencer", "user", "blocker", "champoin", "'champion'"]))")
                        }
                        if random.chance(70) {
                            lines.append("    sentiment: \(random.pick(["positive", "neutral", "negative", "unknown", "happy", ""]))")
                        }
                        if random.chance(40) { lines.append("    title: \(random.pick(["CFO", "VP: Sales", "'VP: Sales'"]))") }
                        if random.chance(4) { lines.append("    role: user") }
                    }
                }
            }
        }
        if random.chance(60) {
            switch random.below(8) {
            case 0: lines.append("kpis: 12")
            case 1: lines.append("kpis: {pipeline: 450000, meetings: six}")
            default:
                lines.append("kpis:")
                for (number, name) in ["pipeline", "meetings_90d", "win_rate", "nps"].enumerated() where random.chance(70) {
                    let value = random.pick(["\(number * 1000)", "12.5", "1e3", "'12'", "six", "", "[1, 2]", ".inf", "-3"])
                    lines.append("  \(name): \(value)")
                }
            }
        }
        if random.chance(30) { lines.append("owner: \(random.pick(["ops", "", "[ops]", "\"ops\""]))") }
        if random.chance(20) { lines.append("cluster: \(random.pick(["fintech", "", "{a: 1}"]))") }
        // Many keys: duplicate checks switch to an index past eight keys.
        if random.chance(15) {
            for extra in 0..<(6 + random.below(8)) { lines.append("extra_\(extra): \(extra)") }
        }
        switch random.below(30) {
        case 0: lines.append("\(kind.idKey): again")
        case 1: lines.append("owner_notes: twice")
        case 2: lines.insert("  \tindented: with a tab", at: random.below(lines.count + 1))
        case 3: lines.append("anchor: &a [1, 2]")
            lines.append("alias: *a")
        case 4: lines.append("<<: {x: 1}")
        case 5: lines.append("broken: [1, 2")
        case 6: lines.append("title: VP: Sales")
        case 7: lines.append("alias: *nowhere")
        case 8: lines.append("tagged: !!str 12")
        case 9: lines.append("nested: {a: 1, a: 2}")
        case 10: lines.append("extra_3: clash")
        case 11: lines.append("? complex")
            lines.append(": key")
        case 12: lines.append("control: \u{07}bell")
        case 13: lines.removeAll()
        case 14: lines = ["# only a comment"]
        case 15: lines.append("'quoted key': 1")
            lines.append("quoted key: 2")
        default: break
        }
        return lines
    }

    static func bodyLines(random: inout Random) -> [String] {
        var lines: [String] = []
        if random.chance(85) { lines.append(random.pick(["# Acme Corp — strategic account plan", "# Title", "#Not a title", "Title", "# *Emphasis* title  #"])) }
        if lines.last == "Title" { lines.append("=====") }
        lines.append("")
        let sections = ["Summary", "Objectives", "Buying Group", "Plays", "Sales Actions", "KPIs", "Review Log", "Messaging"]
        for _ in 0..<random.below(9) {
            var title = random.pick(sections)
            switch random.below(12) {
            case 0: title = "  \(title)\t"
            case 1: title = "**\(title)**"
            case 2: title = title.uppercased()
            case 3: title = "\(title) ##"
            default: break
            }
            lines.append(random.chance(92) ? "## \(title)" : "### \(title)")
            switch random.below(12) {
            case 0: lines += ["| A | B |", "| --- | :-: |", "| 1 | 2 |", "| 3 | 4 \\| 5 |"]
            case 1: lines += ["- [ ] open task", "- [x] done task", "  continued", "- plain item"]
            case 2: lines += ["```", "## not a heading", "```"]
            case 3: lines += ["<div>", "## html", "</div>"]
            case 4: lines += ["> quoted", "> ## quoted heading"]
            case 5: lines += ["***"]
            case 6: lines += ["Setext heading", "--------------"]
            case 7: lines += ["---"]
            case 8: lines += ["text with ~~strike~~ and www.example.com and a@b.co"]
            case 9: lines += [random.pick(["<<<<<<< ours", "=======", ">>>>>>> theirs", "||||||| base", "<<<<<<<x", "=======  ", "> quote", "<b>html</b>"])]
            default: lines += ["Some text for the section.", ""]
            }
        }
        return lines
    }

    // MARK: - Rendering what parsing gives

    static func render(_ input: Case) -> String {
        var out = "== \(input.path) \(input.bytes.count) bytes\n"
        switch Result(catching: { try PlanText.decode(input.bytes) }) {
        case .success(let text): out += "decode: \(text.utf8.count) bytes\n"
        case .failure(let problem):
            if let problem = problem as? PlanText.Problem {
                out += "decode: \(problem.rule) \(problem.line):\(problem.column) \(problem.message)\n"
            }
        }
        let plainInput = PlanInput(path: input.path, kind: input.kind, bytes: input.bytes)
        var planFindings: [Finding] = []
        if let plan = plainInput.plan(findings: &planFindings) {
            out += "plan: lines \(plan.lineCount) fm \(plan.frontMatterLines.map { "\($0)" } ?? "-") body \(plan.bodyStartLine)"
            out += " title \(plan.title.map { String(reflecting: $0) } ?? "-")\n"
            out += "  front matter: \(plan.frontMatter.map(render) ?? "-")\n"
            for section in plan.sections {
                out += "  section \(String(reflecting: section.title)) @\(section.headingLine) \(section.lines)\n"
            }
            out += "  blocks: \(plan.blocks.map(render).joined(separator: " "))\n"
        } else {
            out += "plan: none\n"
        }
        for finding in planFindings { out += "  plan finding: \(render(finding))\n" }
        let loaded = PlanInput.load(plainInput)
        if let facts = loaded.facts {
            out += "facts: fm@\(facts.frontMatterLine) title@\(facts.titleLine) sections \(facts.sections)"
            out += " stakeholders \(facts.stakeholderCount.map(String.init) ?? "-") at \(facts.stakeholdersKey.map(\.description) ?? "-")"
            out += " owner \(facts.owner.map { "\(String(reflecting: $0.value))@\($0.location)" } ?? "-")"
            out += " cluster \(facts.clusterField.map(\.description) ?? "-")\n"
        } else {
            out += "facts: none\n"
        }
        for finding in loaded.findings { out += "  finding: \(render(finding))\n" }
        return out
    }

    static func render(_ finding: Finding) -> String {
        "\(finding.severity.rawValue) \(finding.formatted) [account \(finding.account ?? "-")]"
    }

    static func render(_ node: YAMLNode) -> String {
        let place = "\(node.line):\(node.column)"
        switch node.content {
        case .scalar(let scalar):
            return "\(place)\(scalar.style)\(scalar.tag.map { "!\($0)" } ?? "")\(String(reflecting: scalar.text))"
        case .mapping(let entries):
            return "\(place)\(node.isFlow ? "flow" : ""){\(entries.map { render($0.keyNode) + ": " + render($0.value) }.joined(separator: ", "))}"
        case .sequence(let items):
            return "\(place)\(node.isFlow ? "flow" : "")[\(items.map(render).joined(separator: ", "))]"
        }
    }

    static func render(_ block: MarkdownOutline.Block) -> String {
        let lines = "\(block.lines.lowerBound)-\(block.lines.upperBound)"
        switch block.kind {
        case .heading(let level): return "h\(level)@\(lines)"
        case .paragraph: return "p@\(lines)"
        case .list(let items):
            return "list@\(lines)(\(items.map { "\($0.lines.lowerBound)-\($0.lines.upperBound)\($0.checked.map { $0 ? "x" : "o" } ?? "")" }.joined(separator: ",")))"
        case .table(let rows): return "table@\(lines)(\(rows.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")))"
        case .codeBlock: return "code@\(lines)"
        case .quote: return "quote@\(lines)"
        case .html: return "html@\(lines)"
        case .rule: return "rule@\(lines)"
        case .other(let name): return "\(name)@\(lines)"
        }
    }
}
