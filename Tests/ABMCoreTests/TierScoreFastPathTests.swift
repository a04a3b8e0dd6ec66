@testable import ABMCore
import Foundation
import PropertyBased
import Testing

/// The tier score report's fast paths give the plain path's text byte for byte: `jsonString` (quoted
/// straight when nothing needs escaping) against `JSONText.displayed`, and `TierScoring.decimal` /
/// `TierScoreReport.number` (made from integers) against Foundation's formatter.
@Suite struct TierScoreFastPathTests {
    /// The characters that must never pass the fast path as themselves, and some that may.
    static let hostile: [String] = [
        "", "Acme Corp", "\"", "\\", "\\\"", "\"Evil\", Inc.", "\u{FEFF}", "\u{FEFF}Acme", "Acme\u{FEFF}", "\u{0}",
        "\u{1}", "\u{7}", "\t", "\n", "\r", "\r\n", "a\rb", "\u{1B}", "\u{1B}[31mred\u{1B}[0m", "\u{1B}]0;OWNED\u{7}",
        "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9B}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{200E}",
        "\u{200F}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{202E}gpj.exe", "\u{2066}",
        "\u{2067}", "\u{2068}", "\u{2069}", "\u{200B}", "\u{200D}", "\u{FFFE}", "\u{FFFD}", "🙂", "👩‍👩‍👧", "🇩🇪",
        "e\u{301}", "\u{301}", "é", "Zürich", "東京", "ACV $450k → 0.78 × 0.40 = 0.31", "/", "<script>", "'", "\\u0000",
    ]

    static func plain(_ text: String) -> [UInt8] { Array(JSONText.displayed(text).utf8) }
    static func fast(_ text: String) -> [UInt8] { Array(TierScoreReport.jsonString(text).utf8) }

