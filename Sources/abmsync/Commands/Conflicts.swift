import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "conflicts",
            abstract: "List the open merge conflicts in plan terms, with how to settle each.",
            discussion: """
                Scans abmsync's files (and any other changed file) in the working tree for conflict markers and \
                shows, for each: where it is, what it is about ('Acme Corp · stage'), what collided, both \
                values, and the command that settles it. Exit 1 while conflicts are open, 0 when there are none.

                Examples:
                  abmsync conflicts
                  abmsync resolve acme-corp --theirs
                """)

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let report = try ConflictList.run(at: options.repository)
            Console.out(report.renderText())
            if !report.isEmpty { throw ExitCode(ExitStatus.needsAttention) }
        }
    }
}
