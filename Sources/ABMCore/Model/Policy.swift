/// abmsync.yaml: the team's rules. Every number has the SPEC's default and can be changed.
public struct Policy: Sendable {
    public struct TierPolicy: Sendable, Hashable {
        public var name: String
        /// Account fields each account of the tier must fill (`ae`, `marketer`, `sponsor`, `cluster`, `program`).
        public var requires: [String]
        /// Whether an account plan (accounts/<id>.md) is required, optional or not expected.
        public var planRequired: Bool
        /// Sections an account plan of this tier must have.
        public var sections: [String]
        public var maxAccounts: Int?
        public var maxPerAE: Int?
        public var maxPerMarketer: Int?
        public var minACV: Int?
        public var staleAfterDays: Int?
        public var minStakeholders: Int?
        public var clusterSize: ClosedRange<Int>?

        public init(
            name: String, requires: [String] = [], planRequired: Bool = false, sections: [String] = [],
            maxAccounts: Int? = nil, maxPerAE: Int? = nil, maxPerMarketer: Int? = nil, minACV: Int? = nil,
            staleAfterDays: Int? = nil, minStakeholders: Int? = nil, clusterSize: ClosedRange<Int>? = nil
        ) {
            self.name = name
            self.requires = requires
            self.planRequired = planRequired
            self.sections = sections
            self.maxAccounts = maxAccounts
            self.maxPerAE = maxPerAE
            self.maxPerMarketer = maxPerMarketer
            self.minACV = minACV
            self.staleAfterDays = staleAfterDays
            self.minStakeholders = minStakeholders
            self.clusterSize = clusterSize
        }
    }

    /// `scoring:`: the objective tier suggestion (`abmsync tiers score`, Sources/ABMCore/Planning/TierScore.swift).
    public struct Scoring: Sendable, Hashable {
        /// Input → weight (`acv`, `cycle`, `buying_group`, `intent`, `strategic`); a weight left out is 0.
        public var weights: [String: Double]
        public var tier1At: Double
        public var tier2At: Double
        /// ACV that scores 1 (`acv_top`); the log scale starts at the lowest tier `min_acv`.
        public var acvTop: Int = 1_000_000
        /// Sales-cycle months that score 1 (`cycle_top`); the scale is linear from 0.
        public var cycleTop: Int = 18
        /// Stakeholders that score 1 (`buying_group_top`); linear from 0.
        public var buyingGroupTop: Int = 10
        /// Stakeholders assumed, by current tier, when the account has no plan listing any (`buying_group_default`).
        public var buyingGroupDefault: [Tier: Int] = [.strategic: 6, .cluster: 4, .programmatic: 2]

        /// The inputs a weight can be given for.
        public static let inputs = ["acv", "cycle", "buying_group", "intent", "strategic"]
        /// The keys of `scoring:` (templates/schemas/policy.schema.json lists the same: `ScoringPolicyTests`).
        public static let keys = ["weights", "tier1_at", "tier2_at", "acv_top", "cycle_top", "buying_group_top", "buying_group_default"]
    }

    /// How a rule's findings are reported, as set under `rules:`.
    public enum RuleLevel: String, Sendable, Hashable { case off, warning, error }

    public var version: Int
    public var stages: [String]
    public var reviewEveryDays: Int
    public var tiers: [Tier: TierPolicy]
    /// A tier 1 owner may not also own a tier 3 programme.
    public var separation: Bool
    public var scoring: Scoring
    /// Plan sections only the listed roles may edit: role → section titles.
    public var sectionOwners: [Role: [String]]
    /// Sections a cluster plan must have (`clusters/<id>.md`).
    public var clusterSections: [String]
    /// Sections a programme plan must have (`programs/<id>.md`).
    public var programSections: [String]
    /// Per-rule severity overrides.
    public var ruleLevels: [String: RuleLevel]
    /// Who may change what (`permissions:`); issue 13's defaults when absent.
    public var permissions: Permissions = .defaults

    public func tier(_ tier: Tier) -> TierPolicy {
        tiers[tier] ?? TierPolicy(name: tier.defaultName)
    }

    /// The defaults written in the SPEC (and in templates/abmsync.yaml).
    public static let defaults = Policy(
        version: 1,
        stages: ["target", "engaged", "opportunity", "evaluation", "negotiation", "won", "lost"],
        reviewEveryDays: 90,
        tiers: [
            .strategic: TierPolicy(
                name: "Strategic (1:1)", requires: ["ae", "marketer", "sponsor"], planRequired: true,
                sections: ["Summary", "Objectives", "Buying Group", "Plays", "Sales Actions", "KPIs", "Review Log"],
                maxAccounts: 20, maxPerAE: 5, minACV: 100_000, staleAfterDays: 365, minStakeholders: 6),
            .cluster: TierPolicy(
                name: "Cluster (1:few)", requires: ["ae", "cluster"], maxPerAE: 15, minACV: 25_000,
                clusterSize: 5...15),
            .programmatic: TierPolicy(name: "Programmatic (1:many)", requires: ["program"]),
        ],
        separation: true,
        scoring: Scoring(
            weights: ["acv": 0.4, "cycle": 0.2, "buying_group": 0.2, "intent": 0.2], tier1At: 0.75, tier2At: 0.45),
        sectionOwners: [.ae: ["Buying Group", "Sales Actions"], .marketing: ["Plays", "Messaging"]],
        clusterSections: [],
        programSections: [],
        ruleLevels: [:])
}
