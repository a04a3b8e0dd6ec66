/// `permissions:` in abmsync.yaml: who may make which kind of change. Pure data; `ChangeJudge`
/// evaluates a change against it.
///
/// Each kind of change lists who may make it: role names (`admin`, `exec`, `ae`, …) and the
/// relations `account-owners` (the account's ae, marketer and sponsor; for a tier 3 account also
/// its programme's owner), `cluster-owners` (the AEs and marketers of the cluster's other accounts)
/// and `program-owner` (`owner:` of the programme plan).
public struct Permissions: Sendable, Hashable {
    /// Someone a permission names.
    public enum Grantee: Hashable, Sendable, CustomStringConvertible {
        case role(Role)
        case accountOwners
        case clusterOwners
        case programOwner

        public init?(_ text: String) {
            switch text {
            case "account-owners": self = .accountOwners
            case "cluster-owners": self = .clusterOwners
            case "program-owner", "programme-owner": self = .programOwner
            default:
                guard let role = Role(rawValue: text) else { return nil }
                self = .role(role)
            }
        }

        public var description: String {
            switch self {
            case .role(let role): return role.rawValue
            case .accountOwners: return "account-owners"
            case .clusterOwners: return "cluster-owners"
            case .programOwner: return "program-owner"
            }
        }

        public static let relationNames = ["account-owners", "cluster-owners", "program-owner"]
    }

    /// The kinds of change, by their key under `permissions:`.
    public enum Change: String, Sendable, Hashable, CaseIterable {
        /// abmsync.yaml.
        case policy
        /// team.yaml.
        case team
        /// Moving an account between tiers (`tier`, and the `cluster` / `program` that come with it).
        case move
        /// The owner fields `ae`, `marketer`, `sponsor`.
        case owners
        /// A tier 3 account's hand-off `ae:` (set or cleared).
        case handoffAE = "handoff_ae"
        /// Any other field of an account.
        case fields
        case accountPlans = "account_plans"
        case clusterPlans = "cluster_plans"
        case programPlans = "program_plans"
        /// Who may edit a section reserved under `sections:`, besides the role it is reserved to.
        case sections
    }

    /// Adding or removing an account, per tier (`add_remove: {1: [...], 2: [...], 3: [...]}`).
    public var addRemove: [Tier: [Grantee]]
    public var grants: [Change: [Grantee]]

    public init(addRemove: [Tier: [Grantee]], grants: [Change: [Grantee]]) {
        self.addRemove = addRemove
        self.grants = grants
    }

    public func grantees(_ change: Change) -> [Grantee] { grants[change] ?? Permissions.defaults.grants[change] ?? [] }

    public func grantees(addingOrRemoving tier: Tier?) -> [Grantee] {
        let tier = tier ?? .strategic
        return addRemove[tier] ?? Permissions.defaults.addRemove[tier] ?? []
    }

    /// The account fields that name owners; changing them is `owners`. The one place this list lives.
    public static let ownerFields: Set<String> = ["ae", "marketer", "sponsor"]
    /// The fields that place an account in a tier; changing them is `move`.
    public static let placementFields: Set<String> = ["tier", "cluster", "program"]

    /// Issue 13's defaults: admins may change anything; execs anything but abmsync.yaml and team.yaml.
    public static let defaults: Permissions = {
        let adminExec: [Grantee] = [.role(.admin), .role(.exec)]
        return Permissions(
            addRemove: [
                .strategic: adminExec,
                .cluster: adminExec + [.clusterOwners],
                .programmatic: adminExec + [.programOwner],
            ],
            grants: [
                .policy: [.role(.admin)],
                .team: [.role(.admin)],
                .move: adminExec,
                .owners: adminExec,
                .handoffAE: adminExec + [.programOwner],
                .fields: adminExec + [.accountOwners],
                .accountPlans: adminExec + [.accountOwners],
                .clusterPlans: adminExec + [.clusterOwners],
                .programPlans: adminExec + [.programOwner],
                .sections: adminExec,
            ])
    }()
}
