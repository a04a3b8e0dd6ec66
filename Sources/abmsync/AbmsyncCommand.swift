import ABMCore
import ABMSync
import ArgumentParser
import Foundation

@main
struct AbmsyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abmsync",
        abstract: "Keep your team's account plans in git, safely, without knowing git.",
        discussion: """
            abmsync keeps Account-Based Marketing plans (the shared account list with every target account's \
            tier and owners, account plans, cluster plans and programme plans) in a git repository, and checks \
            them against your team's policy (abmsync.yaml).

            Exit codes (the same for every command):
              0   ok
              1   your plans need attention: validation errors or merge conflicts
              2   abmsync could not do its job: git, files, network or configuration
              64  the command line was wrong
              75  shared remote unreachable (pull/push/sync); your edits are kept
            """,
        version: AbmsyncVersion.current,
        subcommands: [
            Init.self, Clone.self, New.self, Validate.self, Status.self, Pull.self, Push.self, Sync.self,
            Conflicts.self, Resolve.self, Demo.self, Hooks.self, Schema.self, MergeDriverCommand.self, Verify.self, Owners.self,
            Diff.self, Tiers.self,
        ]
    )

    /// Runs a command with abmsync's exit-code convention: usage errors 64 (ArgumentParser), operational
    /// failures 2, findings and conflicts 1 (thrown as ExitCode by the commands themselves, or an
    /// `AbmsyncError` whose `plansNeedAttention` says so: a pull/push/sync refused for them).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as AbmsyncError {
            FileHandle.standardError.write(Data((DisplayText.escapedLines(error.rendered) + "\n").utf8))
            Foundation.exit(error.plansNeedAttention ? ExitStatus.needsAttention : ExitStatus.operationalFailure)
        } catch {
            exit(withError: error)
        }
    }
}

enum ExitStatus {
    static let ok: Int32 = 0
    static let needsAttention: Int32 = 1
    static let operationalFailure: Int32 = 2
    static let usage: Int32 = 64
    /// EX_TEMPFAIL: the remote was unreachable; try again later.
    static let offline: Int32 = 75
}

enum AbmsyncVersion {
    static let current = "0.1.0"
}

/// Options every command that works on a plan repository shares.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: [.customShort("C"), .customLong("repo")],
        help: ArgumentHelp("The plan repository (or any folder inside it).", valueName: "path"))
    var repository: String = "."
}

/// Everything abmsync prints goes through here, escaped (`DisplayText.escapedLines`): names and
/// values come from the repository, and a teammate's control characters must not reach the terminal.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((DisplayText.escapedLines(text) + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((DisplayText.escapedLines(text) + "\n").utf8))
    }
}
