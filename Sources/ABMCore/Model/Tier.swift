/// The three ABM tiers.
public enum Tier: Int, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Strategic, 1:1: a fully custom plan per account.
    case strategic = 1
    /// Cluster, 1:few: accounts grouped by vertical, use case or stack; one plan per cluster.
    case cluster = 2
    /// Programmatic, 1:many: hundreds to thousands of accounts run through programmes.
    case programmatic = 3

    public static func < (lhs: Tier, rhs: Tier) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "tier \(rawValue)" }

    public var defaultName: String {
        switch self {
        case .strategic: return "Strategic (1:1)"
        case .cluster: return "Cluster (1:few)"
        case .programmatic: return "Programmatic (1:many)"
        }
    }
}