    /// A string of 0…12 pieces of `hostile` (so pairs like CR LF, or a combining mark after a quote,
    /// meet), from `seed`.
    static func string(seed: Int) -> String {
        var random = UInt64(truncatingIfNeeded: seed) &+ 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((random >> 33) % UInt64(bound))
        }
        return (0..<next(13)).map { _ in
            // Now and then a scalar from anywhere (not a surrogate), not only the listed pieces.
            if next(4) == 0, let scalar = Unicode.Scalar(UInt32(next(0x3_0000))) { return String(Character(scalar)) }
            return hostile[next(hostile.count)]
        }.joined()
    }

    @Test(arguments: hostile) func aHostileStringIsWrittenAsThePlainPathWritesIt(_ text: String) throws {
        #expect(Self.fast(text) == Self.plain(text), "\(Array(text.unicodeScalars))")
        // And it reads back as the escaped text: one line, no control character.
        let back = try JSONSerialization.jsonObject(with: Data(TierScoreReport.jsonString(text).utf8), options: .fragmentsAllowed)
        #expect((back as? String).map { Array($0.utf8) } == Array(DisplayText.escaped(text).utf8))
    }

    @Test func generatedStringsAreWrittenAsThePlainPathWritesThem() async {
        await propertyCheck(count: 5000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            let text = Self.string(seed: seed)
            #expect(Self.fast(text) == Self.plain(text), "seed \(seed): \(Array(text.unicodeScalars))")
        }
    }

    @Test func everyScalarAloneAndBetweenLettersIsWrittenAsThePlainPathWritesIt() {
        // Every scalar of the BMP and of the emoji planes (0…0x2FFFF without surrogates).
        var differ: [UInt32] = []
        for value in UInt32(0)...0x2_FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "a" + String(Character(scalar)) + "b"
            if Self.fast(text) != Self.plain(text) { differ.append(value) }
        }
        let count = differ.count
        #expect(count == 0, "\(differ.prefix(20).map { String($0, radix: 16) })")
    }

    // MARK: - Numbers

    /// Two decimals, from Foundation: the value rounded to hundredths half away from zero first (the
    /// documented rounding: 0.125 is "0.13", where printf's "%.2f" gives "0.12"), never "-0.00".
    static func plainDecimal(_ value: Double) -> String {
        let hundredths = (value * 100).rounded(.toNearestOrAwayFromZero)
        return String(format: "%.2f", hundredths == 0 ? 0 : hundredths / 100)
    }

    /// At most four decimals, trailing zeros dropped, from Foundation, rounded as `plainDecimal`.
    static func plainNumber(_ value: Double) -> String {
        let tenThousandths = (value * 10_000).rounded(.toNearestOrAwayFromZero)
        var text = String(format: "%.4f", tenThousandths == 0 ? 0 : tenThousandths / 10_000)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Values on and around every rounding boundary in -20…20 (the .5 of the last digit shown, and a
    /// hair either side of it), negatives included.
    static var boundaryValues: [Double] {
        var values: [Double] = [0, -0.0, 0.005, -0.005, 0.015, -0.015, 0.125, -0.125, 0.5, -0.5, 1, -1, 0.99995, -0.99995,
                                0.00005, -0.00005, 0.00004, -0.00004, 0.995, -0.995, 0.7835, 0.1667, 12.345, -12.345]
        // k odd: a .5 of the hundredths (k / 200, in -20…20) and of the ten-thousandths (k / 20,000, in -2…2).
        for k in -4_000...4_000 {
            let half = Double(k) / 200
            values += [half, half.nextUp, half.nextDown, Double(k) / 100]
        }
        for k in -40_000...40_000 {
            let half = Double(k) / 20_000
            values += [half, half.nextUp, half.nextDown, Double(k) / 10_000]
        }
        return values
    }

    @Test func decimalsAgreeWithFoundationOnEveryBoundary() {
        var differ: [String] = []
        for value in Self.boundaryValues where TierScoring.decimal(value) != Self.plainDecimal(value) {
            differ.append("\(value): \(TierScoring.decimal(value)) ≠ \(Self.plainDecimal(value))")
        }
        let count = differ.count
        #expect(count == 0, "\(differ.prefix(10))")
    }

    @Test func numbersAgreeWithFoundationOnEveryBoundary() {
        var differ: [String] = []
        for value in Self.boundaryValues where TierScoreReport.number(value) != Self.plainNumber(value) {
            differ.append("\(value): \(TierScoreReport.number(value)) ≠ \(Self.plainNumber(value))")
        }
        let count = differ.count
        #expect(count == 0, "\(differ.prefix(10))")
    }

    @Test func generatedNumbersAgreeWithFoundation() async {
        await propertyCheck(count: 5000, input: Gen.int(in: -2_000_000_000...2_000_000_000), Gen.int(in: 0...6)) { raw, scale in
            // From 2e9 down to 2e3 in size: big weights and small parts alike.
            let value = Double(raw) / pow(10, Double(scale + 3))
            #expect(TierScoring.decimal(value) == Self.plainDecimal(value), "\(value)")
            #expect(TierScoreReport.number(value) == Self.plainNumber(value), "\(value)")
        }
    }

    @Test func numbersAsTheReportWritesThem() {
        #expect(TierScoring.decimal(0.125) == "0.13" && TierScoring.decimal(-0.125) == "-0.13")
        #expect(TierScoring.decimal(-0.004) == "0.00" && TierScoring.decimal(-0.005) == "-0.01")
        #expect(TierScoring.decimal(-1.5) == "-1.50" && TierScoring.decimal(0.999) == "1.00")
        #expect(TierScoreReport.number(0.4) == "0.4" && TierScoreReport.number(0.78354) == "0.7835")
        #expect(TierScoreReport.number(1) == "1" && TierScoreReport.number(0.99996) == "1")
        #expect(TierScoreReport.number(0.0001) == "0.0001" && TierScoreReport.number(0.00004) == "0")
        // Between -1 and 0 the sign stays (the string-built version before wrote -0.5 as "0.5").
        #expect(TierScoreReport.number(-0.5) == "-0.5" && TierScoreReport.number(-0.00004) == "0")
    }
}
