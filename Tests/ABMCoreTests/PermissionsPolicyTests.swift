import Testing

@testable import ABMCore

/// `permissions:` in abmsync.yaml: defaults when absent, overrides when written, an error naming
/// the line for a bad block.
struct PermissionsPolicyTests {
    @Test func absentPermissionsAreIssue13Defaults() {
        let policy = Fixture().load().workspace.policy
        #expect(policy.permissions == .defaults)
        #expect(policy.permissions.grantees(.policy) == [.role(.admin)])
        #expect(policy.permissions.grantees(.team) == [.role(.admin)])
        #expect(policy.permissions.grantees(addingOrRemoving: .cluster).contains(.clusterOwners))
        #expect(policy.permissions.grantees(.fields).contains(.accountOwners))
        #expect(!policy.permissions.grantees(.move).contains(.accountOwners))
    }

    @Test func writtenPermissionsOverrideOnlyWhatTheyName() {
        let load = Fixture().appending(
            """
            permissions:
              move: [admin, exec, ae]
              add_remove:
                2: [admin]

            """, to: "abmsync.yaml"
        ).load()
        let permissions = load.workspace.policy.permissions
        #expect(load.findings.filter { $0.severity == .error }.isEmpty)
        #expect(permissions.grantees(.move) == [.role(.admin), .role(.exec), .role(.ae)])
        #expect(permissions.grantees(addingOrRemoving: .cluster) == [.role(.admin)])
        #expect(permissions.grantees(addingOrRemoving: .strategic) == Permissions.defaults.grantees(addingOrRemoving: .strategic))
        #expect(permissions.grantees(.owners) == Permissions.defaults.grantees(.owners))
    }

    @Test func badPermissionsBlockIsAnErrorAtItsLine() throws {
        // `permissions:` goes on the line after the policy's last one.
        let lines = Fixture.policy.split(separator: "\n", omittingEmptySubsequences: false).count
        let load = Fixture().appending(
            """
            permissions:
              mvoe: [admin]
              owners: [admin, boss]
              fields: admin

            """, to: "abmsync.yaml"
        ).load()
        let errors = load.findings.filter { $0.severity == .error && $0.location.file == "abmsync.yaml" }
        let byLine = Dictionary(grouping: errors, by: \.location.line)
        #expect(byLine[lines + 1]?.first?.message.contains("unknown permission 'mvoe' — did you mean 'move'?") == true)
        #expect(byLine[lines + 2]?.first?.message.contains("unknown role 'boss'") == true)
        #expect(byLine[lines + 3]?.first?.message.contains("'fields' must be a list of roles") == true)
        // Nothing gains a permission from a broken line: the defaults stay.
        #expect(load.workspace.policy.permissions == .defaults)
    }

    /// `add_remove:` and `tiers:` read their tier keys the same way: a key that is no tier is an
    /// error at its line, and the tiers that are kept.
    @Test func aKeyThatIsNoTierIsAnErrorWhereverTiersAreKeys() {
        let load = Fixture().appending(
            """
            permissions:
              add_remove:
                4: [admin]
                2: [admin]

            """, to: "abmsync.yaml"
        ).load()
        #expect(load.findings.contains { $0.rule == "policy-shape" && $0.message == "unknown tier '4' under 'add_remove'" })
        #expect(load.workspace.policy.permissions.grantees(addingOrRemoving: .cluster) == [.role(.admin)])
        let tiers = Fixture().replacing("tiers:\n", with: "tiers:\n  strategic: {}\n", in: "abmsync.yaml").load()
        #expect(tiers.findings.contains { $0.rule == "policy-shape" && $0.message == "unknown tier 'strategic'" }, "\(tiers.findings)")
    }

    @Test func permissionsThatAreNotAMappingAreAnError() {
        let load = Fixture().appending("permissions: [admin]\n", to: "abmsync.yaml").load()
        #expect(load.findings.contains { $0.rule == "file-shape" && $0.message.contains("'permissions' must be a mapping") })
    }
}
