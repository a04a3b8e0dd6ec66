import ABMCore
import Foundation
import PropertyBased
import Testing

/// `abmsync tiers score`'s arithmetic (TierScoring), by hand and as a property.
@Suite struct TierScoreTests {
    static let here = SourceLocation(file: "accounts.yaml", line: 1)

    static func account(
        _ id: String, tier: Tier?, acv: Int? = nil, cycle: Int? = nil, intent: Int? = nil, strategic: Bool? = nil
    ) -> Account {
        var account = Account(id: Located(id, at: here))
        account.name = Located("Account \(id)", at: here)
        account.tier = tier.map { Located($0, at: here) }
        account.acv = acv.map { Located($0, at: here) }
        account.cycleMonths = cycle.map { Located($0, at: here) }
        account.intent = intent.map { Located($0, at: here) }
        account.strategic = strategic.map { Located($0, at: here) }
        return account
    }

    /// The SPEC's defaults: weights acv 0.4, cycle 0.2, buying group 0.2, intent 0.2; tier1_at 0.75,
    /// tier2_at 0.45; ACV log scale from $25k (tier 2's min_acv, the lowest) to acv_top $1M.
    @Test func aTierOneAccountAtTheThreshold() {
        // ACV:           ln(450000/25000) / ln(1000000/25000) = ln 18 / ln 40 = 2.8904 / 3.6889 = 0.7835; × 0.4 = 0.3134
        // cycle:         12 / 18 (cycle_top) = 0.6667; × 0.2 = 0.1333
        // buying group:  8 stakeholders / 10 (buying_group_top) = 0.8; × 0.2 = 0.16
        // intent:        72 / 100 = 0.72; × 0.2 = 0.144
        // score:         0.3134 + 0.1333 + 0.16 + 0.144 = 0.7507 → 0.75 ≥ tier1_at 0.75 → tier 1 (stays)
        let score = TierScoring.score(
            Self.account("acme", tier: .strategic, acv: 450_000, cycle: 12, intent: 72), stakeholders: 8,
            policy: .defaults)
        #expect(score.score == 0.75)
        #expect(score.suggestedTier == .strategic)
        #expect(!score.differs)
        #expect(abs(score.parts[0].value - 0.78354) < 0.00001)
        #expect(
            score.reasons == [
                "ACV $450k → 0.78 × 0.40 = 0.31",
                "sales cycle 12 months → 0.67 × 0.20 = 0.13",
                "buying group 8 stakeholders in the plan → 0.80 × 0.20 = 0.16",
                "intent 72 → 0.72 × 0.20 = 0.14",
                "score 0.75 is at or above tier1_at 0.75 → tier 1",
            ])
    }

    @Test func aClusterAccountWithFewSignalsIsSuggestedTierThree() {
        // ACV:           ln(60000/25000) / ln 40 = ln 2.4 / ln 40 = 0.8755 / 3.6889 = 0.2373; × 0.4 = 0.0949
        // cycle:         not set → 0
        // buying group:  no plan → tier 2's default 4; 4 / 10 = 0.4; × 0.2 = 0.08
        // intent:        not set → 0
        // score:         0.0949 + 0.08 = 0.1749 → 0.17 < tier2_at 0.45 → tier 3
        let score = TierScoring.score(Self.account("globex", tier: .cluster, acv: 60_000), stakeholders: nil, policy: .defaults)
        #expect(score.score == 0.17)
        #expect(score.suggestedTier == .programmatic)
        #expect(score.differs)
        #expect(
            score.reasons == [
                "ACV $60k → 0.24 × 0.40 = 0.09",
                "sales cycle not set → 0.00 × 0.20 = 0.00",
                "buying group 4 assumed (tier 2 default, the plan lists none) → 0.40 × 0.20 = 0.08",
                "intent not set → 0.00 × 0.20 = 0.00",
                "score 0.17 is below tier2_at 0.45 → tier 3",
            ])
    }

    @Test func aMidScoreSuggestsTierTwo() {
        // ACV:           ≥ acv_top $1M → 1; × 0.4 = 0.4
        // cycle:         3 / 18 = 0.1667; × 0.2 = 0.0333
        // buying group:  2 listed / 10 = 0.2; × 0.2 = 0.04
        // intent:        10 / 100 = 0.1; × 0.2 = 0.02
        // score:         0.4 + 0.0333 + 0.04 + 0.02 = 0.4933 → 0.49: below 0.75, at or above 0.45 → tier 2
        let score = TierScoring.score(
            Self.account("initech", tier: .programmatic, acv: 2_000_000, cycle: 3, intent: 10), stakeholders: 2,
            policy: .defaults)
        #expect(score.score == 0.49)
        #expect(score.suggestedTier == .cluster)
        #expect(score.reasons[0] == "ACV $2M → 1.00 × 0.40 = 0.40")
        #expect(score.reasons.last == "score 0.49 is below tier1_at 0.75, at or above tier2_at 0.45 → tier 2")
    }

    @Test func aStrategicAccountIsSuggestedTierOneWhateverItsACV() {
        // ACV:           ln(30000/25000) / ln 40 = 0.1823 / 3.6889 = 0.0494; × 0.4 = 0.0198
        // buying group:  tier 3 default 2 / 10 = 0.2; × 0.2 = 0.04
        // score:         0.0198 + 0.04 = 0.0598 → 0.06, but strategic: true → tier 1
        let score = TierScoring.score(
            Self.account("lighthouse", tier: .programmatic, acv: 30_000, strategic: true), stakeholders: nil,
            policy: .defaults)
        #expect(score.score == 0.06)
        #expect(score.suggestedTier == .strategic)
        #expect(score.reasons.last == "strategic: true → tier 1 whatever the score (0.06)")
    }

    @Test func weightsAreSharesOfTheirTotalAndStrategicCanWeighToo() {
        var policy = Policy.defaults
        // weights acv 2, intent 1, strategic 1 (total 4) → shares 0.5, 0.25, 0.25; cycle, buying group 0.
        policy.scoring.weights = ["acv": 2, "intent": 1, "strategic": 1]
        // ACV:           ln(200000/25000) / ln 40 = ln 8 / ln 40 = 2.0794 / 3.6889 = 0.5637; × 0.5 = 0.2819
        // intent:        40 / 100 = 0.4; × 0.25 = 0.1
        // strategic:     true → 1; × 0.25 = 0.25
        // score:         0.2819 + 0 + 0 + 0.1 + 0.25 = 0.6319 → 0.63 (suggested tier 1 for the flag)
        let score = TierScoring.score(
            Self.account("hooli", tier: .cluster, acv: 200_000, cycle: 24, intent: 40, strategic: true), stakeholders: 9,
            policy: policy)
        #expect(score.score == 0.63)
        #expect(score.parts.map(\.input) == ["acv", "cycle", "buying_group", "intent", "strategic"])
        #expect(score.parts.map(\.weight) == [0.5, 0, 0, 0.25, 0.25])
        #expect(score.reasons[4] == "strategic account → 1.00 × 0.25 = 0.25")
    }

    @Test func theACVScaleStartsAtTheLowestMinACVAndEndsAtACVTop() {
        var policy = Policy.defaults
        policy.tiers[.cluster]?.minACV = 10_000
        policy.scoring.acvTop = 100_000
        #expect(TierScoring.acvFloor(policy) == 10_000)
        // ln(31623/10000) / ln(100000/10000) = ln 3.1623 / ln 10 = 0.5 (the geometric middle)
        let middle = TierScoring.score(Self.account("a", tier: .cluster, acv: 31_623), stakeholders: nil, policy: policy)
        #expect(abs(middle.parts[0].value - 0.5) < 0.0001)
        #expect(TierScoring.score(Self.account("a", tier: .cluster, acv: 9_000), stakeholders: nil, policy: policy).parts[0].value == 0)
        #expect(TierScoring.score(Self.account("a", tier: .cluster, acv: 100_000), stakeholders: nil, policy: policy).parts[0].value == 1)
    }

    @Test func moneyAndDecimalsReadAsPeopleWriteThem() {
        #expect(TierScoring.money(450_000) == "$450k")
        #expect(TierScoring.money(12_500) == "$12.5k")
        #expect(TierScoring.money(1_250_000) == "$1.3M")
        #expect(TierScoring.money(999_999) == "$1M")
        #expect(TierScoring.money(900) == "$900")
        #expect(TierScoring.decimal(0.7835) == "0.78")
        #expect(TierScoring.decimal(1) == "1.00")
        #expect(TierScoring.decimal(0.05) == "0.05")
    }

    // MARK: - Property: more of any input never lowers a score

    /// An input value from a generated number: -1 is "not set".
    static func optional(_ value: Int) -> Int? { value < 0 ? nil : value }

    @Test func moreOfAnyInputNeverLowersTheScoreNorTheSuggestion() async {
        await propertyCheck(
            count: 1000, input: Gen.int(in: -1...3_000_000), Gen.int(in: -1...240), Gen.int(in: 1...40),
            Gen.int(in: -1...100), Gen.int(in: 0...1), Gen.int(in: 0...Int(Int32.max))
        ) { acv, cycle, stakeholders, intent, strategic, seed in
            var random = seed
            func next(_ bound: Int) -> Int {
                random = (random &* 1_103_515_245 &+ 12_345) & 0x7FFF_FFFF
                return random % bound
            }
            var policy = Policy.defaults
            // Any weights ≥ 0 (at least one above 0), any tier of the account, any thresholds in order.
            var weights: [String: Double] = [:]
            for input in Policy.Scoring.inputs { weights[input] = Double(next(5)) / 4 }
            if weights.values.allSatisfy({ $0 == 0 }) { weights["intent"] = 1 }
            policy.scoring.weights = weights
            policy.scoring.tier2At = Double(next(100)) / 100
            policy.scoring.tier1At = policy.scoring.tier2At + Double(next(100)) / 100 * (1 - policy.scoring.tier2At)
            let tier = Tier(rawValue: 1 + next(3))
            let before = Self.account(
                "a", tier: tier, acv: Self.optional(acv), cycle: Self.optional(cycle), intent: Self.optional(intent),
                strategic: strategic == 1)
            let base = TierScoring.score(before, stakeholders: stakeholders, policy: policy)
            #expect((0...1).contains(base.score))

            // Raise one input (from "not set" to a value, or by some amount).
            var after = before
            var moreStakeholders = stakeholders
            let step = 1 + next(500_000)
            switch next(5) {
            case 0: after.acv = Located((before.acv?.value ?? 0) + step, at: Self.here)
            case 1: after.cycleMonths = Located(min(240, (before.cycleMonths?.value ?? 0) + step % 24), at: Self.here)
            case 2: moreStakeholders += step % 20
            case 3: after.intent = Located(min(100, (before.intent?.value ?? 0) + step % 50), at: Self.here)
            default: after.strategic = Located(true, at: Self.here)
            }
            let raised = TierScoring.score(after, stakeholders: moreStakeholders, policy: policy)
            #expect(raised.score >= base.score, "\(base.reasons) → \(raised.reasons)")
            #expect(raised.suggestedTier <= base.suggestedTier, "\(base.reasons) → \(raised.reasons)")
        }
    }
}

