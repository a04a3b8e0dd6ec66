import Testing

@testable import ABMCore

/// Issue 13's rules, one test per rule, each allowed for one person and refused for another, on the
/// minimal workspace of `Fixture`: acme (tier 1: ae jane, marketer sam, sponsor vp), globex (tier 2 in
/// cluster fintech, ae jane), initech (tier 3 in programme mid-market, owned by ops). Val Park (vp) is
/// exec and admin.
struct ChangeJudgeTests {
    static let jane = "jane@example.com"
    static let sam = "sam@example.com"
    static let ops = "ops@example.com"
    static let val = "val@example.com"

    /// The findings on fully loaded snapshots, held equal to those on the snapshots the doors load
    /// (`SparseSnapshots`: only the accounts the change touches).
    func judge(_ change: Fixture, by email: String, from base: Fixture = Fixture()) -> [Finding] {
        let old = MemorySource(base.files)
        let new = MemorySource(change.files)
        let full = ChangeJudge.judge(old: Snapshot(loading: old), new: Snapshot(loading: new), authorEmail: email)
        let paths = Set(base.files.keys).union(change.files.keys).filter { base.files[$0] != change.files[$0] }.sorted()
        let sparse = SparseSnapshots.load(old: old, new: new, paths: paths)
        #expect(ChangeJudge.judge(old: sparse.old, new: sparse.new, authorEmail: email, paths: paths) == full)
        return full
    }

    /// A one-field change loads one account of the list; a tier 2 account brings its cluster.
    @Test func theDoorsLoadOnlyTheAccountsAChangeTouches() {
        let base = Fixture()
        let stage = base.replacing("    tier: 1\n", with: "    tier: 1\n    intent: 50\n", in: "accounts.yaml")
        let old = MemorySource(base.files)
        #expect(SparseSnapshots.accountsToKeep(old: old, new: MemorySource(stage.files), paths: ["accounts.yaml"]) == ["acme"])
        let added = base.appending(Self.tier2, to: "accounts.yaml")
        #expect(SparseSnapshots.accountsToKeep(old: old, new: MemorySource(added.files), paths: ["accounts.yaml"]) == ["newco", "globex"])
        let flow = base.replacing("accounts:\n", with: "accounts: \n", in: "accounts.yaml")
        #expect(SparseSnapshots.accountsToKeep(old: old, new: MemorySource(flow.files), paths: ["accounts.yaml"]) != nil)
        let unreadable = base.replacing("accounts:\n", with: "accounts: {\n", in: "accounts.yaml")
        #expect(SparseSnapshots.accountsToKeep(old: old, new: MemorySource(unreadable.files), paths: ["accounts.yaml"]) == nil)
    }

    func rules(_ change: Fixture, by email: String) -> [String] { judge(change, by: email).map(\.rule) }

    // MARK: - abmsync.yaml and team.yaml

    @Test func policyIsChangedByAdminsOnly() {
        let change = Fixture().replacing("max_per_ae: 1\n    min_acv: 100000", with: "max_per_ae: 50\n    min_acv: 100000", in: "abmsync.yaml")
        #expect(rules(change, by: Self.val) == [])
        let refused = judge(change, by: Self.sam)
        #expect(refused.map(\.rule) == ["permission-policy"])
        #expect(refused.first?.location.file == "abmsync.yaml")
        #expect(refused.first?.why == "only admins may ('permissions:' in abmsync.yaml)")
    }

    @Test func teamIsChangedByAdminsOnly() {
        let change = Fixture().replacing("roles: [marketing]\n", with: "roles: [marketing, admin, exec]\n", in: "team.yaml")
        #expect(rules(change, by: Self.val) == [])
        #expect(rules(change, by: Self.sam) == ["permission-team"])
    }

    /// A commit is judged under its parent's policy: writing yourself into `permissions:` does not
    /// grant you the change that writes it.
    @Test func changingPermissionsIsJudgedUnderTheOldPolicy() {
        let change = Fixture().appending("permissions:\n  move: [marketing]\n  policy: [marketing]\n", to: "abmsync.yaml")
        #expect(rules(change, by: Self.sam) == ["permission-policy"])
        // Once an admin committed it, the marketer may move tiers.
        let moved = change.replacing("    tier: 1\n", with: "    tier: 3\n    program: mid-market\n", in: "accounts.yaml")
        #expect(judge(moved, by: Self.sam, from: change).isEmpty)
    }

    // MARK: - accounts.yaml: adding and removing

