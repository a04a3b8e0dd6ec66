extension FieldReader {
    /// `scoring:` of abmsync.yaml (Docs/Tiers.md). A weight for an input abmsync does not know is an
    /// error (a misspelt `buying_groups:` would silently leave that input unweighted); other unknown
    /// keys get the usual misspelling warning. Weights given replace the default table (an input
    /// left out weighs 0); every other key left out keeps its default.
    mutating func scoring(_ node: YAMLNode, base: Policy.Scoring) -> Policy.Scoring {
        var scoring = base
        guard let entries = mapping(node, what: "'scoring'", example: "scoring: {tier1_at: 0.75}") else { return scoring }
        _ = checkUnknownKeys(entries, known: Policy.Scoring.keys, context: "'scoring'")
        var thresholds: [String: YAMLNode] = [:]
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "weights":
                if let weights = weights(value) { scoring.weights = weights }
            case "tier1_at":
                if let share = share(value, field: "tier1_at") {
                    scoring.tier1At = share
                    thresholds[entry.key] = value
                }
            case "tier2_at":
                if let share = share(value, field: "tier2_at") {
                    scoring.tier2At = share
                    thresholds[entry.key] = value
                }
            case "acv_top":
                if let top = integer(value, field: "acv_top", range: 1...Int.max, example: "1000000") { scoring.acvTop = top.value }
            case "cycle_top":
                if let top = integer(value, field: "cycle_top", range: 1...240, example: "18") { scoring.cycleTop = top.value }
            case "buying_group_top":
                if let top = integer(value, field: "buying_group_top", range: 1...1000, example: "10") {
                    scoring.buyingGroupTop = top.value
                }
            case "buying_group_default":
                let example = "buying_group_default: {1: 6, 2: 4, 3: 2}"
                for (tier, countNode) in tierEntries(value, what: "buying_group_default", example: example) {
                    let field = "buying_group_default \(tier.rawValue)"
                    if let count = integer(countNode, field: field, range: 0...1000, example: "6") {
                        scoring.buyingGroupDefault[tier] = count.value
                    }
                }
            default:
                break
            }
        }
        if scoring.tier2At > scoring.tier1At, let node = thresholds["tier2_at"] ?? thresholds["tier1_at"] {
            findings.append(
                Finding(
                    .error, rule: "policy-shape", at: location(node),
                    "'tier2_at' (\(scoring.tier2At)) is above 'tier1_at' (\(scoring.tier1At))",
                    why: "a score suggests tier 1 at or above tier1_at and tier 2 at or above tier2_at, so tier2_at must not be higher",
                    fix: "set tier2_at below tier1_at, e.g. tier1_at: 0.75, tier2_at: 0.45"))
        }
        return scoring
    }

    /// `weights:`: input → a number ≥ 0; nil when the table cannot be used (each problem reported).
    private mutating func weights(_ node: YAMLNode) -> [String: Double]? {
        let example = "weights: {acv: 0.4, cycle: 0.2, buying_group: 0.2, intent: 0.2}"
        guard let entries = mapping(node, what: "'weights'", example: example) else { return nil }
        var result: [String: Double] = [:]
        var broken = false
        for entry in entries {
            guard Policy.Scoring.inputs.contains(entry.key) else {
                let suggestion = Spelling.closest(to: entry.key, in: Policy.Scoring.inputs)
                findings.append(
                    Finding(
                        .error, rule: "policy-shape", at: location(entry.keyNode),
                        "unknown scoring input '\(entry.key)'" + (suggestion.map { " — did you mean '\($0)'?" } ?? ""),
                        why: "a weight abmsync does not know is not used, so that input would silently weigh nothing",
                        fix: "weights are for \(Policy.Scoring.inputs.joined(separator: ", "))"))
                broken = true
                continue
            }
            guard let weight = finiteNumber(entry.value, field: entry.key), weight >= 0 else {
                if entry.value.scalar?.double.map({ $0.isFinite }) == true {
                    findings.append(
                        Finding(
                            .error, rule: "policy-shape", at: location(entry.value),
                            "weight '\(entry.key)' must not be negative", fix: "use 0 to leave an input out"))
                }
                broken = true
                continue
            }
            result[entry.key] = weight
        }
        if !broken, !entries.isEmpty, result.values.allSatisfy({ $0 == 0 }) {
            findings.append(
                Finding(
                    .error, rule: "policy-shape", at: location(node), "every scoring weight is 0",
                    why: "the score is the weighted share of the inputs, so at least one must weigh something",
                    fix: "write it like \(example)"))
            return nil
        }
        return broken ? nil : result
    }

    /// A number from 0 to 1 (a score threshold).
    private mutating func share(_ node: YAMLNode, field: String) -> Double? {
        guard let value = finiteNumber(node, field: field) else { return nil }
        guard (0...1).contains(value) else {
            findings.append(
                Finding(
                    .error, rule: "policy-shape", at: location(node), "'\(field)' must be between 0 and 1, found \(value)",
                    why: "scores run from 0 to 1", fix: "write it like \(field): 0.75"))
            return nil
        }
        return value
    }

    /// A finite number (`nan` and `inf` are refused), with a finding when it is not one.
    private mutating func finiteNumber(_ node: YAMLNode, field: String) -> Double? {
        guard let scalar = node.scalar, !scalar.isNull else {
            typeError(node, field: field, expected: "a number", example: "0.5")
            return nil
        }
        guard let value = scalar.double, value.isFinite else {
            typeError(node, field: field, expected: "a number", example: "0.5")
            return nil
        }
        return value
    }
}