/// `scoring:` as abmsync.yaml writes it (SPEC: `weights`, `tier1_at`, `tier2_at`; Docs/Tiers.md for the scales).
@Suite struct ScoringPolicyTests {
    static func load(_ scoring: String) -> WorkspaceLoad {
        WorkspaceLoader.load(from: MemorySource(["abmsync.yaml": "version: 1\nscoring:\n" + scoring]))
    }

    @Test func theSpecsKeysAndTheScalesAreRead() {
        let load = Self.load(
            """
              weights: {acv: 0.5, cycle: 0.1, buying_group: 0.1, intent: 0.2, strategic: 0.1}
              tier1_at: 0.8
              tier2_at: 0.4
              acv_top: 2000000
              cycle_top: 24
              buying_group_top: 12
              buying_group_default: {1: 8, 3: 1}

            """)
        #expect(load.findings.map(\.formatted) == [])
        let scoring = load.workspace.policy.scoring
        #expect(scoring.weights == ["acv": 0.5, "cycle": 0.1, "buying_group": 0.1, "intent": 0.2, "strategic": 0.1])
        #expect(scoring.tier1At == 0.8 && scoring.tier2At == 0.4)
        #expect(scoring.acvTop == 2_000_000 && scoring.cycleTop == 24 && scoring.buyingGroupTop == 12)
        #expect(scoring.buyingGroupDefault == [.strategic: 8, .cluster: 4, .programmatic: 1])
    }

