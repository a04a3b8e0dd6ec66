import Foundation

/// What `abmsync tiers score` shows: the scored accounts (all, or only those whose suggestion
/// differs from their tier), as text for a salesperson, JSON or CSV (Docs/Tiers.md). Every value
/// from the repository is escaped (`DisplayText`): a name is one line whatever it holds.
public struct TierScoreReport: Sendable {
    /// The accounts shown, in accounts.yaml order.
    public var scores: [TierScore]
    /// How many accounts were scored in all, and how many of them are suggested another tier.
    public var scoredCount: Int
    public var differingCount: Int
    /// True when every account is shown (`--all` or accounts named), not only those that differ.
    public var showsAll: Bool

    /// The report of `all` scored accounts: `only` (ids) when given, otherwise those that differ,
    /// or every one with `everyAccount`.
    public init(_ all: [TierScore], only ids: [String] = [], everyAccount: Bool = false) {
        scoredCount = all.count
        differingCount = all.lazy.filter(\.differs).count
        if !ids.isEmpty {
            let wanted = Set(ids)
            scores = all.filter { wanted.contains($0.id) }
        } else {
            scores = everyAccount ? all : all.filter(\.differs)
        }
        showsAll = everyAccount || !ids.isEmpty
    }

    /// The schema version of `renderJSON()`; it changes only when a field changes meaning or goes.
    public static let jsonVersion = 1

    // MARK: - Text

    public func renderText() -> String {
        var out = ""
        for score in scores {
            let tier = score.tier.map { "\($0)" } ?? "no tier"
            let verdict = score.differs ? "\(tier) → suggested \(score.suggestedTier)" : "\(tier), suggested \(score.suggestedTier) (stays)"
            out += "\(DisplayText.escaped(score.name)) (\(DisplayText.escaped(score.id))): \(verdict), score \(TierScoring.decimal(score.score))\n"
            for reason in score.reasons { out += "  \(DisplayText.escaped(reason))\n" }
        }
        if scoredCount == 0 {
            out += "No accounts in accounts.yaml to score.\n"
        } else if differingCount == 0 {
            out += "Every account's tier matches its score (\(scoredCount.counted("account"))).\n"
        } else {
            out += differingCount == 1
                ? "1 of \(scoredCount) accounts is suggested another tier than the one it has"
                : "\(differingCount) of \(scoredCount) accounts are suggested another tier than the one they have"
            out += " (capacity not considered)"
            out += showsAll ? ".\n" : "; 'abmsync tiers score --all' shows every account.\n"
        }
        return out
    }

    // MARK: - JSON

    /// `{"version": 1, "summary": {"accounts", "differ", "shown"}, "accounts": [{"id", "name", "tier",
    /// "suggested_tier", "score", "differs", "inputs": {"acv", "cycle_months", "stakeholders",
    /// "intent", "strategic"}, "parts": [{"input", "value", "weight", "contribution"}], "reasons"}]}`,
    /// keys in that order (Docs/Tiers.md). `tier` and absent inputs are null.
    public func renderJSON() -> String {
        var out = "{\n"
        out += "  \"version\": \(Self.jsonVersion),\n"
        out += "  \"summary\": {\"accounts\": \(scoredCount), \"differ\": \(differingCount), \"shown\": \(scores.count)},\n"
        if scores.isEmpty { return out + "  \"accounts\": []\n}\n" }
        out += "  \"accounts\": [\n"
        for (index, score) in scores.enumerated() {
            let parts = score.parts.map { part in
                "{\"input\": \(JSONText.quoted(part.input)), \"value\": \(Self.number(part.value)), "
                    + "\"weight\": \(Self.number(part.weight)), \"contribution\": \(Self.number(part.contribution))}"
            }
            var fields = [
                "\"id\": \(Self.jsonString(score.id))",
                "\"name\": \(Self.jsonString(score.name))",
                "\"tier\": \(score.tier.map { String($0.rawValue) } ?? "null")",
                "\"suggested_tier\": \(score.suggestedTier.rawValue)",
                "\"score\": \(Self.number(score.score))",
                "\"differs\": \(score.differs)",
            ]
            fields.append("\"inputs\": \(score.inputs.json)")
            fields.append("\"parts\": [" + parts.joined(separator: ", ") + "]")
            fields.append("\"reasons\": [" + score.reasons.map(Self.jsonString).joined(separator: ", ") + "]")
            out += "    {" + fields.joined(separator: ", ") + "}"
            out += index + 1 < scores.count ? ",\n" : "\n"
        }
        return out + "  ]\n}\n"
    }

    /// `JSONText.displayed(text)` (control characters escaped for reading, then quoted), straight
    /// when nothing needs escaping: names and reasons almost never do, and there are 60,000 at 10,000 accounts.
    static func jsonString(_ text: String) -> String {
        let plain = !text.unicodeScalars.contains {
            $0 == "\"" || $0 == "\\" || $0 == "\u{FEFF}" || DisplayText.needsEscape($0)
        }
        return plain ? "\"" + text + "\"" : JSONText.displayed(text)
    }

    /// A JSON number with at most four decimals, trailing zeros dropped ("0.4", "0.7835", "1").
    static func number(_ value: Double) -> String {
        let tenThousandths = Int((value * 10_000).rounded())
        let magnitude = abs(tenThousandths)
        let sign = tenThousandths < 0 ? "-" : ""
        var fraction = magnitude % 10_000
        if fraction == 0 { return sign + String(magnitude / 10_000) }
        var digits = 4
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return sign + String(magnitude / 10_000) + "." + String(repeating: "0", count: digits - text.count) + text
    }

    // MARK: - CSV

    /// RFC 4180: a header row, then one row per account, CRLF line ends; a field holding a comma,
    /// a quote or a line break is quoted with its quotes doubled. Reasons are joined by "; ".
    public func renderCSV() -> String {
        var out = "id,name,tier,suggested_tier,score,differs,reasons\r\n"
        for score in scores {
            let fields = [
                score.id, score.name, score.tier.map { String($0.rawValue) } ?? "", String(score.suggestedTier.rawValue),
                TierScoring.decimal(score.score), score.differs ? "true" : "false", score.reasons.joined(separator: "; "),
            ]
            out += fields.map { Self.csvField(DisplayText.escaped($0)) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension TierScore {
    /// The inputs as written in accounts.yaml and the plan, for the JSON report.
    public struct Inputs: Sendable, Hashable {
        public var acv: Int?
        public var cycleMonths: Int?
        public var stakeholders: Int?
        public var intent: Int?
        public var strategic: Bool?

        public init(_ account: Account, stakeholders: Int?) {
            acv = account.acv?.value
            cycleMonths = account.cycleMonths?.value
            self.stakeholders = stakeholders.flatMap { $0 > 0 ? $0 : nil }
            intent = account.intent?.value
            strategic = account.strategic?.value
        }

        var json: String {
            func int(_ value: Int?) -> String { value.map(String.init) ?? "null" }
            return "{\"acv\": \(int(acv)), \"cycle_months\": \(int(cycleMonths)), \"stakeholders\": \(int(stakeholders)), "
                + "\"intent\": \(int(intent)), \"strategic\": \(strategic.map { $0 ? "true" : "false" } ?? "null")}"
        }
    }
}