    static let tier1 = "  hooli:\n    name: Hooli\n    tier: 1\n    ae: jane\n    marketer: sam\n    sponsor: vp\n"
    static let tier2 = "  newco:\n    name: NewCo\n    tier: 2\n    cluster: fintech\n    ae: jane\n"
    static let tier3 = "  smallco:\n    name: SmallCo\n    tier: 3\n    program: mid-market\n"

    @Test func addingATier1AccountTakesAdminOrExec() {
        let change = Fixture().appending(Self.tier1, to: "accounts.yaml")
        #expect(rules(change, by: Self.val) == [])
        let refused = judge(change, by: Self.jane)
        #expect(refused.map(\.rule) == ["permission-add-account"])
        #expect(refused.first?.message == "Hooli: added as tier 1 (by Jane Doe, who may not add a tier 1 account)")
        #expect(refused.first?.location.line == 31)
        #expect(refused.first?.account == "hooli")
    }

    @Test func addingATier2AccountTakesAnOwnerOfTheCluster() {
        let change = Fixture().appending(Self.tier2, to: "accounts.yaml")
        #expect(rules(change, by: Self.jane) == [])  // owns globex in fintech
        let refused = judge(change, by: Self.sam)
        #expect(refused.map(\.rule) == ["permission-add-account"])
        #expect(refused.first?.fix == "ask Jane Doe (owns an account in cluster fintech) or Val Park (admin) to add NewCo to the account list, or open a pull request for them to approve")
    }

    @Test func addingATier3AccountTakesTheProgrammeOwner() {
        let change = Fixture().appending(Self.tier3, to: "accounts.yaml")
        #expect(rules(change, by: Self.ops) == [])
        #expect(rules(change, by: Self.jane) == ["permission-add-account"])
    }

    @Test func removingAnAccountTakesWhatAddingItTakes() {
        var removed = Fixture()
        var text = Fixture.accounts
        text.removeSubrange(text.range(of: "  acme:\n")!.lowerBound..<text.range(of: "  globex:\n")!.lowerBound)
        removed.files["accounts.yaml"] = text
        #expect(rules(removed, by: Self.val) == [])
        let refused = judge(removed, by: Self.jane)
        #expect(refused.map(\.rule) == ["permission-remove-account"])
        #expect(refused.first?.message == "Acme Corp: removed from the account list (by Jane Doe, who may not remove a tier 1 account)")
    }

    // MARK: - accounts.yaml: tier moves and owner fields

    @Test func tierMoveTakesAdminOrExec() {
        let change = Fixture().replacing("    tier: 1\n", with: "    tier: 3\n    program: mid-market\n", in: "accounts.yaml")
        #expect(rules(change, by: Self.val) == [])
        let refused = judge(change, by: Self.sam)
        // One finding: the programme that comes with the move is part of it.
        #expect(refused.count == 1)
        #expect(refused.first?.rule == "permission-tier-move")
        #expect(refused.first?.message == "Acme Corp: tier 1 → 3 (by Sam Lee, who may not move accounts between tiers, clusters or programmes)")
        #expect(refused.first?.fix == "ask Val Park (admin) to move Acme Corp to tier 3, or open a pull request for them to approve")
        #expect(refused.first?.location == SourceLocation(file: "accounts.yaml", line: 5, column: 11))
    }

    @Test func movingToAnotherClusterIsATierMove() {
        let change = Fixture().replacing("cluster: fintech", with: "cluster: retail", in: "accounts.yaml")
        #expect(rules(change, by: Self.val) == [])
        #expect(rules(change, by: Self.jane) == ["permission-tier-move"])
    }

    @Test func ownerFieldsTakeAdminOrExec() {
        let change = Fixture().replacing("    marketer: sam\n", with: "    marketer: ops\n", in: "accounts.yaml")
        #expect(rules(change, by: Self.val) == [])
        let refused = judge(change, by: Self.jane)
        #expect(refused.map(\.rule) == ["permission-owner-field"])
        #expect(refused.first?.message == "Acme Corp: marketer sam → ops (by Jane Doe, who may not change who owns an account)")
    }

    @Test func programmeOwnerSetsAndClearsTheHandOffAE() {
        let handedOff = Fixture().replacing("    program: mid-market\n", with: "    program: mid-market\n    ae: jane\n", in: "accounts.yaml")
        #expect(rules(handedOff, by: Self.ops) == [])
        #expect(rules(handedOff, by: Self.sam) == ["permission-owner-field"])
        // Clearing it again.
        #expect(judge(Fixture(), by: Self.ops, from: handedOff).isEmpty)
        // The programme owner may not hand a tier 1 account to someone else.
        let tier1 = Fixture().replacing("    ae: jane\n    marketer: sam\n", with: "    ae: ops\n    marketer: sam\n", in: "accounts.yaml")
        #expect(rules(tier1, by: Self.ops) == ["permission-owner-field"])
    }

