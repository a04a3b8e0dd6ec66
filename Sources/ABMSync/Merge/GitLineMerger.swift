import ABMCore
import GitKit

/// The line merge abmsync falls back to, confined to what the structured merge could not split:
/// libgit2's xdiff merge (the same as `git merge-file`).
public struct GitLineMerger: LineMerger {
    public init() {}

    public func merge(base: String, ours: String, theirs: String, labels: LineMergeLabels) -> TextMergeResult {
        do {
            let result = try LineMerge.merge(
                base: Array(base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8),
                labels: (labels.base, labels.ours, labels.theirs))
            return TextMergeResult(text: String(decoding: result.text, as: UTF8.self), isClean: result.isClean)
        } catch {
            // libgit2 could not merge: keep both versions, marked, rather than drop one.
            let nl = ours.utf8.last == UInt8(ascii: "\n") ? "" : "\n"
            let nl2 = theirs.utf8.last == UInt8(ascii: "\n") ? "" : "\n"
            return TextMergeResult(
                text: "<<<<<<< \(labels.ours)\n\(ours)\(nl)=======\n\(theirs)\(nl2)>>>>>>> \(labels.theirs)\n",
                isClean: false)
        }
    }
}
