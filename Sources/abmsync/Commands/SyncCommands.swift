import ABMCore
import ABMSync
import ArgumentParser
import Foundation

/// Options shared by the commands that talk to the shared remote.
struct RemoteArguments: ParsableArguments {
    @Flag(help: "Print no transfer progress.") var quiet = false

    func transferSettings() -> TransferSettings {
        // Progress is for people watching a terminal; scripts and hooks get none.
        guard !quiet, isatty(STDERR_FILENO) != 0 else { return TransferSettings() }
        let started = Date()
        return TransferSettings(progress: { step in ProgressPrinter.show(step, since: started) })
    }
}

enum ProgressPrinter {
    /// One updating line on the terminal: objects, bytes, rate.
    static func show(_ step: TransferStep, since started: Date) {
        let percent = step.doneObjects * 100 / max(step.totalObjects, 1)
        let mebibytes = Double(step.bytes) / 1_048_576
        let rate = mebibytes / max(Date().timeIntervalSince(started), 0.001)
        let verb = step.direction == .receiving ? "Receiving" : "Sending"
        let line = String(
            format: "\r%@ %d/%d objects (%d%%), %.1f MiB, %.1f MiB/s", verb, step.doneObjects, step.totalObjects,
            percent, mebibytes, rate)
        FileHandle.standardError.write(Data(line.utf8))
        if step.doneObjects >= step.totalObjects, step.totalObjects > 0 {
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }
}

/// Renders a sync report in plan terms.
enum SyncPrinter {
    /// Builds the engine for the repository, runs one operation, prints it, exits with its status.
    static func run(
        _ options: RepositoryOptions, _ remote: RemoteArguments, action: String,
        _ operation: (SyncEngine) throws -> SyncReport
    ) throws {
        let engine = SyncEngine(
            repository: try PlanRepository.locate(from: options.repository), transfer: remote.transferSettings(), today: Today.date)
        let report: SyncReport
        do {
            report = try operation(engine)
        } catch let error as AbmsyncError where !error.plansNeedAttention {
            // abmsync could not finish: say what was recorded before, and that it is safe.
            if let before = engine.reportBeforeFailure { printRecorded(before) }
            Console.err(error.rendered)
            if engine.reportBeforeFailure == nil {
                // It stopped before recording anything (identity, lock, setup): say so, not "recorded".
                Console.err("Nothing was recorded or sent: your edits are still in your files.")
            } else if let unsent = engine.unsentCommit() {
                Console.err("Your edits are recorded here (\(unsent)) and will be sent the next time a sync gets through.")
            }
            throw ExitCode(ExitStatus.operationalFailure)
        }
        let status = print(report, action: action)
        if let advice = SetupCheck.advice(SetupCheck.gaps(engine.repository)) { Console.err(advice) }
        if status != ExitStatus.ok { throw ExitCode(status) }
    }

    static func printRecorded(_ report: SyncReport) {
        if let merge = report.finishedMerge {
            let who = merge.authors.isEmpty ? "teammates" : merge.authors.joined(separator: ", ")
            Console.out("Finished the merge with the changes from \(who) (\(merge.commit)).")
            if !merge.brought.isEmpty { Console.out("Got from \(who):") }
            for change in merge.brought.prefix(20) { Console.out("  \(change)") }
            if merge.brought.count > 20 { Console.out("  … and \(merge.brought.count - 20) more") }
            if let checkpoint = report.checkpoint {
                Console.out("Your edits it keeps:")
                for change in checkpoint.changes.prefix(20) { Console.out("  \(change)") }
                if checkpoint.changes.count > 20 { Console.out("  … and \(checkpoint.changes.count - 20) more") }
            }
            return
        }
        if let checkpoint = report.checkpoint {
            Console.out("Recorded your edits (\(checkpoint.commit)):")
            for change in checkpoint.changes.prefix(20) { Console.out("  \(change)") }
            if checkpoint.changes.count > 20 { Console.out("  … and \(checkpoint.changes.count - 20) more") }
        }
    }

    static func print(_ report: SyncReport, action: String) -> Int32 {
        printRecorded(report)
        let status = printPull(report, action: action)
        if let kept = report.keptEdits {
            printKeptEdits(kept)
            return status == ExitStatus.ok || status == ExitStatus.offline ? ExitStatus.needsAttention : status
        }
        return status
    }

