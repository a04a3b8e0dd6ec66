import ABMSync
import ArgumentParser

extension AbmsyncCommand {
    struct MergeDriverCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge-driver",
            abstract: "Merge one file for git (used by 'git merge'; you do not run this yourself).",
            discussion: """
                git calls this for abmsync's files (see .gitattributes) with driver = abmsync merge-driver %O %A %B %P. \
                The account list and front matter merge field by field, plan bodies section by section and item by \
                item; the result is written into OURS. Exit 0 when clean, 1 when conflicts remain (marked in the \
                file and listed here), 2 when the merge could not run (OURS is then untouched).
                """)

        @Argument(help: "The common ancestor's version (%O).") var base: String
        @Argument(help: "Our version (%A); receives the result.") var ours: String
        @Argument(help: "Their version (%B).") var theirs: String
        @Argument(help: "The file's path in the repository (%P), which decides how it is merged.") var path: String

        func run() throws {
            let result = try MergeDriver.run(base: base, ours: ours, theirs: theirs, path: path)
            guard !result.conflicts.isEmpty else { return }
            Console.err("abmsync: \(path): \(result.conflicts.count.counted("conflict")) to settle:")
            for conflict in result.conflicts { Console.err("  \(conflict.summary) (line \(conflict.line))") }
            Console.err("  settle them with 'abmsync resolve ACCOUNT --ours|--theirs' ('abmsync conflicts' lists each)")
            throw ExitCode(ExitStatus.needsAttention)
        }
    }
}
