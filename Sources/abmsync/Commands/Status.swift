import ABMCore
import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show what is waiting to be shared, what teammates sent, conflicts and plan problems.",
            discussion: """
                Works offline: 'behind' counts what the last sync saw. Exit 0 when nothing needs attention, \
                1 when conflicts or validation errors do.
                """)
        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let status = try StatusUseCase.run(try PlanRepository.locate(from: options.repository), today: Today.date)
            if let url = status.remoteURL {
                Console.out("Shared with \(url) (branch \(status.branch)).")
                // Sync refuses while a conflict is open or a file does not read: say what comes first.
                let next: String
                if !status.conflictMarkers.isEmpty {
                    next = "; 'abmsync sync' exchanges them once the conflicts below are settled."
                } else if let first = status.unreadable.first {
                    next = "; 'abmsync sync' exchanges them once \(first.location.file) reads again (see below)."
                } else {
                    next = ": run 'abmsync sync'."
                }
                switch (status.ahead, status.behind) {
                case (0, 0): Console.out("In step with the team as of the last sync.")
                case (let a, 0): Console.out("\(a.counted("recorded change")) not sent yet\(next)")
                case (0, let b): Console.out("Teammates have \(b.counted("change")) you do not have yet\(next)")
                case (let a, let b): Console.out("\(a.counted("change")) to send and \(b) to get\(next)")
                }
            } else {
                Console.out("Not shared yet: record the team's remote with 'git remote add origin URL' (or 'abmsync init --remote URL').")
            }
            if status.localChanges.isEmpty {
                Console.out("No unrecorded edits.")
            } else {
                Console.out(status.syncWaits ? "Edits not recorded yet:" : "Edits not recorded yet (sync records and sends them):")
                for change in status.localChanges.prefix(30) { Console.out("  \(change)") }
                if status.localChanges.count > 30 { Console.out("  … and \(status.localChanges.count - 30) more") }
            }
            if status.mergeInProgress || !status.conflictMarkers.isEmpty {
                let files = Set(status.conflictMarkers.map(\.location.file)).sorted()
                if files.isEmpty {
                    Console.out("Teammates' changes are merged and every conflict is settled: run 'abmsync sync' to finish.")
                } else {
                    Console.out("Conflicts waiting for a decision in \(files.joined(separator: ", ")):")
                    Console.out("  see them with 'abmsync conflicts'; settle them with 'abmsync resolve' or by editing the file")
                }
            }
            for problem in status.unreadable where !status.localChanges.contains(where: { $0.subject == problem.location.file }) {
                Console.out("\(problem.location.file) cannot be read (line \(problem.location.line): \(problem.message)): 'abmsync validate' shows how to fix it.")
            }
            if let advice = SetupCheck.advice(status.setupGaps) { Console.out(advice) }
            Console.out("Plans: \(status.errors.counted("error")), \(status.warnings.counted("warning"))\(status.errors + status.warnings > 0 ? " ('abmsync validate' for details)" : "").")
            if status.errors > 0 || !status.conflictMarkers.isEmpty { throw ExitCode(ExitStatus.needsAttention) }
        }
    }
}