    /// Edits a pull kept out of the team's history because they have errors: what they are, what is
    /// wrong, and that they are safe.
    static func printKeptEdits(_ kept: (commit: String, changes: [PlanChange], errors: [Finding])) {
        let count = kept.errors.count
        Console.err("warning: your edits were kept here but not recorded for the team: they have \(count.counted("error"))")
        for change in kept.changes.prefix(20) { Console.err("  edited: \(change)") }
        if kept.changes.count > 20 { Console.err("  … and \(kept.changes.count - 20) more edits") }
        for finding in kept.errors.prefix(20) { Console.err("  \(finding.formatted)") }
        if count > 20 { Console.err("  … and \(count - 20) more errors (abmsync validate lists them all)") }
        Console.err(
            "  hint: fix \(count == 1 ? "it" : "them") in your files (abmsync validate shows how), then run 'abmsync sync' to send your edits; a copy is saved as \(kept.commit)")
    }

    private static func printPull(_ report: SyncReport, action: String) -> Int32 {
        if report.offline {
            Console.out(
                "Offline: \(report.remoteURL ?? report.remote) cannot be reached right now"
                    + (report.offlineReason.map { " (\($0))" } ?? "")
                    + ". Your edits are saved here and will be sent next time you sync.")
            return ExitStatus.offline
        }
        switch report.pullOutcome {
        case .upToDate?: if report.pushedCommits == 0 { Console.out("Up to date with \(report.remoteURL ?? report.remote).") }
        case .fastForwarded?, .merged?:
            let who = report.incomingAuthors.isEmpty ? "" : " from \(report.incomingAuthors.joined(separator: ", "))"
            guard !report.incoming.isEmpty else {
                Console.out("Got teammates' changes\(who); they change nothing in the plans.")
                if report.pullOutcome == .merged { Console.out("Merged them with yours; nothing conflicted.") }
                break
            }
            Console.out("Got teammates' changes\(who):")
            for change in report.incoming.prefix(30) { Console.out("  \(change)") }
            if report.incoming.count > 30 { Console.out("  … and \(report.incoming.count - 30) more") }
            if report.pullOutcome == .merged { Console.out("Merged them with yours; nothing conflicted.") }
        case .conflicts?:
            let who = report.incomingAuthors.isEmpty ? "teammates" : report.incomingAuthors.joined(separator: ", ")
            Console.out("Merged changes from \(who); \(report.conflicts.count) need\(report.conflicts.count == 1 ? "s" : "") a decision:")
            let teammate = report.incomingAuthors.count == 1 ? report.incomingAuthors[0] : nil
            let theirs = teammate.map { "\($0)'s" } ?? "teammates'"
            for conflict in report.conflicts {
                Console.out("  \(conflict.file):\(conflict.line): \(conflict.summary(teammate: teammate))")
            }
            Console.out("Everything else is merged. Open each file at the line shown, keep the right version and delete the")
            Console.out("<<<<<<< ======= >>>>>>> lines (or run 'abmsync resolve ACCOUNT --ours' to keep yours, '--theirs' to keep")
            Console.out("\(theirs)), then run 'abmsync sync'.")
            return ExitStatus.needsAttention
        case nil: break
        }
        if report.pushedCommits > 0 {
            Console.out("Sent \(report.pushedCommits.counted("change")) to \(report.remoteURL ?? report.remote).")
        } else if action == "push", report.pullOutcome == nil {
            Console.out("Nothing to send: \(report.remoteURL ?? report.remote) already has all your edits.")
        }
        return ExitStatus.ok
    }
}

extension AbmsyncCommand {
    struct Clone: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clone",
            abstract: "Get your own copy of the team's plans from the shared remote.",
            discussion: """
                Clones the plan repository, installs the hooks that check plans before each commit and push, and \
                sets up field-by-field merging. An empty remote becomes a new plan repository.

                Example:
                  abmsync clone git@github.com:acme/abm-plans.git
                """)

        @Argument(help: "The shared remote: https://…, ssh://…, git@host:path, or a folder.") var url: String
        @Argument(help: "Folder to create (default: from the URL).") var directory: String?
        @OptionGroup var remote: RemoteArguments

