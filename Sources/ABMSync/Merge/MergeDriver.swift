import ABMCore
import Foundation
import GitKit

/// `abmsync merge-driver BASE OURS THEIRS PATH`, git's merge-driver convention
/// (`driver = abmsync merge-driver %O %A %B %P`): the result goes into OURS.
public enum MergeDriver {
    public struct Result: Sendable {
        public var conflicts: [MergeConflict]
        /// Why the structured merge fell back to a line merge, if it did.
        public var fallbackReason: String?
    }

    public static func run(base: String, ours: String, theirs: String, path: String) throws(AbmsyncError) -> Result {
        let baseBytes = try read(base)
        let ourBytes = try read(ours)
        let theirBytes = try read(theirs)
        let merged: [UInt8]
        var result = Result(conflicts: [], fallbackReason: nil)
        if let b = try? PlanText.decode(baseBytes), let o = try? PlanText.decode(ourBytes),
            let t = try? PlanText.decode(theirBytes)
        {
            // git passes an empty file as BASE when both sides added the file.
            let outcome = StructuredMerge.merge(
                path: path, base: baseBytes.isEmpty ? nil : b, ours: o, theirs: t, lineMerger: GitLineMerger())
            merged = Array(outcome.text.utf8)
            result.conflicts = outcome.conflicts
            result.fallbackReason = outcome.lineMergeFallback
            if !outcome.isClean, outcome.conflicts.isEmpty {
                result.conflicts = [
                    MergeConflict(file: path, path: [], kind: .bothChanged, base: nil, ours: nil, theirs: nil, line: 1)
                ]
            }
        } else {
            // Not text abmsync can read: git's own line merge, byte for byte.
            do {
                let line = try LineMerge.merge(
                    base: baseBytes, ours: ourBytes, theirs: theirBytes, labels: ("base", "ours", "theirs"))
                merged = line.text
                if !line.isClean {
                    result.conflicts = [
                        MergeConflict(file: path, path: [], kind: .bothChanged, base: nil, ours: nil, theirs: nil, line: 1)
                    ]
                }
                result.fallbackReason = "not UTF-8 text"
            } catch {
                throw .git(error)
            }
        }
        try FileSystem.writeAtomically(merged, to: ours)
        return result
    }

    private static func read(_ path: String) throws(AbmsyncError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, action: "read", reason: FileSystem.exists(path) ? "permission denied" : "no such file")
        }
        return Array(data)
    }
}
