import ABMCore
import ABMSync
import ArgumentParser
import Foundation

extension AbmsyncCommand {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show what changed in the plans, per account, in plan terms.",
            discussion: """
                Accounts added, removed and renamed, tier moves, owner changes, field changes (ACV with the \
                percentage), stakeholders, plan sections with their changed lines and tasks ticked, policy and \
                team changes, and the validation findings the change introduces. Exit 0 when shown.

                Examples:
                  abmsync diff                          your working files against the last commit
                  abmsync diff --staged                 what the next commit would contain
                  abmsync diff HEAD~3                   your working files against an older commit
                  abmsync diff main..feature            one commit against another
                  abmsync diff main...feature --format markdown   a pull request: what the branch did
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: ArgumentHelp("A revision (against the working files), or rev..rev, or rev...rev.", valueName: "rev"))
        var revision: String?
        @Flag(help: "Compare the staged snapshot (what the next commit would contain) with HEAD.") var staged = false
        @Option(help: "Output: text, markdown (a pull request comment), or json.") var format: OutputFormat = .text
        @Flag(help: "Leave out the findings the change introduces (both sides are then not validated: faster).")
        var noFindings = false

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

        func validate() throws {
            if staged, revision != nil { throw ValidationError("use either --staged or a revision, not both") }
            if let revision, revision.isEmpty || revision == ".." || revision == "..." {
                throw ValidationError("give a revision such as HEAD~1, or a range such as main..feature")
            }
        }

        func run() throws {
            let diff = try DiffUseCase.run(
                at: options.repository, selection: DiffSelection(argument: revision, staged: staged), today: Today.date,
                findings: !noFindings)
            switch format {
            case .text:
                // Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
                let colour = isatty(STDOUT_FILENO) != 0 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
                let text = diff.renderText(colour: colour)
                if colour {
                    // Every value is escaped by the renderer; only its own colour codes are left.
                    FileHandle.standardOutput.write(Data(text.utf8))
                } else {
                    Console.out(String(text.dropLast()))
                }
            case .markdown:
                let command = "abmsync diff" + (revision.map { " \($0)" } ?? (staged ? " --staged" : ""))
                Console.out(String(diff.renderMarkdown(moreCommand: command).dropLast()))
            case .json:
                Console.out(String(diff.renderJSON().dropLast()))
            }
        }
    }
}
