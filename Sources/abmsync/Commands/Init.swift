import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a plan repository: policy, team, account list, plan folders and hooks.",
            discussion: """
                Writes abmsync.yaml (tiers, capacities, stages, section ownership, with the usual ABM defaults), \
                team.yaml (a sample team to edit), an empty accounts.yaml, the plan folders accounts/, clusters/ \
                and programs/, and .gitattributes so merges go field by field. Initialises git, records a first \
                commit and installs the hooks that check plans before each commit and push.

                Running it again on an existing plan repository changes nothing and says so. In a copy made \
                with plain 'git clone' it records nothing: it only installs the hooks and sets up merging.

                Example:
                  abmsync init acme-abm --remote git@github.com:acme/abm-plans.git
                """)

        @Argument(help: "Folder for the plan repository (created if missing).")
        var directory: String = "."

        @Option(help: ArgumentHelp("The shared remote teammates sync with (recorded as 'origin').", valueName: "url"))
        var remote: String?

        func run() throws {
            let result = try Initializer.run(at: directory, remote: remote, executable: HookInstaller.currentExecutable())
            if result.changedNothing {
                Console.out("\(result.root) is already an abmsync plan repository; nothing changed.")
                return
            }
            Console.out(result.createdGitRepository ? "Created plan repository \(result.root)" : "Set up plan repository \(result.root)")
            for path in result.created { Console.out("  wrote \(path)") }
            if let remote = result.remoteAdded { Console.out("  shares with \(remote) (origin)") }
            if result.mergeDriverConfigured { Console.out("  merges of plans and lists now go field by field (git merge driver)") }
            if result.localAttributesAdded {
                Console.out("  git now merges plans with abmsync (lines added to .git/info/attributes, this copy only)")
            }
            for hook in result.hooks where hook.changedSomething { Console.out("  \(hook.summary)") }
            if let commit = result.commit { Console.out("  recorded the first version (\(commit))") }
            if result.usedFallbackIdentity {
                Console.out(
                    "note: no git identity is set, so the first version was recorded as 'abmsync'. Set yours with:\n  git config --global user.name \"Your Name\"\n  git config --global user.email you@example.com"
                )
            }
            if result.commit != nil || !result.created.isEmpty {
                Console.out("Next: edit team.yaml, then add accounts with 'abmsync new account ID --tier 1 ...'.")
            }
        }
    }
}
