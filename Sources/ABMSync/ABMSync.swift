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

    /// The plan of a tier 2 or 3 account, which its cluster or programme plan mostly covers.
    public static var lightAccountTemplate: String { text(PackageResources.account_light_md) }

    /// JSON Schemas for editors (yaml-language-server) and for teams' own tooling: file name → content.
    public static var schemas: [(name: String, content: String)] {
        [
            ("accounts.schema.json", text(PackageResources.accounts_schema_json)),
            ("team.schema.json", text(PackageResources.team_schema_json)),
            ("policy.schema.json", text(PackageResources.policy_schema_json)),
            ("plan.schema.json", text(PackageResources.plan_schema_json)),
        ]
    }

    /// Where init and `abmsync schema` put them, relative to the repository root.
    public static let schemaFolder = ".abmsync/schemas"

    public static var preCommitHook: String { text(PackageResources.pre_commit) }
    public static var prePushHook: String { text(PackageResources.pre_push) }
}
