import ABMCore
import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Settle merge conflicts by keeping your version or your teammate's.",
            discussion: """
                With an account id, settles every conflict about that account (its entry in accounts.yaml and \
                its plan accounts/<id>.md); with a file, every conflict in that file. --ours keeps your version, \
                --theirs your teammate's (the one the merge brought in). Without either, checks that you settled them by hand and lists what \
                is left (exit 1 while any is open; 64 when it has no open conflict). Nothing is written unless the result reads as a valid file.

                Examples:
                  abmsync resolve acme-corp --theirs
                  abmsync resolve accounts/acme-corp.md --ours
                  abmsync resolve acme-corp          after editing by hand
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: ArgumentHelp("An account id (like acme-corp) or a file.", valueName: "account|file"))
        var target: String
        @Flag(help: "Keep our version (what you had before the merge).") var ours = false
        @Flag(help: "Keep your teammate's version (what the merge brought in).") var theirs = false

        func validate() throws {
            if ours, theirs { throw ValidationError("use either --ours or --theirs, not both") }
        }

        func run() throws {
            let side: ConflictBlock.Side? = ours ? .ours : theirs ? .theirs : nil
            let report = try ConflictResolver.run(at: options.repository, target: target, keep: side)
            if report.notInConflict {
                Console.err(report.renderNotInConflict())
                throw ExitCode(ExitStatus.usage)
            }
            Console.out(report.renderText())
            if !report.remaining.isEmpty { throw ExitCode(ExitStatus.needsAttention) }
        }
    }
}