        func run() throws {
            let result = try CloneUseCase.run(
                url: url, directory: directory, transfer: remote.transferSettings(), executable: HookInstaller.currentExecutable())
            if result.initialisedEmptyRemote {
                Console.out("The remote was empty: \(result.root) is a new plan repository. Run 'abmsync sync' to share it.")
            } else {
                Console.out("Cloned the plans into \(result.root) (\(result.accountCount.counted("account"))).")
            }
            for line in result.setup { Console.out("  \(line)") }
        }
    }

    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull",
            abstract: "Get teammates' changes; your own edits are kept and merged field by field.",
            discussion: """
                Your edits are recorded first (nothing is ever overwritten), then teammates' changes are merged: \
                the account list and front matter field by field, plans section by section. What changed is \
                listed in plan terms; real conflicts are marked in the file and listed with how to settle them.
                Edits that have errors are kept in your files (and a private copy) but not recorded for the \
                team; the pull says what is wrong.
                Exit codes: 0 done, 1 conflicts to settle or edits with errors, 2 error, 75 offline (nothing \
                lost; try later).
                """)
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteArguments

        func run() throws {
            try SyncPrinter.run(options, remote, action: "pull") { try $0.pull() }
        }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Check your edits and send them to the team (merging theirs first if needed).",
            discussion: """
                Plans with errors are never sent: fix what 'abmsync validate' reports first. Nor is a commit \
                making a change its author may not make ('permissions:'; 'abmsync verify @{upstream}..HEAD' \
                shows the same): nothing is sent, the commits stay here. Edits are recorded \
                with a message in plan terms ("Acme Corp: stage evaluation → negotiation"). If a teammate sent \
                something meanwhile, it is merged and the push retried; abmsync never force-pushes.
                Exit codes: 0 sent, 1 errors or conflicts, 2 error, 75 offline (edits saved locally).
                """)
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteArguments

        func run() throws {
            try SyncPrinter.run(options, remote, action: "push") { try $0.push() }
        }
    }

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Pull then push: get teammates' changes and send yours.",
            discussion: """
                The everyday command. Offline is a normal state: your edits are recorded locally, one line says \
                they will be sent next time, and the exit code is 75 so scripts can tell.
                Exit codes: 0 in sync, 1 errors or conflicts, 2 error, 75 offline.
                """)
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteArguments
        @Flag(help: "Keep syncing while you edit: after each save settles, and every --interval seconds.")
        var watch = false
        @Option(help: ArgumentHelp("With --watch: seconds between syncs when nothing changes.", valueName: "seconds"))
        var interval: Int = 60
        @Option(help: .hidden) var watchCycles: Int?
        @Option(help: .hidden) var watchDebounce: Double = 3

        func validate() throws {
            if interval < 5 { throw ValidationError("--interval must be at least 5 seconds") }
        }

        func run() throws {
            guard watch else {
                try SyncPrinter.run(options, remote, action: "sync") { try $0.sync() }
                return
            }
            let repository = try PlanRepository.locate(from: options.repository)
            let engine = SyncEngine(repository: repository, transfer: remote.transferSettings(), today: Today.date)
            Console.out("Keeping \(repository.root) in sync (every \(interval) s and after each edit). Stop with Ctrl-C.")
            let loop = WatchLoop(
                root: repository.root, interval: TimeInterval(interval), debounce: watchDebounce,
                poll: min(1, watchDebounce))
            var wasOffline = false
            loop.run(maxSyncs: watchCycles, shouldStop: { false }, sync: { () throws(AbmsyncError) in try engine.sync() }) {
                report, event in
                switch event {
                case .offline:
                    if !wasOffline, let report { _ = SyncPrinter.print(report, action: "sync") }
                    wasOffline = true
                case .waitingForConflicts:
                    if let report { _ = SyncPrinter.print(report, action: "sync") }
                    Console.out("Paused: a conflict waits for you (see 'abmsync conflicts'). Syncing resumes once it is settled.")
                case .synced:
                    wasOffline = false
                    if let report, report.checkpoint != nil || report.pushedCommits > 0 || !report.incoming.isEmpty {
                        _ = SyncPrinter.print(report, action: "sync")
                    }
                case .failed(let message):
                    Console.err(message)
                }
            }
        }
    }
}
