import Foundation
import GitKit

/// Installs abmsync's git hooks, never silently replacing someone else's.
public enum HookInstaller {
    public enum Outcome: Equatable, Sendable {
        case installed(hook: String)
        case upToDate(hook: String)
        /// A foreign hook was moved to `<hook>.local` and is now run after abmsync's check.
        case chained(hook: String, movedTo: String)
        case updated(hook: String)
    }

    static let marker = "abmsync pre-"

    /// Installs pre-commit and pre-push into the repository's hooks folder. `executable` is the
    /// abmsync binary the hooks call (falling back to `abmsync` on PATH if it moves).
    public static func install(in repository: Repository, executable: String) throws(AbmsyncError) -> [Outcome] {
        let gitFolder = repository.gitDirectory
        var outcomes: [Outcome] = []
        for (name, template) in [("pre-commit", BundledFiles.preCommitHook), ("pre-push", BundledFiles.prePushHook)] {
            let hook = try RepositoryPath("hooks/" + name, in: gitFolder)
            let path = hook.full
            let content = template.replacingOccurrences(of: "@ABMSYNC_PATH@", with: executable)
            if let existing = try hook.read().map({ String(decoding: $0, as: UTF8.self) }) {
                if existing == content {
                    outcomes.append(.upToDate(hook: name))
                    continue
                }
                if existing.contains(marker) {
                    try hook.write(content, permissions: 0o755)
                    outcomes.append(.updated(hook: name))
                    continue
                }
                let local = path + ".local"
                if try RepositoryPath("hooks/\(name).local", in: gitFolder).exists() {
                    throw .alreadyExists(
                        what: "a foreign '\(name)' hook and '\(name).local'", location: nil,
                        hint: "abmsync would chain your hook as '\(local)', but that file exists; merge them by hand")
                }
                guard rename(path, local) == 0 else {
                    throw .io(path: path, action: "move the existing hook", reason: String(cString: strerror(errno)))
                }
                try hook.write(content, permissions: 0o755)
                outcomes.append(.chained(hook: name, movedTo: local))
            } else {
                try hook.write(content, permissions: 0o755)
                outcomes.append(.installed(hook: name))
            }
        }
        return outcomes
    }

    /// The path of the running abmsync binary.
    public static func currentExecutable() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

extension HookInstaller.Outcome {
    public var summary: String {
        switch self {
        case .installed(let hook): return "installed the \(hook) hook (plans are checked before every \(hook == "pre-commit" ? "commit" : "push"))"
        case .upToDate(let hook): return "\(hook) hook already installed"
        case .updated(let hook): return "updated the \(hook) hook"
        case .chained(let hook, let movedTo):
            return "your existing \(hook) hook was kept as '\(movedTo)' and now runs after abmsync's check"
        }
    }

    public var changedSomething: Bool {
        if case .upToDate = self { return false }
        return true
    }
}
