import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct Hooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hooks",
            abstract: "Manage the git hooks that check plans before each commit and push.",
            subcommands: [Install.self])

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "install",
                abstract: "Install the pre-commit and pre-push hooks (an existing hook is kept and chained).",
                discussion: """
                    pre-commit runs 'abmsync validate --staged': a commit with broken or out-of-policy plans, or \
                    with a change the committer may not make ('permissions:' in abmsync.yaml), is refused. pre-push validates each commit being pushed. A hook that was already there is moved \
                    to '<hook>.local' and still runs after abmsync's check; abmsync says so. Also sets up \
                    field-by-field merging for 'git merge' (the merge driver in .git/config; the attribute \
                    lines in .git/info/attributes when .gitattributes lacks them). Run it once in a copy made \
                    with plain 'git clone': 'abmsync status' says when it is needed.
                    """)

            @OptionGroup var options: RepositoryOptions

            func run() throws {
                let repository = try PlanRepository.locate(from: options.repository)
                let hold = try repository.holdForWriting()
                defer { hold.release() }
                let outcomes = try HookInstaller.install(in: repository.git, executable: HookInstaller.currentExecutable())
                for outcome in outcomes { Console.out(outcome.summary) }
                for change in try Initializer.configureMergeDriverAndAttributes(repository) { Console.out(change) }
            }
        }
    }
}