    @Test func leftOutKeysKeepTheSpecsDefaults() {
        let scoring = Self.load("  tier1_at: 0.7\n").workspace.policy.scoring
        #expect(scoring.weights == ["acv": 0.4, "cycle": 0.2, "buying_group": 0.2, "intent": 0.2])
        #expect(scoring.tier1At == 0.7 && scoring.tier2At == 0.45)
        #expect(scoring.acvTop == 1_000_000 && scoring.cycleTop == 18 && scoring.buyingGroupTop == 10)
    }

    @Test func aMisspeltWeightIsAnErrorNotAWeightOfNothing() {
        let load = Self.load("  weights: {acv: 0.4, cycle: 0.2, buying_groups: 0.2, intent: 0.2}\n")
        let messages = load.findings.map(\.formatted)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("abmsync.yaml:3:35: error[policy-shape]: unknown scoring input 'buying_groups' — did you mean 'buying_group'?") == true, "\(messages)")
        // The table is not used: the defaults stay.
        #expect(load.workspace.policy.scoring.weights["buying_group"] == 0.2)
    }

    @Test func badNumbersAreErrorsWithTheirPlace() {
        let cases: [(String, String)] = [
            ("  tier1_at: 1.5\n", "abmsync.yaml:3:13: error[policy-shape]: 'tier1_at' must be between 0 and 1, found 1.5"),
            ("  tier1_at: .nan\n", "abmsync.yaml:3:13: error[field-type]: 'tier1_at' must be a number"),
            ("  tier1_at: 0.4\n  tier2_at: 0.5\n", "abmsync.yaml:4:13: error[policy-shape]: 'tier2_at' (0.5) is above 'tier1_at' (0.4)"),
            ("  weights: {acv: -1, intent: 1}\n", "abmsync.yaml:3:18: error[policy-shape]: weight 'acv' must not be negative"),
            ("  weights: {acv: 0, intent: 0}\n", "abmsync.yaml:3:12: error[policy-shape]: every scoring weight is 0"),
            ("  acv_top: 0\n", "abmsync.yaml:3:12: error[field-type]: 'acv_top' must be between 1 and"),
            ("  buying_group_default: {4: 3}\n", "abmsync.yaml:3:26: error[policy-shape]: unknown tier '4' under 'buying_group_default'"),
            ("  tier_1_at: 0.7\n", "abmsync.yaml:3:3: warning[unknown-field]: unknown field 'tier_1_at' in 'scoring' — did you mean 'tier1_at'?"),
        ]
        for (text, expected) in cases {
            let messages = Self.load(text).findings.map(\.formatted)
            #expect(messages.count == 1 && messages[0].hasPrefix(expected), "\(text): \(messages)")
        }
    }

    /// The JSON Schema editors check abmsync.yaml with knows the keys and inputs the reader knows.
    @Test func thePolicySchemaListsTheKeysTheReaderKnows() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("templates/schemas/policy.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let scoring = try #require((schema["properties"] as? [String: Any])?["scoring"] as? [String: Any])
        let properties = try #require(scoring["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(Policy.Scoring.keys))
        let weights = try #require((properties["weights"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(weights.keys) == Set(Policy.Scoring.inputs))
    }
}
