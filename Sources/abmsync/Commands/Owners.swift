import ABMCore
import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct Owners: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "owners",
            abstract: "Say who may change an account or a file, under abmsync.yaml's 'permissions:'.",
            discussion: """
                Examples:
                  abmsync owners acme-corp              the account's fields, tier, owners and plan
                  abmsync owners clusters/fintech.md    a cluster plan
                  abmsync owners team.yaml
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: ArgumentHelp("An account id, or a file's path in the plan repository.", valueName: "account|file"))
        var subject: String

        func run() throws {
            let report = try OwnersUseCase.run(at: options.repository, subject: subject)
            Console.out(String(report.renderText().dropLast()))
        }
    }
}
