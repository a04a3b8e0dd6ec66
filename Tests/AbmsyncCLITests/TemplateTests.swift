import ABMTestSupport
import Foundation
import Testing

/// The plan templates `new` writes: what a person does next with them (uncomment the example,
/// fill in the owner) gives a plan that validates, and each kind gets its own template.
@Suite struct TemplateTests {
    func repository() -> (TemporaryDirectory, String) {
        let temp = TemporaryDirectory()
        precondition(CLITests.abmsync(["init", "p"], in: temp.path).status == 0)
        return (temp, temp.file("p"))
    }

    func findings(_ root: String, in file: String) -> [Substring] {
        CLITests.abmsync(["validate"], in: root).stdout.split(separator: "\n").filter { $0.contains("  \(file):") }
    }

    @Test func uncommentingTheStakeholderExampleGivesAValidBuyingGroup() throws {
        let (temp, root) = repository()
        let added = CLITests.abmsync(
            ["new", "account", "umbrella", "--name", "Umbrella", "--tier", "1", "--ae", "jane", "--marketer", "sam",
             "--sponsor", "vp", "--acv", "450000"], in: root)
        #expect(added.status == 0, "\(added.combined)")
        let plan = try #require(temp.read("p/accounts/umbrella.md"))
        // What a person does: delete the '# ' in front of the example lines.
        var lines: [String] = []
        for line in plan.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  # - ") || line.hasPrefix("  #   ") {
                lines.append("  " + line.dropFirst(4))
            } else {
                lines.append(String(line))
            }
        }
        let uncommented = lines.joined(separator: "\n")
        #expect(uncommented != plan, "the template has a commented stakeholder example")
        temp.write("p/accounts/umbrella.md", uncommented)
        let found = findings(root, in: "accounts/umbrella.md")
        #expect(!found.contains { $0.contains("yaml-syntax") || $0.contains("plan-id") }, "\(found)")
        #expect(found.contains { $0.contains("maps 1 stakeholder;") }, "\(found)")
        withExtendedLifetime(temp) {}
    }

    @Test func aTier2PlanIsNotTheStrategicTemplate() throws {
        let (temp, root) = repository()
        #expect(CLITests.abmsync(["new", "cluster", "fintech", "--name", "Fintech", "--owner", "sam"], in: root).status == 0)
        let added = CLITests.abmsync(
            ["new", "account", "globex", "--name", "Globex", "--tier", "2", "--ae", "jane", "--cluster", "fintech",
             "--acv", "60000", "--plan"], in: root)
        #expect(added.status == 0, "\(added.combined)")
        let plan = try #require(temp.read("p/accounts/globex.md"))
        #expect(!plan.contains("strategic"), "\(plan)")
        #expect(!plan.contains("tier 1"), "\(plan)")
        #expect(plan.contains("# Globex — account plan (tier 2, cluster fintech)"), "\(plan)")
        #expect(findings(root, in: "accounts/globex.md").isEmpty)
        let programme = CLITests.abmsync(["new", "programme", "mid", "--owner", "ops"], in: root)
        #expect(programme.status == 0)
        let tier3 = CLITests.abmsync(
            ["new", "account", "initech", "--name", "Initech", "--tier", "3", "--program", "mid", "--plan"], in: root)
        #expect(tier3.status == 0, "\(tier3.combined)")
        let tier3Plan = try #require(temp.read("p/accounts/initech.md"))
        #expect(tier3Plan.contains("# Initech — account plan (tier 3, programme mid)"), "\(tier3Plan)")
        withExtendedLifetime(temp) {}
    }

    @Test func aClusterOwnerIsInTheFrontMatter() throws {
        let (temp, root) = repository()
        #expect(CLITests.abmsync(["new", "cluster", "fintech", "--name", "Fintech", "--owner", "sam"], in: root).status == 0)
        let plan = try #require(temp.read("p/clusters/fintech.md"))
        let frontMatter = plan.components(separatedBy: "\n---\n").first ?? ""
        #expect(frontMatter.contains("\nowner: sam"), "\(plan)")
        // Without --owner the field is there, empty, for the team to fill in (and not an unknown person).
        #expect(CLITests.abmsync(["new", "cluster", "retail", "--name", "Retail"], in: root).status == 0)
        let unowned = try #require(temp.read("p/clusters/retail.md"))
        #expect(unowned.contains("\nowner: \"\""), "\(unowned)")
        #expect(!findings(root, in: "clusters/retail.md").contains { $0.contains("unknown-person") })
        // A cluster owner who is not in team.yaml is reported.
        temp.write("p/clusters/fintech.md", plan.replacingOccurrences(of: "\nowner: sam", with: "\nowner: samm"))
        let found = findings(root, in: "clusters/fintech.md")
        #expect(found.contains { $0.contains("unknown-person") && $0.contains("the owner of cluster 'fintech' is 'samm'") }, "\(found)")
        withExtendedLifetime(temp) {}
    }
}
