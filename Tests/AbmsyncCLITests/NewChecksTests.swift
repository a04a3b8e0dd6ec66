import ABMTestSupport
import Foundation
import Testing

/// `new` runs validate's rules on what it would write and refuses, writing nothing and exiting 1,
/// with the finding validate would give; `new plan` writes the plan validate asks for.
@Suite struct NewChecksTests {
    func repository() -> (TemporaryDirectory, String) {
        let temp = TemporaryDirectory()
        precondition(CLITests.abmsync(["init", "p"], in: temp.path).status == 0)
        return (temp, temp.file("p"))
    }

    /// The files of the plan repository, by path, to see that nothing was written.
    func snapshot(_ temp: TemporaryDirectory) -> [String: String] {
        var files: [String: String] = [:]
        let root = temp.file("p")
        for case let path as String in FileManager.default.enumerator(atPath: root)! where !path.hasPrefix(".git/") {
            if let text = temp.read("p/" + path) { files[path] = text }
        }
        return files
    }

    @Test func anUnknownClusterOrProgrammeIsRefusedWithValidatesFinding() throws {
        let (temp, root) = repository()
        let before = snapshot(temp)
        let tier2 = CLITests.abmsync(
            ["new", "account", "globex", "--name", "Globex", "--tier", "2", "--ae", "jane", "--cluster", "fintek",
             "--acv", "60000"], in: root)
        #expect(tier2.status == 1, "\(tier2.combined)")
        #expect(tier2.stderr.contains("Globex (globex) was not added: validate would reject it; nothing was written"), "\(tier2.stderr)")
        #expect(tier2.stderr.contains(#/accounts\.yaml:\d+:\d+: error\[unknown-cluster\]: 'Globex' is in cluster 'fintek'/#), "\(tier2.stderr)")
        let tier3 = CLITests.abmsync(["new", "account", "initech", "--tier", "3", "--program", "mid-markt"], in: root)
        #expect(tier3.status == 1, "\(tier3.combined)")
        #expect(tier3.stderr.contains(#/accounts\.yaml:\d+:\d+: error\[unknown-program\]/#), "\(tier3.stderr)")
        #expect(snapshot(temp) == before, "nothing written")
        // With the cluster there, the same command goes through, and validate has nothing to say about the account.
        #expect(CLITests.abmsync(["new", "cluster", "fintek", "--owner", "sam"], in: root).status == 0)
        let again = CLITests.abmsync(
            ["new", "account", "globex", "--name", "Globex", "--tier", "2", "--ae", "jane", "--cluster", "fintek",
             "--acv", "60000"], in: root)
        #expect(again.status == 0, "\(again.combined)")
        let validate = CLITests.abmsync(["validate"], in: root)
        #expect(!validate.stdout.contains("Globex (globex)"), "\(validate.stdout)")
        withExtendedLifetime(temp) {}
    }

    @Test func anAEsSixthTier1AccountIsRefused() throws {
        let (temp, root) = repository()
        for number in 1...5 {
            let added = CLITests.abmsync(
                ["new", "account", "acct-\(number)", "--name", "Acct \(number)", "--tier", "1", "--ae", "jane", "--marketer",
                 "sam", "--sponsor", "vp", "--acv", "450000"], in: root)
            #expect(added.status == 0, "\(added.combined)")
        }
        let before = snapshot(temp)
        let sixth = CLITests.abmsync(
            ["new", "account", "acct-6", "--name", "Acct 6", "--tier", "1", "--ae", "jane", "--marketer", "sam", "--sponsor",
             "vp", "--acv", "450000"], in: root)
        #expect(sixth.status == 1, "\(sixth.combined)")
        #expect(
            sixth.stderr.contains(#/accounts\.yaml:\d+:\d+: error\[ae-capacity\]: 'Jane Doe' \(jane\) is AE for 6 tier 1 accounts, over the limit of 5/#),
            "\(sixth.stderr)")
        #expect(snapshot(temp) == before, "neither accounts.yaml nor accounts/acct-6.md written")
        #expect(CLITests.abmsync(["validate"], in: root).status == 0, "the five are still fine")
        withExtendedLifetime(temp) {}
    }

