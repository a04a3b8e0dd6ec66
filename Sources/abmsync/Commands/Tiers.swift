import ABMCore
import ABMSync
import ArgumentParser
import Foundation

extension AbmsyncCommand {
    struct Tiers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tiers",
            abstract: "Check tier assignments against objective criteria.",
            subcommands: [Score.self])
    }
}

extension AbmsyncCommand.Tiers {
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "score",
            abstract: "Score accounts from ACV, sales cycle, buying group, intent and the strategic flag, and suggest a tier.",
            discussion: """
                Uses the weights and thresholds under 'scoring:' in abmsync.yaml (Docs/Tiers.md); capacity is \
                not considered. By default only the accounts whose suggested tier differs from their tier are shown.

                Examples:
                  abmsync tiers score                    accounts suggested another tier
                  abmsync tiers score --all              every account
                  abmsync tiers score acme-corp globex   these accounts, with the reasons
                  abmsync tiers score --all --format csv > scores.csv
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: ArgumentHelp("Account ids to score (default: every account).", valueName: "account"))
        var accounts: [String] = []
        @Flag(help: "Show every account, not only those suggested another tier.") var all = false
        @Option(help: "Output: text, json or csv.") var format: OutputFormat = .text

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

        func run() throws {
            let outcome = try TierScoreUseCase.run(at: options.repository, freeingMemory: false)
            if !outcome.unreadable.isEmpty {
                for finding in outcome.readingErrors { Console.err(finding.formatted) }
                Console.err(
                    "error: cannot score the accounts: \(outcome.unreadable.joined(separator: " and ")) cannot be read\n"
                        + "  hint: fix the errors above (abmsync validate shows each with how to fix), then run it again")
                throw ExitCode(ExitStatus.needsAttention)
            }
            let known = Set(outcome.scores.map(\.id))
            let unknown = accounts.filter { !known.contains($0) }
            if let first = unknown.first {
                let suggestion = Spelling.closest(to: first, in: Array(known))
                Console.err(
                    "error: account '\(first)' not found in accounts.yaml"
                        + (suggestion.map { " — did you mean '\($0)'?" } ?? "")
                        + (unknown.count > 1 ? " (nor \(unknown.dropFirst().map { "'\($0)'" }.joined(separator: ", ")))" : "")
                        + "\n  hint: give account ids as accounts.yaml writes them; 'abmsync tiers score --all' lists every account")
                throw ExitCode(ExitStatus.usage)
            }
            if !outcome.readingErrors.isEmpty {
                Console.err(
                    "warning: \(outcome.readingErrors.count.counted("error")) in the files scored; the scores use what could be read "
                        + "(abmsync validate shows each with how to fix)")
            }
            let report = TierScoreReport(outcome.scores, only: accounts, everyAccount: all)
            // Written as rendered: the renderers escape every value from the repository already
            // (DisplayText), and CSV keeps its CRLF line ends (RFC 4180).
            let output: String
            switch format {
            case .text: output = report.renderText()
            case .json: output = report.renderJSON()
            case .csv: output = report.renderCSV()
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }
}
