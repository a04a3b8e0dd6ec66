import ABMCore

/// The files abmsync ships inside its binary (from templates/ and hooks/ in the source tree).
public enum BundledFiles {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    public static var policy: String { text(PackageResources.abmsync_yaml) }
    public static var team: String { text(PackageResources.team_yaml) }
    public static var accounts: String { text(PackageResources.accounts_yaml) }

    public static func planTemplate(_ kind: Plan.Kind) -> String {
        switch kind {
        case .account: return text(PackageResources.account_md)
        case .cluster: return text(PackageResources.cluster_md)
        case .program: return text(PackageResources.program_md)
        }
    }

    public static var preCommitHook: String { text(PackageResources.pre_commit) }
    public static var prePushHook: String { text(PackageResources.pre_push) }
}
