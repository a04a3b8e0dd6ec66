import ABMCore
import ABMSync
import ArgumentParser
import Foundation

extension AbmsyncCommand {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check every plan against the format and your team's policy.",
            discussion: """
                Reports each problem as 'file:line:col: error|warning[rule]: what — why — how to fix'. \
                Errors block commits (the pre-commit hook runs 'abmsync validate --staged'); warnings do not. \
                With --staged, the staged change must also be the committer's to make ('permissions:' in \
                abmsync.yaml; the committer is GIT_AUTHOR_EMAIL, else git's user.email).

                Examples:
                  abmsync validate                 the working tree
                  abmsync validate --staged        exactly what the next commit would contain (in a git hook:
                                                   the index git names in GIT_INDEX_FILE)
                  abmsync validate --rev HEAD~1    a past version
                """)

        @OptionGroup var options: RepositoryOptions
        @Flag(help: "Check the staged snapshot (what the next commit would contain), not the working files.")
        var staged = false
        @Option(help: ArgumentHelp("Check a commit (a revision such as HEAD~1 or a commit id).", valueName: "rev"))
        var rev: String?
        @Option(help: "Output: text, json, or github (GitHub Actions annotations).") var format: OutputFormat = .text
        @Flag(help: "Print nothing when there is no problem (for hooks).") var quietOk = false

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, github }

        func validate() throws {
            if staged, rev != nil { throw ValidationError("use either --staged or --rev, not both") }
        }

        func run() throws {
            let scope: ValidationScope
            if staged {
                // In a hook, git names the index it is about to commit (with 'git commit -a', 'git
                // commit PATH' or '--amend', a temporary one, not .git/index).
                scope = ProcessInfo.processInfo.environment["GIT_INDEX_FILE"].flatMap { $0.isEmpty ? nil : .index(file: $0) }
                    ?? .staged
            } else {
                scope = rev.map { .revision($0) } ?? .workingTree
            }
            let report = try ValidateUseCase.run(
                at: options.repository, scope: scope, today: Today.date, freeingMemory: false)
            let output: String
            switch format {
            case .text: output = report.renderText()
            case .json: output = report.renderJSON()
            case .github: output = report.renderGitHubAnnotations()
            }
            if !(quietOk && report.errorCount == 0 && report.warningCount == 0) {
                Console.out(output.hasSuffix("\n") ? String(output.dropLast()) : output)
            }
            if report.errorCount > 0 { throw ExitCode(ExitStatus.needsAttention) }
        }
    }
}
