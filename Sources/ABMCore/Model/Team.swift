/// What a person does on the team. Roles decide which account fields they may fill and which plan
/// sections they may edit.
public enum Role: String, Hashable, Sendable, CaseIterable {
    case ae
    case marketing
    case sdr
    case marketingOps = "marketing-ops"
    case exec
    case admin

    public var title: String {
        switch self {
        case .ae: return "account executive"
        case .marketing: return "marketer"
        case .sdr: return "SDR"
        case .marketingOps: return "marketing ops"
        case .exec: return "executive"
        case .admin: return "admin"
        }
    }
}

/// Someone on the team (team.yaml).
public struct Person: Hashable, Sendable {
    public var id: Located<String>
    public var name: String
    public var email: String?
    public var roles: [Role]
    /// Role names in the file that abmsync does not know, with where they are.
    public var unknownRoles: [Located<String>]

    public init(id: Located<String>, name: String, email: String?, roles: [Role], unknownRoles: [Located<String>] = []) {
        self.id = id
        self.name = name
        self.email = email
        self.roles = roles
        self.unknownRoles = unknownRoles
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }
}

/// team.yaml: everyone who may own accounts, plans or programmes.
public struct Team: Sendable {
    public var people: [Person]
    private var byID: [String: Int]

    public init(people: [Person]) {
        self.people = people
        var index: [String: Int] = [:]
        for (position, person) in people.enumerated() where index[person.id.value] == nil {
            index[person.id.value] = position
        }
        byID = index
    }

    public subscript(id: String) -> Person? {
        byID[id].map { people[$0] }
    }

    /// The person whose email matches (case-insensitively), as git identities are matched to people.
    public func person(withEmail email: String) -> Person? {
        let wanted = email.lowercased()
        return people.first { $0.email?.lowercased() == wanted }
    }
}
