import ABMCore
import Foundation
import GitKit

/// `abmsync demo`: two teammates, one shared remote, edits at the same time. Everything runs in a
/// temporary folder through the same use cases the commands use.
public struct DemoScenario {
    public let folder: String
    let say: (String) -> Void
    let show: (SyncReport) -> Void
    let today: PlanDate

    public init(folder: String, today: PlanDate, say: @escaping (String) -> Void, show: @escaping (SyncReport) -> Void) {
        self.folder = folder
        self.today = today
        self.say = say
        self.show = show
    }

    public func run() throws(AbmsyncError) {
        let remote = folder + "/shared.git"
        do { _ = try Repository.create(at: remote, initialBranch: "main", bare: true) } catch { throw .git(error) }
        let options = RemoteOptions(credentials: [])
        let executable = HookInstaller.currentExecutable()

        step("Jane (account executive) creates the team's plan repository and shares it")
        let jane = folder + "/jane"
        // Jane leads the team (admin); Sam heads marketing (exec): he may change any account but not
        // the team's policy in abmsync.yaml (init keeps this team.yaml).
        try? FileManager.default.createDirectory(atPath: jane, withIntermediateDirectories: true)
        try FileSystem.writeAtomically(Self.team, to: jane + "/" + WorkspaceFile.team)
        _ = try Initializer.run(at: jane, remote: remote, executable: executable)
        try setIdentity(jane, "Jane Doe", "jane@example.com")
        let janeRepo = try PlanRepository.locate(from: jane)
        _ = try NewEntry.addPlan(kind: .program, id: "mid-market-na", name: "Mid-market NA", owner: "ops", in: janeRepo, today: today)
        _ = try NewEntry.addAccount(
            .init(
                id: "acme-corp", name: "Acme Corp", tier: .strategic, domain: "acme.com", ae: "jane", marketer: "sam",
                sponsor: "vp", acv: 450_000, stage: "evaluation"), in: janeRepo, today: today)
        _ = try NewEntry.addAccount(
            .init(id: "initech", name: "Initech", tier: .programmatic, program: "mid-market-na", acv: 18_000), in: janeRepo,
            today: today)
        try fillStakeholders(jane)
        say("jane$ abmsync sync")
        show(try SyncEngine(repository: janeRepo, options: options, today: today).sync())

        step("Sam (marketer) gets a copy")
        let sam = folder + "/sam"
        let cloned = try CloneUseCase.run(url: remote, directory: sam, options: options, executable: executable)
        say("sam$ abmsync clone \(remote) sam\nCloned the plans into \(cloned.root) (\(cloned.accountCount.counted("account"))).")
        try setIdentity(sam, "Sam Lee", "sam@example.com")
        let samRepo = try PlanRepository.locate(from: sam)

        step("Both edit the same account and the same plan at the same time, without talking")
        try editField(jane, account: "acme-corp", field: "stage", to: .string("negotiation"))
        try appendAccount(jane, "globex", name: "Globex")
        try replace(
            jane, "accounts/acme-corp.md", "- [ ] Discovery call with the economic buyer (jane)",
            "- [x] Discovery call with the economic buyer (jane)")
        say("Jane: Acme Corp stage → negotiation, adds Globex, ticks 'Discovery call' in the Acme plan")
        try editField(sam, account: "acme-corp", field: "intent", to: .integer(72))
        try appendAccount(sam, "umbrella", name: "Umbrella")
        try replace(sam, "accounts/acme-corp.md", "- [ ] Executive briefing (sam)", "- [x] Executive briefing (sam)")
        say("Sam:  Acme Corp intent → 72 (right below), adds Umbrella, ticks 'Executive briefing' in the same plan")
        say("(plain git would stop here with conflicts in accounts.yaml and in the plan)")

        step("Jane syncs, then Sam, then Jane again")
        say("jane$ abmsync sync")
        show(try SyncEngine(repository: janeRepo, options: options, today: today).sync())
        say("sam$ abmsync sync")
        show(try SyncEngine(repository: samRepo, options: options, today: today).sync())
        say("jane$ abmsync sync")
        show(try SyncEngine(repository: janeRepo, options: options, today: today).sync())

        step("Now both change Acme Corp's ACV to different figures: a real conflict")
        try editField(jane, account: "acme-corp", field: "acv", to: .integer(500_000))
        try editField(sam, account: "acme-corp", field: "acv", to: .integer(380_000))
        say("jane$ abmsync sync")
        show(try SyncEngine(repository: janeRepo, options: options, today: today).sync())
        say("sam$ abmsync sync")
        show(try SyncEngine(repository: samRepo, options: options, today: today).sync())
        let text = (try? String(contentsOfFile: sam + "/accounts.yaml", encoding: .utf8)) ?? ""
        let marked = text.split(separator: "\n").drop { !$0.hasPrefix("<<<<<<<") }.prefix(5)
        say("What Sam sees in accounts.yaml, only around the field that collided:\n" + marked.map { "    " + $0 }.joined(separator: "\n"))

        step("Sam keeps Jane's figure and syncs again")
        let settled = text.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.hasPrefix("<<<<<<<") && !$0.hasPrefix("=======") && !$0.hasPrefix(">>>>>>>") && !$0.hasSuffix("acv: 380000")
        }.joined(separator: "\n")
        try FileSystem.writeAtomically(settled, to: sam + "/accounts.yaml")
        say("sam$ abmsync sync")
        show(try SyncEngine(repository: samRepo, options: options, today: today).sync())

