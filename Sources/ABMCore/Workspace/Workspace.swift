/// The plan repository's files, by their fixed names.
public enum WorkspaceFile {
    public static let policy = "abmsync.yaml"
    public static let team = "team.yaml"
    public static let accounts = "accounts.yaml"

    /// Size limits: beyond these a file is refused unread (alias bombs and pasted dumps stay out).
    public static let maxListBytes = 64 * 1024 * 1024
    public static let maxPlanBytes = 2 * 1024 * 1024

    /// The plan kind a path belongs to (`accounts/acme.md` → account), nil for any other file.
    public static func planKind(of path: String) -> Plan.Kind? {
        // Byte-wise: this runs for every file of the index.
        let utf8 = path.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")), !utf8[utf8.index(after: slash)...].contains(UInt8(ascii: "/")),
            path.hasSuffix(".md")
        else { return nil }
        let folder = utf8[..<slash]
        return Plan.Kind.allCases.first { folder.elementsEqual($0.folder.utf8) }
    }

    /// `name.hasSuffix(".md")`, decided from the last bytes when they settle it: this runs for every
    /// plan of the repository, and `hasSuffix` compares characters.
    public static func hasPlanExtension(_ name: String) -> Bool {
        let settled = name.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            let count = bytes.count
            guard count >= 3, bytes[count - 3] == UInt8(ascii: "."), bytes[count - 2] == UInt8(ascii: "m"),
                bytes[count - 1] == UInt8(ascii: "d")
            else { return false }
            // After an ASCII byte, "." starts a new character (grapheme cluster); otherwise ask.
            return count == 3 || bytes[count - 4] < 0x80 ? true : nil
        }
        if let settled, let answer = settled { return answer }
        return name.hasSuffix(".md")
    }

    /// True for every file abmsync reads.
    public static func isPlanData(_ path: String) -> Bool {
        path == policy || path == team || path == accounts || planKind(of: path) != nil
    }
}

/// Everything in a plan repository, parsed: policy, team, the account list and the plans.
public struct Workspace: Sendable {
    public var policy: Policy
    public var team: Team
    /// Accounts in the order of accounts.yaml.
    public var accounts: [Account]
    /// What the cross-file rules need of each plan file, in path order.
    public var plans: [PlanFacts]
    /// Parsed YAML roots by path, for rules that look at raw structure.
    public var documents: [String: YAMLNode]
    /// Which files were present.
    public var presentFiles: Set<String>
    /// Files that are there but could not be read (broken YAML, conflict markers, bad bytes, a
    /// link…), each already reported once where it breaks. What they would say is unknown, so the
    /// rules that need it hold back instead of judging an empty list (`WorkspaceLoader.unreadableFiles`).
    public var unreadableFiles: Set<String>

    private var accountIndex: [String: Int]
    private var planIndex: [String: Int]

    public init(
        policy: Policy, team: Team, accounts: [Account], plans: [PlanFacts], documents: [String: YAMLNode] = [:],
        presentFiles: Set<String> = [], unreadableFiles: Set<String> = []
    ) {
        self.unreadableFiles = unreadableFiles
        self.policy = policy
        self.team = team
        self.accounts = accounts
        self.plans = plans
        self.documents = documents
        self.presentFiles = presentFiles
        var index: [String: Int] = [:]
        for (position, account) in accounts.enumerated() where index[account.id.value] == nil {
            index[account.id.value] = position
        }
        accountIndex = index
        var plansByPath: [String: Int] = [:]
        for (position, plan) in plans.enumerated() { plansByPath[plan.path] = position }
        planIndex = plansByPath
    }

    public func account(_ id: String) -> Account? {
        accountIndex[id].map { accounts[$0] }
    }

    public func plan(_ kind: Plan.Kind, _ id: String) -> PlanFacts? {
        planIndex["\(kind.folder)/\(id).md"].map { plans[$0] }
    }

    /// True when `path` is there but could not be read (or, for a plan, its front matter could not).
    public func isUnreadable(_ path: String) -> Bool { !unreadableFiles.isEmpty && unreadableFiles.contains(path) }

    /// True when the plan file is there but could not be read: it is not missing, and what it says is unknown.
    public func isUnreadable(_ kind: Plan.Kind, _ id: String) -> Bool {
        !unreadableFiles.isEmpty && unreadableFiles.contains("\(kind.folder)/\(id).md")
    }
}
