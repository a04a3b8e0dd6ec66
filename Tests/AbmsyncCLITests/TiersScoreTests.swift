import ABMTestSupport
import Foundation
import Testing

/// `abmsync tiers score`, run as a salesperson runs it: the three formats, the filters, the errors.
@Suite struct TiersScoreTests {
    /// A plan repository (the template's policy: the SPEC's scoring defaults) with four accounts:
    /// acme-corp stays tier 1 (score 0.75), globex is tier 2 but scores 0.17 (tier 3), initech is tier 3
    /// but scores 0.49 (tier 2), and a tier 3 account whose name holds a quote, a comma and an escape
    /// character scores 0.04 and stays. The arithmetic is in TierScoreTests.
    struct Plans {
        let temp = TemporaryDirectory("abmsync-tiers")
        var path: String { temp.file("p") }

        init() {
            let created = CLITests.abmsync(["init", "p"], in: temp.path)
            precondition(created.status == 0, created.combined)
            temp.write(
                "p/accounts.yaml",
                """
                accounts:
                  acme-corp:
                    name: Acme Corp
                    tier: 1
                    acv: 450000
                    cycle_months: 12
                    intent: 72
                  globex:
                    name: Globex
                    tier: 2
                    acv: 60000
                  initech:
                    name: Initech
                    tier: 3
                    acv: 2000000
                    cycle_months: 3
                    intent: 10
                  evil-corp:
                    name: "Evil \\"Corp\\", Inc. \\e[31m"
                    tier: 3
                    acv: 18000

                """)
            temp.write("p/accounts/acme-corp.md", Self.plan("acme-corp", stakeholders: 8))
            temp.write("p/accounts/initech.md", Self.plan("initech", stakeholders: 2))
        }

        static func plan(_ id: String, stakeholders: Int) -> String {
            let people = (1...stakeholders).map { "  - name: Person \($0)\n    role: influencer\n" }.joined()
            return "---\naccount: \(id)\nstakeholders:\n\(people)---\n# \(id)\n\n## Summary\nText.\n"
        }

        func run(_ arguments: [String], environment: [String: String] = [:]) -> ProcessOutput {
            runProcess(
                CLITests.binary, ["tiers", "score"] + arguments, in: path,
                environment: GitCLI.environment(home: temp.path).merging(environment) { $1 })
        }
    }

