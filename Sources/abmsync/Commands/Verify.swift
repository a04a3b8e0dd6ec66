import ABMCore
import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that every commit in a range was made by someone allowed to make it.",
            discussion: """
                Judges each commit (oldest first) against the 'permissions:' and 'sections:' of abmsync.yaml and \
                the people of team.yaml as they were before it, matching its author to a person by email. A merge \
                that only combines its parents is judged by their commits. For CI required checks: exit 0 when \
                every commit is allowed, 1 when one is refused, 2 when the check could not run.

                Examples:
                  abmsync verify origin/main..HEAD              what a pull request adds
                  abmsync verify HEAD~10..HEAD --format github  annotations in GitHub Actions
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: ArgumentHelp("The commits after the first revision, up to the second.", valueName: "rev..rev"))
        var range: String
        @Option(help: "Output: text, json, or github (GitHub Actions annotations).") var format: Validate.OutputFormat = .text

        func validate() throws {
            if !range.contains("..") || range.contains("...") {
                throw ValidationError("give a range of commits like origin/main..HEAD")
            }
        }

        func run() throws {
            let report = try VerifyUseCase.run(at: options.repository, range: range)
            let output: String
            switch format {
            case .text: output = report.renderText()
            case .json: output = report.renderJSON()
            case .github: output = report.renderGitHubAnnotations()
            }
            Console.out(output.hasSuffix("\n") ? String(output.dropLast()) : output)
            if !report.allowed { throw ExitCode(ExitStatus.needsAttention) }
        }
    }
}
