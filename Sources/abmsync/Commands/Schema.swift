import ABMSync
import ArgumentParser
import Foundation

extension AbmsyncCommand {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Write JSON Schemas so editors complete and check fields as you type.",
            discussion: """
                Writes accounts, team, policy (abmsync.yaml) and plan front-matter schemas into .abmsync/schemas/ \
                of the plan repository (init does this too). The files abmsync creates start with a \
                '# yaml-language-server: $schema=…' line, which VS Code's YAML extension and other editors use.

                Examples:
                  abmsync schema                      refresh .abmsync/schemas/
                  abmsync schema --print accounts     print one schema
                """)

        @OptionGroup var options: RepositoryOptions
        @Option(help: ArgumentHelp("Print one schema (accounts, team, policy, plan) instead of writing files.", valueName: "name"))
        var print: String?

        func validate() throws {
            if let print, !["accounts", "team", "policy", "plan"].contains(print) {
                throw ValidationError("--print takes accounts, team, policy or plan")
            }
        }

        func run() throws {
            if let print {
                if let schema = BundledFiles.schemas.first(where: { $0.name == "\(print).schema.json" }) {
                    Console.out(schema.content.trimmingCharacters(in: .newlines))
                }
                return
            }
            let repository = try PlanRepository.locate(from: options.repository)
            let hold = try repository.holdForWriting()
            defer { hold.release() }
            for schema in BundledFiles.schemas {
                try repository.file(BundledFiles.schemaFolder + "/" + schema.name).write(schema.content)
                Console.out("wrote \(BundledFiles.schemaFolder)/\(schema.name)")
            }
        }
    }
}