    // MARK: - accounts.yaml: other fields

    @Test func otherFieldsTakeTheAccountsOwners() {
        let change = Fixture().replacing("stage: evaluation", with: "stage: won", in: "accounts.yaml")
        #expect(rules(change, by: Self.jane) == [])  // AE
        #expect(rules(change, by: Self.sam) == [])  // marketer
        let refused = judge(change, by: Self.ops)
        #expect(refused.map(\.rule) == ["permission-field"])
        #expect(refused.first?.message == "Acme Corp: stage evaluation → won (by Ops Team, who may not change Acme Corp's stage (it is not one of your accounts))")
        #expect(refused.first?.fix == "ask Jane Doe (Acme Corp's AE), Sam Lee (Acme Corp's marketer) or Val Park (admin) to set Acme Corp's stage to won, or open a pull request for them to approve")
        #expect(refused.first?.location.line == 10)
    }

    @Test func aTeamsOwnFieldIsAnOtherField() {
        let change = Fixture().replacing("stage: evaluation\n", with: "stage: evaluation\n    region: emea\n", in: "accounts.yaml")
        #expect(rules(change, by: Self.jane) == [])
        #expect(judge(change, by: Self.ops).map(\.location.line) == [11])
    }

    @Test func tier3FieldsTakeTheProgrammeOwner() {
        let change = Fixture().replacing("stage: target", with: "stage: engaged", in: "accounts.yaml")
        #expect(rules(change, by: Self.ops) == [])
        #expect(rules(change, by: Self.jane) == ["permission-field"])
    }

    // MARK: - Plans

    @Test func accountPlanTakesTheAccountsOwners() {
        let change = Fixture().replacing("Renewal of the platform deal.", with: "Renewal in Q2.", in: "accounts/acme.md")
        #expect(rules(change, by: Self.sam) == [])
        let refused = judge(change, by: Self.ops)
        #expect(refused.map(\.rule) == ["permission-account-plan"])
        #expect(refused.first?.message == "Acme Corp plan: Summary edited (by Ops Team, who may not edit the Acme Corp plan)")
    }

    @Test func clusterPlanTakesTheOwnersOfItsAccounts() {
        let change = Fixture().replacing("Payments companies in EMEA.", with: "Payments in EMEA.", in: "clusters/fintech.md")
        #expect(rules(change, by: Self.jane) == [])
        #expect(rules(change, by: Self.sam) == ["permission-cluster-plan"])
    }

    @Test func programmePlanTakesItsOwner() {
        let change = Fixture().replacing("Always-on programme.", with: "Always on.", in: "programs/mid-market.md")
        #expect(rules(change, by: Self.ops) == [])
        #expect(rules(change, by: Self.jane) == ["permission-program-plan"])
    }

    @Test func reservedSectionTakesItsRole() {
        // Buying Group is reserved to AEs by the default `sections:`.
        let change = Fixture().replacing("Dana decides.", with: "Dana and Omar decide.", in: "accounts/acme.md")
        #expect(rules(change, by: Self.jane) == [])
        #expect(rules(change, by: Self.val) == [])
        let refused = judge(change, by: Self.sam)
        #expect(refused.map(\.rule) == ["permission-section"])
        #expect(refused.first?.location == SourceLocation(file: "accounts/acme.md", line: 15))
        #expect(refused.first?.message == "Acme Corp plan: Buying Group edited (by Sam Lee, who may not edit Buying Group (reserved to account executives under 'sections:' in abmsync.yaml))")
    }

    // MARK: - Authors and other files

    @Test func authorsAreMatchedByEmailCaseInsensitively() {
        let change = Fixture().replacing("stage: evaluation", with: "stage: won", in: "accounts.yaml")
        #expect(rules(change, by: "Jane@EXAMPLE.com") == [])
    }

    @Test func anUnknownAuthorIsRefused() {
        let change = Fixture().replacing("stage: evaluation", with: "stage: won", in: "accounts.yaml")
        let refused = judge(change, by: "mallory@example.com")
        #expect(refused.map(\.rule) == ["permission-unknown-author"])
        #expect(refused.first?.fix?.contains("ask Val Park (admin) to add you to team.yaml") == true)
    }

    @Test func filesAbmsyncDoesNotKnowAreNotGoverned() {
        let change = Fixture().setting("README.md", to: "# Our plans\n").setting("docs/notes.txt", to: "hello\n")
        #expect(rules(change, by: "mallory@example.com") == [])
        #expect(rules(change, by: Self.sam) == [])
    }
}
