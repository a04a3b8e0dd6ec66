import ABMSync
import ArgumentParser
import Foundation

extension AbmsyncCommand {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "See abmsync at work: two teammates edit the same plans at once and sync.",
            discussion: """
                Runs in a temporary folder with a shared remote and two clones: Jane (account executive) and Sam \
                (marketer). Edits that do not overlap merge cleanly where plain git would conflict; one real \
                conflict is reported in plan terms and settled.
                """)

        @Option(help: ArgumentHelp("Run in this folder instead of a new temporary one.", valueName: "path"))
        var folder: String?

        func run() throws {
            let root: String
            if let folder {
                root = URL(fileURLWithPath: folder).standardizedFileURL.path
                try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            } else {
                root = FileManager.default.temporaryDirectory.appendingPathComponent("abmsync-demo-\(getpid())").path
                try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            }
            let scenario = DemoScenario(
                folder: root, today: Today.date, say: { Console.out($0) },
                show: { report in _ = SyncPrinter.print(report, action: "sync") })
            try scenario.run()
        }
    }
}
