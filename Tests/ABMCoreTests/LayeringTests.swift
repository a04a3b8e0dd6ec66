import Foundation
import Testing

/// The layers the README draws, as the source files import them: C shims → GitKit (alone touches
/// libgit2) → ABMCore (pure domain, no git) → ABMCache (the speed layer) → ABMSync (use cases) → abmsync (thin commands, no git).
/// SwiftPM lets a target import any module its dependencies bring along, so the rule is checked here.
@Suite struct LayeringTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every `import X` of every Swift file under `Sources/<module>`, as (file, line, module imported).
    static func imports(of module: String) throws -> [(file: String, line: Int, imported: String)] {
        let folder = sources.appendingPathComponent(module)
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var found: [(String, Int, String)] = []
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let words = line.split(separator: " ")
                guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                    words[..<at].allSatisfy({ ["@testable", "@_exported", "internal", "package", "public", "private"].contains($0) })
                else { continue }
                found.append(("\(module)/\(relative)", index + 1, String(words[at + 1])))
            }
        }
        return found
    }

    @Test(arguments: [
        ("abmsync", ["GitKit", "CLibGit2", "CCmarkGFM"]),
        ("ABMSync", ["CLibGit2", "CCmarkGFM"]),
        ("ABMCache", ["GitKit", "CLibGit2", "ABMSync"]),
        ("ABMCore", ["GitKit", "CLibGit2", "ABMSync", "ABMCache"]),
        ("GitKit", ["ABMCore", "ABMSync", "CCmarkGFM"]),
    ])
    func aLayerImportsOnlyWhatIsBelowIt(module: String, forbidden: [String]) throws {
        let imports = try Self.imports(of: module)
        #expect(!imports.isEmpty, "no Swift files found under Sources/\(module)")
        let wrong = imports.filter { forbidden.contains($0.imported) }.map { "\($0.file):\($0.line) imports \($0.imported)" }
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }
}
