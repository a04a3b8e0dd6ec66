import Foundation
import GitKit

/// What this copy lacks of abmsync's set-up: a copy made with plain `git clone` (or whose hooks were
/// removed) has no check before commits and no field-by-field merging in `git merge`, and nothing
/// else would tell the person. `abmsync hooks install` sets up all of it.
public enum SetupCheck {
    public enum Gap: Equatable, Sendable {
        /// No pre-commit hook that runs abmsync (its own, or the pre-commit framework's with
        /// abmsync-validate in .pre-commit-config.yaml).
        case commitCheck
        /// No pre-push hook that runs abmsync (only looked for when the commit check is abmsync's own).
        case pushCheck
        /// `git merge` would merge plans line by line: no merge driver configured, or no attribute
        /// lines naming it.
        case mergeDriver
    }

    public static func gaps(_ repository: PlanRepository) -> [Gap] {
        let git = repository.git
        var gaps: [Gap] = []
        // A copy whose hooks live elsewhere (core.hooksPath) has them managed by the team's own
        // tooling, which `abmsync hooks install` does not write to: only the merge set-up is checked.
        let hooksPath = (try? git.configString("core.hooksPath")) ?? nil
        if hooksPath?.isEmpty ?? true {
            let hooks = git.gitDirectory + "hooks"
            let preCommit = read(hooks + "/pre-commit")
            let framework = read(repository.path(".pre-commit-config.yaml"))?.contains("abmsync-validate") == true
            if let preCommit, preCommit.contains(HookInstaller.marker) {
                if read(hooks + "/pre-push")?.contains(HookInstaller.marker) != true { gaps.append(.pushCheck) }
            } else if !(framework && preCommit != nil) {
                gaps.append(.commitCheck)
            }
        }
        let driver = (try? git.configString("merge.abmsync.driver")) ?? nil
        if driver?.contains("merge-driver") != true || !Initializer.missingAttributes(git, root: repository.root).isEmpty {
            gaps.append(.mergeDriver)
        }
        return gaps
    }

    /// One line for the person, naming the command that fixes every gap; nil when nothing is missing.
    public static func advice(_ gaps: [Gap]) -> String? {
        guard !gaps.isEmpty else { return nil }
        var missing: [String] = []
        if gaps.contains(.commitCheck) { missing.append("plans are not checked before each commit") }
        if gaps.contains(.pushCheck) { missing.append("commits are not checked before each push") }
        if gaps.contains(.mergeDriver) { missing.append("'git merge' does not merge plans field by field") }
        return "Set-up: in this copy \(missing.joined(separator: " and ")): run 'abmsync hooks install' (once per copy)."
    }

    private static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