    @Test func byDefaultOnlyTheAccountsSuggestedAnotherTierAreShownWithTheirReasons() {
        let plans = Plans()
        let result = plans.run([])
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.stderr == "")
        #expect(
            result.stdout == """
                Globex (globex): tier 2 → suggested tier 3, score 0.17
                  ACV $60k → 0.24 × 0.40 = 0.09
                  sales cycle not set → 0.00 × 0.20 = 0.00
                  buying group 4 assumed (tier 2 default, the plan lists none) → 0.40 × 0.20 = 0.08
                  intent not set → 0.00 × 0.20 = 0.00
                  score 0.17 is below tier2_at 0.45 → tier 3
                Initech (initech): tier 3 → suggested tier 2, score 0.49
                  ACV $2M → 1.00 × 0.40 = 0.40
                  sales cycle 3 months → 0.17 × 0.20 = 0.03
                  buying group 2 stakeholders in the plan → 0.20 × 0.20 = 0.04
                  intent 10 → 0.10 × 0.20 = 0.02
                  score 0.49 is below tier1_at 0.75, at or above tier2_at 0.45 → tier 2
                2 of 4 accounts are suggested another tier than the one they have (capacity not considered); \
                'abmsync tiers score --all' shows every account.

                """)
    }

    @Test func allShowsEveryAccountAndNamesAreEscaped() {
        let result = Plans().run(["--all"])
        #expect(result.status == 0, "\(result.combined)")
        let headings = result.stdout.split(separator: "\n").filter { !$0.hasPrefix("  ") }
        #expect(
            headings == [
                "Acme Corp (acme-corp): tier 1, suggested tier 1 (stays), score 0.75",
                "Globex (globex): tier 2 → suggested tier 3, score 0.17",
                "Initech (initech): tier 3 → suggested tier 2, score 0.49",
                "Evil \"Corp\", Inc. \\x1B[31m (evil-corp): tier 3, suggested tier 3 (stays), score 0.04",
                "2 of 4 accounts are suggested another tier than the one they have (capacity not considered).",
            ])
        #expect(!result.stdout.contains("\u{1B}"))
    }

    @Test func accountsNamedAreShownWhetherOrNotTheirSuggestionDiffers() {
        let result = Plans().run(["acme-corp", "initech"])
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.stdout.hasPrefix("Acme Corp (acme-corp): tier 1, suggested tier 1 (stays), score 0.75\n"))
        #expect(result.stdout.contains("\n  buying group 8 stakeholders in the plan → 0.80 × 0.20 = 0.16\n"))
        #expect(result.stdout.contains("\nInitech (initech): tier 3 → suggested tier 2, score 0.49\n"))
        #expect(!result.stdout.contains("Globex"))
    }

    @Test func anUnknownAccountIsAUsageErrorThatNamesTheLikelyOne() {
        let result = Plans().run(["acme-crop"])
        #expect(result.status == 64, "\(result.combined)")
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                error: account 'acme-crop' not found in accounts.yaml — did you mean 'acme-corp'?
                  hint: give account ids as accounts.yaml writes them; 'abmsync tiers score --all' lists every account

                """)
    }

    @Test func jsonHasOneObjectPerAccountWithTheDocumentedFields() throws {
        let result = Plans().run(["--all", "--format", "json"])
        #expect(result.status == 0, "\(result.combined)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(root["version"] as? Int == 1)
        let summary = try #require(root["summary"] as? [String: Int])
        #expect(summary == ["accounts": 4, "differ": 2, "shown": 4])
        let accounts = try #require(root["accounts"] as? [[String: Any]])
        #expect(accounts.map { $0["id"] as? String } == ["acme-corp", "globex", "initech", "evil-corp"])
        let initech = accounts[2]
        #expect(initech["name"] as? String == "Initech")
        #expect(initech["tier"] as? Int == 3)
        #expect(initech["suggested_tier"] as? Int == 2)
        #expect(initech["score"] as? Double == 0.49)
        #expect(initech["differs"] as? Bool == true)
        let inputs = try #require(initech["inputs"] as? [String: Any])
        #expect(inputs["acv"] as? Int == 2_000_000 && inputs["stakeholders"] as? Int == 2 && inputs["strategic"] is NSNull)
        let parts = try #require(initech["parts"] as? [[String: Any]])
        #expect(parts.map { $0["input"] as? String } == ["acv", "cycle", "buying_group", "intent"])
        #expect(parts[1]["value"] as? Double == 0.1667 && parts[1]["weight"] as? Double == 0.2)
        let reasons = try #require(initech["reasons"] as? [String])
        #expect(reasons.first == "ACV $2M → 1.00 × 0.40 = 0.40" && reasons.count == 5)
        #expect(accounts[3]["name"] as? String == "Evil \"Corp\", Inc. \\x1B[31m")
        // The default: only those that differ.
        let differing = Plans().run(["--format", "json"])
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(differing.stdout.utf8)) as? [String: Any])
        #expect((shown["accounts"] as? [[String: Any]])?.map { $0["id"] as? String } == ["globex", "initech"])
    }

    @Test func csvHasAHeaderRowAndQuotesAsRFC4180Says() {
        let result = Plans().run(["--all", "--format", "csv"])
        #expect(result.status == 0, "\(result.combined)")
        let rows = result.stdout.components(separatedBy: "\r\n")
        #expect(rows.count == 6 && rows.last == "", "\(rows)")
        #expect(rows[0] == "id,name,tier,suggested_tier,score,differs,reasons")
        #expect(rows[2].hasPrefix("globex,Globex,2,3,0.17,true,\"ACV $60k → 0.24 × 0.40 = 0.09; sales cycle not set"))
        #expect(rows[2].hasSuffix("; score 0.17 is below tier2_at 0.45 → tier 3\""))
        #expect(rows[4].hasPrefix("evil-corp,\"Evil \"\"Corp\"\", Inc. \\x1B[31m\",3,3,0.04,false,"))
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(!result.stdout.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    /// Every format is written to stdout as rendered (not through Console.out's escaping), so the
    /// renderers alone must keep a name's ESC, CR and bidi override from reaching the terminal.
    @Test func controlCharactersInANameAreEscapedInEveryFormat() throws {
        let plans = Plans()
        plans.temp.write(
            "p/accounts.yaml",
            """
            accounts:
              hostile:
                name: "Back\\\\slash\\tTab\\e]0;OWNED\\a\\rFake Corp\\u202Egpj\\e[2J"
                tier: 1
                acv: 18000

            """)
        /// The scalars a terminal would act on, other than the line ends each format uses.
        func controls(_ output: String, lineEnd: String) -> [String] {
            output.components(separatedBy: lineEnd).flatMap { line in
                line.unicodeScalars.filter { scalar in
                    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || [0x2028, 0x2029, 0x200E, 0x200F].contains(scalar.value)
                        || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
                }.map { String($0.value, radix: 16) }
            }
        }
        let escaped = #"Back\slash\x09Tab\x1B]0;OWNED\x07\x0DFake Corp\u{202E}gpj\x1B[2J"#

        let text = plans.run(["--all"])
        #expect(text.status == 0, "\(text.combined)")
        #expect(controls(text.stdout, lineEnd: "\n") == [], "\(text.stdout.debugDescription)")
        #expect(text.stdout.hasPrefix(escaped + " (hostile): tier 1 → suggested tier 3, score "), "\(text.stdout.debugDescription)")

        let json = plans.run(["--all", "--format", "json"])
        #expect(json.status == 0, "\(json.combined)")
        #expect(controls(json.stdout, lineEnd: "\n") == [], "\(json.stdout.debugDescription)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let accounts = try #require(root["accounts"] as? [[String: Any]])
        let name = try #require(accounts.first?["name"] as? String)
        #expect(name == escaped)
        #expect(!name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E })

        let csv = plans.run(["--all", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.combined)")
        #expect(controls(csv.stdout, lineEnd: "\r\n") == [], "\(csv.stdout.debugDescription)")
        let rows = csv.stdout.components(separatedBy: "\r\n")
        #expect(rows.count == 3 && rows[2] == "", "\(rows)")
        #expect(rows[1].hasPrefix("hostile,\(escaped),1,3,"), "\(rows)")
    }

    @Test func theScoresAreTheSameWithTheValidateCacheAndWithout() {
        let plans = Plans()
        let plain = plans.run(["--all", "--format", "json"], environment: ["ABMSYNC_NO_CACHE": "1"])
        _ = CLITests.abmsync(["validate"], in: plans.path)  // fills .git/abmsync with parse records
        let warm = plans.run(["--all", "--format", "json"])
        #expect(plain.status == 0 && warm.status == 0)
        #expect(plain.stdout == warm.stdout)
        // An edit after the cache was written is seen.
        plans.temp.write("p/accounts/initech.md", Plans.plan("initech", stakeholders: 9))
        let edited = plans.run(["initech"])
        #expect(edited.stdout.contains("buying group 9 stakeholders in the plan → 0.90 × 0.20 = 0.18"), "\(edited.stdout)")
    }

    @Test func anUnreadableAccountListStopsWithTheReasonAndAnErrorsWarnButScore() {
        let plans = Plans()
        let text = plans.temp.read("p/accounts.yaml") ?? ""
        plans.temp.write("p/accounts.yaml", text.replacingOccurrences(of: "    tier: 2\n", with: "    tier: 2\n    tier: 3\n"))
        let broken = plans.run([])
        #expect(broken.status == 1, "\(broken.combined)")
        #expect(broken.stderr.contains("accounts.yaml:11:5: error[yaml-duplicate-key]"), "\(broken.stderr)")
        #expect(broken.stderr.contains("error: cannot score the accounts: accounts.yaml cannot be read"))
        plans.temp.write("p/accounts.yaml", text.replacingOccurrences(of: "intent: 72", with: "intent: 720"))
        let outOfRange = plans.run(["acme-corp"])
        #expect(outOfRange.status == 0, "\(outOfRange.combined)")
        #expect(outOfRange.stderr.hasPrefix("warning: 1 error in the files scored; the scores use what could be read"))
        #expect(outOfRange.stdout.contains("  intent not set → 0.00 × 0.20 = 0.00\n"))
    }

    @Test func outsideAPlanRepositoryItSaysSo() {
        let temp = TemporaryDirectory()
        let result = CLITests.abmsync(["tiers", "score"], in: temp.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not inside a git repository"), "\(result.stderr)")
    }
}
