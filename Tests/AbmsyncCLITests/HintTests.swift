import ABMTestSupport
import Foundation
import Testing

/// Every `abmsync …` command abmsync tells people to run (hints, fixes, next steps in Sources/, the
/// hooks and the templates) names a subcommand and options that exist, checked against the real
/// binary's `--help`.
@Suite struct HintTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A command a hint names: the words after `abmsync`, where it is.
    struct Mention: CustomStringConvertible {
        var words: [String]
        var place: String
        /// Quoted, or after "$ ": meant as a command, not prose ("abmsync cannot edit").
        var meantAsCommand: Bool
        var description: String { "\(place): abmsync \(words.joined(separator: " "))" }
    }

    /// The `abmsync` mentions in the product's text, outside comments.
    static func mentions() -> [Mention] {
        var files: [String] = []
        for folder in ["Sources", "hooks", "templates"] {
            let base = packageRoot + "/" + folder
            guard let walker = FileManager.default.enumerator(atPath: base) else { continue }
            for case let path as String in walker where !path.hasPrefix("ABMSync/templates") && !path.hasPrefix("ABMSync/hooks") {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                    files.append(folder + "/" + path)
                }
            }
        }
        // abmsync, then words: names, options, placeholders (ID, URL) and Swift interpolations.
        let pattern = try! NSRegularExpression(pattern: #"(.?.?)\babmsync((?: (?:--?[A-Za-z][\w-]*|[A-Za-z][\w-]*|\\\([^)]*\)+))*)"#)
        var found: [Mention] = []
        for file in files {
            guard let text = try? String(contentsOfFile: packageRoot + "/" + file, encoding: .utf8) else { continue }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if file.hasSuffix(".swift"), trimmed.hasPrefix("//") { continue }
                let string = String(line)
                let range = NSRange(string.startIndex..., in: string)
                for match in pattern.matches(in: string, range: range) {
                    guard let before = Range(match.range(at: 1), in: string), let rest = Range(match.range(at: 2), in: string)
                    else { continue }
                    let words = string[rest].split(separator: " ").map(String.init)
                    guard !words.isEmpty else { continue }
                    let lead = String(string[before])
                    let meant = lead.hasSuffix("'") || lead.hasSuffix("`") || lead.hasSuffix("$ ")
                    found.append(Mention(words: words, place: "\(file):\(number + 1)", meantAsCommand: meant))
                }
            }
        }
        return found
    }

    /// `abmsync <path> --help`: its subcommands (names and aliases) and its text, or nil when it is no command.
    final class HelpCache: @unchecked Sendable {
        var pages: [[String]: (subcommands: Set<String>, text: String)?] = [:]

        func page(_ path: [String]) -> (subcommands: Set<String>, text: String)? {
            if let known = pages[path] { return known }
            let result = CLITests.abmsync(path + ["--help"], in: NSTemporaryDirectory())
            var page: (subcommands: Set<String>, text: String)?
            if result.status == 0 {
                var names: Set<String> = []
                var inList = false
                for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix("SUBCOMMANDS:") {
                        inList = true
                        continue
                    }
                    guard inList else { continue }
                    if !line.hasPrefix("  ") || line.hasPrefix("   ") { continue }
                    let column = line.dropFirst(2).components(separatedBy: "  ").first ?? ""
                    guard column.allSatisfy({ $0.isLowercase || $0 == "-" || $0 == "," || $0 == " " }) else { continue }
                    for name in column.split(separator: ",") {
                        names.insert(name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " (default)", with: ""))
                    }
                }
                page = (names, result.stdout)
            }
            pages[path] = page
            return page
        }
    }

    /// What is wrong with a mention, or nil when it names a real command and real options.
    static func problem(_ mention: Mention, _ help: HelpCache) -> String? {
        var path: [String] = []
        guard let root = help.page([]) else { return "abmsync --help fails" }
        var page = root
        for word in mention.words {
            if word.hasPrefix("-") {
                let option = String(word.prefix { $0 != "=" })
                if !page.text.contains(option) { return "'abmsync \(path.joined(separator: " "))' has no option \(option)" }
                continue
            }
            // A placeholder (ID, URL, an interpolation) or a positional argument ends the command words.
            if word.hasPrefix("\\(") || word.uppercased() == word { break }
            if page.subcommands.contains(word), let next = help.page(path + [word]) {
                path.append(word)
                page = next
                continue
            }
            if page.subcommands.isEmpty { continue }  // an argument of a command that takes one
            if path.isEmpty && !mention.meantAsCommand { return nil }  // prose: "abmsync cannot edit …"
            return "'abmsync \((path + [word]).joined(separator: " "))' is not a command (\(path.isEmpty ? "abmsync" : "abmsync " + path.joined(separator: " ")) has: \(page.subcommands.sorted().joined(separator: ", ")))"
        }
        return nil
    }

    @Test func everyCommandAHintNamesExists() {
        let mentions = Self.mentions()
        #expect(mentions.count > 30, "found \(mentions.count) mentions: the scan should see the product's hints")
        let help = HelpCache()
        let wrong = mentions.compactMap { mention in Self.problem(mention, help).map { "\(mention): \($0)" } }
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
        // The check itself can fail: a command that does not exist, an option a command lacks.
        let made = [
            Mention(words: ["new", "cluster-plan", "ID"], place: "probe", meantAsCommand: true),
            Mention(words: ["resolve", "acme-corp", "--mine"], place: "probe", meantAsCommand: true),
            Mention(words: ["fix"], place: "probe", meantAsCommand: true),
        ]
        for mention in made { #expect(Self.problem(mention, help) != nil, "\(mention)") }
    }
}