        step("Sam raises how many tier 1 accounts an AE may hold from 5 to 50: only an admin may")
        try editField(sam, file: WorkspaceFile.policy, at: ["tiers", "1"], field: "max_per_ae", to: .integer(50))
        say("sam$ abmsync sync")
        do {
            show(try SyncEngine(repository: samRepo, options: options, today: today).sync())
        } catch {
            guard case .changesRefused = error else { throw error }
            say(error.rendered)
        }
        say("(Sam's earlier edits went out; this one waits on his computer until Jane or Val makes it.)")
        say("\nEveryone's edits are in the shared history; nothing was lost. Look around: \(folder)")
    }

    private func step(_ title: String) { say("\n== \(title)") }

    static let team = """
        # The people who own accounts, plans and programmes (a commit's author is matched by email).
        # Roles: ae, marketing, sdr, marketing-ops, exec, admin
        people:
          jane:
            name: Jane Doe
            email: jane@example.com
            roles: [ae, admin]
          sam:
            name: Sam Lee
            email: sam@example.com
            roles: [marketing, exec]
          ops:
            name: Ops Team
            email: ops@example.com
            roles: [marketing-ops]
          vp:
            name: Val Park
            email: val@example.com
            roles: [exec, admin]

        """

    private func setIdentity(_ root: String, _ name: String, _ email: String) throws(AbmsyncError) {
        do {
            let repository = try Repository.open(at: root)
            try repository.setConfig("user.name", to: name)
            try repository.setConfig("user.email", to: email)
        } catch {
            throw .git(error)
        }
    }

    private func editField(_ root: String, account: String, field: String, to value: YAMLValue) throws(AbmsyncError) {
        try editField(root, file: WorkspaceFile.accounts, at: ["accounts", account], field: field, to: value)
    }

    private func editField(_ root: String, file: String, at keys: [String], field: String, to value: YAMLValue)
        throws(AbmsyncError)
    {
        let path = root + "/" + file
        var editor = YAMLEditor((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        do {
            try editor.setField(at: keys, field: field, to: value)
        } catch {
            throw .editFailed(file: file, reason: error.message, hint: nil)
        }
        try FileSystem.writeAtomically(editor.text, to: path)
    }

    private func appendAccount(_ root: String, _ id: String, name: String) throws(AbmsyncError) {
        let repository = try PlanRepository.locate(from: root)
        _ = try NewEntry.addAccount(
            .init(id: id, name: name, tier: .programmatic, program: "mid-market-na", acv: 20_000), in: repository,
            today: today)
    }

    private func replace(_ root: String, _ file: String, _ old: String, _ new: String) throws(AbmsyncError) {
        let path = root + "/" + file
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        try FileSystem.writeAtomically(text.replacingOccurrences(of: old, with: new), to: path)
    }

    /// A tier 1 plan maps its buying group; the demo fills in six stakeholders.
    private func fillStakeholders(_ root: String) throws(AbmsyncError) {
        let people = [
            ("Dana Ruiz", "CFO", "economic-buyer"), ("Omar Haddad", "VP Engineering", "champion"),
            ("Li Wei", "Head of IT", "influencer"), ("Ana Costa", "Procurement", "blocker"),
            ("Tom Berg", "Ops Lead", "user"), ("Eva Lind", "CISO", "influencer"),
        ]
        let list = people.map { "  - name: \($0.0)\n    title: \($0.1)\n    role: \($0.2)\n    sentiment: neutral\n" }.joined()
        try replace(root, "accounts/acme-corp.md", "stakeholders: []\n", "stakeholders:\n" + list)
    }
}