    @Test func errorsAlreadyInTheFilesDoNotStopNew() throws {
        let (temp, root) = repository()
        #expect(CLITests.abmsync(["new", "account", "acme", "--tier", "3", "--program", "nope"], in: root).status == 1)
        // Someone typed an unknown AE by hand into another entry: that is theirs to fix, not a reason to refuse.
        #expect(CLITests.abmsync(["new", "programme", "mid", "--owner", "ops"], in: root).status == 0)
        #expect(CLITests.abmsync(["new", "account", "acme", "--tier", "3", "--program", "mid"], in: root).status == 0)
        let list = try #require(temp.read("p/accounts.yaml"))
        temp.write("p/accounts.yaml", list.replacingOccurrences(of: "    program: mid\n", with: "    program: mid\n    ae: nobody\n"))
        #expect(CLITests.abmsync(["validate"], in: root).status == 1)
        let added = CLITests.abmsync(["new", "account", "initech", "--tier", "3", "--program", "mid"], in: root)
        #expect(added.status == 0, "\(added.combined)")
        // A fresh cluster has no members yet; new cluster says how to add them.
        let cluster = CLITests.abmsync(["new", "cluster", "fintech"], in: root)
        #expect(cluster.status == 0, "\(cluster.combined)")
        #expect(cluster.stdout.contains("abmsync new account ID --tier 2 --cluster fintech"), "\(cluster.stdout)")
        withExtendedLifetime(temp) {}
    }

    @Test func newPlanWritesThePlanValidateAsksFor() throws {
        let (temp, root) = repository()
        #expect(CLITests.abmsync(["new", "cluster", "fintech", "--owner", "sam"], in: root).status == 0)
        #expect(
            CLITests.abmsync(
                ["new", "account", "globex", "--name", "Globex", "--tier", "2", "--ae", "jane", "--marketer", "sam",
                 "--cluster", "fintech", "--acv", "450000"], in: root
            ).status == 0)
        // Moved to tier 1 by hand: validate asks for the plan and names the command that writes it.
        let list = try #require(temp.read("p/accounts.yaml"))
        temp.write(
            "p/accounts.yaml",
            list.replacingOccurrences(of: "    tier: 2\n    cluster: fintech\n", with: "    tier: 1\n")
                .replacingOccurrences(of: "    acv: 450000\n", with: "    sponsor: vp\n    acv: 450000\n"))
        let asked = CLITests.abmsync(["validate"], in: root)
        #expect(asked.stdout.contains("error[plan-required]"), "\(asked.stdout)")
        #expect(asked.stdout.contains("'abmsync new plan globex'"), "\(asked.stdout)")
        let made = CLITests.abmsync(["new", "plan", "globex"], in: root)
        #expect(made.status == 0, "\(made.combined)")
        #expect(made.stdout.contains("wrote accounts/globex.md"))
        let plan = try #require(temp.read("p/accounts/globex.md"))
        #expect(plan.hasPrefix("---\naccount: globex\n"), "\(plan)")
        #expect(plan.contains("# Globex"), "\(plan)")
        let after = CLITests.abmsync(["validate"], in: root)
        #expect(!after.stdout.contains("plan-required"), "\(after.stdout)")
        // (The cluster it left is empty now: that is the only error.)
        let errors = after.stdout.split(separator: "\n").filter { $0.contains("error[") }
        #expect(errors.count == 1 && errors[0].contains("error[cluster-size]"), "\(after.stdout)")
        // Not for an account that is not in the list, nor over a plan that exists.
        #expect(CLITests.abmsync(["new", "plan", "nobody"], in: root).status == 2)
        let twice = CLITests.abmsync(["new", "plan", "globex"], in: root)
        #expect(twice.status == 2 && twice.stderr.contains("already exists"), "\(twice.combined)")
        withExtendedLifetime(temp) {}
    }
}
