/// `abmsync diff`'s three formats. Every value from the repository goes through `DisplayText`
/// (control characters, line breaks and bidirectional overrides escaped), and in Markdown also
/// through `MarkdownText` (so a name cannot open a link, close a code block or end a table row).
extension PlanDiff {
    /// GitHub's limit for a pull request comment (characters; counted here in UTF-8 bytes, which is
    /// never fewer).
    public static let markdownLimit = 65_536
    public static let jsonVersion = 1

    // MARK: summary per tier

    public struct TierSummary: Sendable, Hashable {
        /// nil: accounts without a (readable) tier, and findings about no account.
        public var tier: Int?
        public var accountsChanged: Int
        /// ACV after minus ACV before of the accounts in this tier (a move counts out of one tier
        /// and into the other).
        public var acvMoved: Int
        public var newFindings: Int
    }

    public var tierSummary: [TierSummary] {
        var rows: [Int?: TierSummary] = [:]
        func row(_ tier: Int?) -> TierSummary { rows[tier] ?? TierSummary(tier: tier, accountsChanged: 0, acvMoved: 0, newFindings: 0) }
        var tierOf: [String: Int?] = [:]
        for account in accounts {
            let tier = account.tierAfter ?? account.tierBefore
            tierOf[account.id] = tier
            var current = row(tier)
            current.accountsChanged += 1
            rows[tier] = current
            if let before = account.acvBefore {
                var old = row(account.tierBefore ?? account.tierAfter)
                old.acvMoved -= before
                rows[account.tierBefore ?? account.tierAfter] = old
            }
            if let after = account.acvAfter {
                var new = row(account.tierAfter ?? account.tierBefore)
                new.acvMoved += after
                rows[account.tierAfter ?? account.tierBefore] = new
            }
        }
        for finding in findings {
            let tier = finding.account.flatMap { tierOf[$0] } ?? nil
            var current = row(tier)
            current.newFindings += 1
            rows[tier] = current
        }
        return rows.values.sorted { ($0.tier ?? Int.max) < ($1.tier ?? Int.max) }
    }

    // MARK: words shared by the formats

    /// The account's change as lines in words (no escaping).
    func words(_ account: AccountChange) -> [String] {
        var lines: [String] = []
        switch account.status {
        case .added: lines.append("added" + (account.tierAfter.map { " as tier \($0)" } ?? ""))
        case .removed: lines.append("removed from the account list")
        case .renamed(let from): lines.append("id renamed \(from) → \(account.id)")
        case .changed: break
        }
        if account.status != .removed { lines += account.fields.map(\.words) }
        if let plan = account.plan { lines += words(plan) }
        return lines
    }

    func words(_ plan: PlanFileChange) -> [String] {
        var lines: [String] = []
        switch plan.status {
        case .added: lines.append("plan created (\(plan.path))")
        case .removed: lines.append("plan deleted (\(plan.path))")
        case .renamed: lines.append("plan moved \(plan.oldPath ?? "") → \(plan.path)")
        case .edited: break
        }
        lines += plan.frontMatter.map { "plan \($0.words)" }
        for person in plan.stakeholders {
            switch person.status {
            case .added:
                lines.append("stakeholder added: \(person.name)" + (person.details.isEmpty ? "" : " (\(person.details.joined(separator: ", ")))"))
            case .removed: lines.append("stakeholder removed: \(person.name)")
            case .changed: lines.append("stakeholder \(person.name): " + person.details.joined(separator: "; "))
            }
        }
        if plan.status != .added && plan.status != .removed {
            for section in plan.sections {
                switch section.status {
                case .added: lines.append("section \(section.title) added")
                case .removed: lines.append("section \(section.title) removed")
                case .renamed:
                    let edited = section.lines.contains { $0.kind == .added || $0.kind == .removed }
                    lines.append("section \(section.oldTitle ?? "") renamed \(section.title)" + (edited ? " and edited" : ""))
                case .edited: lines.append("section \(section.title) edited")
                }
                for task in section.tasks { lines.append("task \(task.ticked ? "ticked" : "unticked"): \(task.task)") }
            }
        }
        return lines
    }

    static func headline(_ account: AccountChange) -> String {
        account.name == account.id ? account.id : "\(account.name) (\(account.id))"
    }

    func findingLine(_ finding: Finding) -> String {
        "\(finding.location): \(finding.severity.rawValue)[\(finding.rule)]: \(DisplayText.escaped(finding.message))"
    }

    var findingCounts: String {
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        return "\(errors) new error\(errors == 1 ? "" : "s"), \(warnings) new warning\(warnings == 1 ? "" : "s")"
    }

    static func signedMoney(_ amount: Int) -> String {
        amount == 0 ? "$0" : (amount > 0 ? "+" : "−") + FieldWords.money(abs(amount))
    }

    // MARK: text

    /// Plain text for a terminal; `colour` adds ANSI colours (the caller decides: a terminal, and
    /// `NO_COLOR` unset).
    public func renderText(colour: Bool = false) -> String {
        func paint(_ code: String, _ text: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let e = DisplayText.escaped
        var out = "Changes from \(e(oldLabel)) to \(e(newLabel))"
        guard !isEmpty else { return out + ": no plan changes.\n" }
        let moved = accounts.reduce(0) { $0 + ($1.acvAfter ?? 0) - ($1.acvBefore ?? 0) }
        out += ": \(accounts.count) account\(accounts.count == 1 ? "" : "s") changed"
            + (moved == 0 ? "" : ", ACV \(Self.signedMoney(moved))") + ", \(findingCounts)\n"
        func lines(_ section: SectionChange, indent: String) -> String {
            var text = ""
            for (index, line) in section.lines.enumerated() {
                // A removed line that its added line rewrites: shown once, with the words marked.
                if line.kind == .removed, Self.rewrite(of: index, in: section.lines) != nil { continue }
                if line.kind == .added, let words = line.words {
                    var marked = ""
                    for part in words {
                        switch part.kind {
                        case .same: marked += e(part.text)
                        case .removed: marked += paint("31", "[-" + e(part.text) + "-]")
                        case .added: marked += paint("32", "{+" + e(part.text) + "+}")
                        }
                    }
                    text += indent + paint("33", "~ ") + marked + "\n"
                    continue
                }
                switch line.kind {
                case .gap: text += indent + paint("36", "…") + "\n"
                case .context: text += indent + "  " + e(line.text) + "\n"
                case .added: text += indent + paint("32", "+ " + e(line.text)) + "\n"
                case .removed: text += indent + paint("31", "- " + e(line.text)) + "\n"
                }
            }
            return text
        }
        func planText(_ plan: PlanFileChange) -> String {
            var text = ""
            for section in plan.sections where !section.lines.isEmpty {
                text += "    " + paint("36", "@@ \(e(section.title)) @@") + "\n" + lines(section, indent: "    ")
            }
            return text
        }
        for account in accounts {
            out += "\n" + paint("1", e(Self.headline(account))) + "\n"
            for line in words(account) { out += "  " + e(line) + "\n" }
            if let plan = account.plan { out += planText(plan) }
            for finding in findings where finding.account == account.id {
                out += "  " + paint(finding.severity == .error ? "31" : "33", findingLine(finding)) + "\n"
            }
        }
        for plan in plans {
            out += "\n" + paint("1", e(plan.name)) + " (\(e(plan.path)))\n"
            for line in words(plan) { out += "  " + e(line) + "\n" }
            out += planText(plan)
        }
        if !policy.isEmpty {
            out += "\n" + paint("1", "Policy (abmsync.yaml)") + "\n" + policy.map { "  " + e($0) + "\n" }.joined()
        }
        if !team.isEmpty { out += "\n" + paint("1", "Team (team.yaml)") + "\n" + team.map { "  " + e($0) + "\n" }.joined() }
        if !unreadable.isEmpty { out += "\n" + paint("1", "Not compared") + "\n" + unreadable.map { "  " + e($0) + "\n" }.joined() }
        let accountIDs = Set(accounts.map(\.id))
        let other = findings.filter { $0.account.map { !accountIDs.contains($0) } ?? true }
        if !other.isEmpty {
            out += "\n" + paint("1", "New findings") + "\n"
            for finding in other { out += "  " + paint(finding.severity == .error ? "31" : "33", findingLine(finding)) + "\n" }
        }
        return out
    }

    /// The added line that rewrites the removed line at `index` (`DiffLine.words`), if any.
    static func rewrite(of index: Int, in lines: [DiffLine]) -> DiffLine? {
        var start = index
        while start > 0, lines[start - 1].kind == .removed { start -= 1 }
        var end = index
        while end < lines.count, lines[end].kind == .removed { end += 1 }
        let partner = end + (index - start)
        guard partner < lines.count, lines[partner].kind == .added, lines[partner].words != nil else { return nil }
        for between in end...partner where lines[between].kind != .added { return nil }
        return lines[partner]
    }

    // MARK: markdown

    /// GitHub-flavoured Markdown for a pull request comment: a summary table, then one `<details>`
    /// block per account with ```diff blocks; at most `limit` characters (`moreCommand` is named
    /// in the note when accounts are left out).
    public func renderMarkdown(limit: Int = PlanDiff.markdownLimit, moreCommand: String = "abmsync diff") -> String {
        let m = MarkdownText.inline
        var out = "### Plan changes: \(m(oldLabel)) → \(m(newLabel))\n\n"
        guard !isEmpty else { return out + "No plan changes.\n" }
        out += "| Tier | Accounts changed | ACV moved | New findings |\n| --- | ---: | ---: | ---: |\n"
        for row in tierSummary {
            out += "| \(row.tier.map(String.init) ?? "—") | \(row.accountsChanged) | \(Self.signedMoney(row.acvMoved)) | \(row.newFindings) |\n"
        }
        out += "\n"
        if !findings.isEmpty { out += "**New findings:** \(findingCounts)\n\n" }

        var blocks: [String] = []
        for account in accounts {
            var block = "<details><summary><b>\(MarkdownText.html(Self.headline(account)))</b>"
            let first = words(account).prefix(2)
            if !first.isEmpty { block += ": " + MarkdownText.html(first.joined(separator: "; ")) }
            block += "</summary>\n\n"
            for line in words(account) { block += "- \(m(line))\n" }
            for finding in findings where finding.account == account.id {
                block += "- \(finding.severity == .error ? "❌" : "⚠️") \(m(findingLine(finding)))\n"
            }
            block += diffBlock(account)
            block += "\n</details>\n\n"
            blocks.append(block)
        }
        for plan in plans {
            var block = "<details><summary><b>\(MarkdownText.html(plan.name))</b> (\(MarkdownText.html(plan.path)))</summary>\n\n"
            for line in words(plan) { block += "- \(m(line))\n" }
            block += diffBlock(fields: [], plan: plan)
            block += "\n</details>\n\n"
            blocks.append(block)
        }
        var tail = ""
        if !policy.isEmpty { tail += "**Policy (abmsync.yaml)**\n\n" + policy.map { "- \(m($0))\n" }.joined() + "\n" }
        if !team.isEmpty { tail += "**Team (team.yaml)**\n\n" + team.map { "- \(m($0))\n" }.joined() + "\n" }
        if !unreadable.isEmpty { tail += "**Not compared**\n\n" + unreadable.map { "- \(m($0))\n" }.joined() + "\n" }
        let accountIDs = Set(accounts.map(\.id))
        let other = findings.filter { $0.account.map { !accountIDs.contains($0) } ?? true }
        if !other.isEmpty { tail += "**New findings**\n\n" + other.map { "- \(m(findingLine($0)))\n" }.joined() + "\n" }

        // Policy and team first when space runs out: they concern everyone.
        let reserve = 400
        var shown = 0
        var body = ""
        if out.utf8.count + tail.utf8.count + reserve <= limit { out += tail } else { tail = "" }
        for block in blocks {
            guard out.utf8.count + body.utf8.count + block.utf8.count + reserve <= limit else { break }
            body += block
            shown += 1
        }
        out += body
        if shown < blocks.count {
            let left = blocks.count - shown
            out += "> **\(left) more change\(left == 1 ? "" : "s") not shown** (GitHub comments hold at most "
                + "\(limit) characters): run `\(MarkdownText.code(moreCommand))` for all of them.\n"
        }
        return out
    }

    /// The field changes and plan lines of an account as one ```diff block (empty when neither).
    private func diffBlock(_ account: AccountChange) -> String {
        let fields = account.status == .removed ? [] : account.fields
        return diffBlock(fields: fields, plan: account.plan)
    }

    private func diffBlock(fields: [FieldChange], plan: PlanFileChange?) -> String {
        var lines: [String] = []
        let e = DisplayText.escaped
        for field in fields {
            if let old = field.old { lines.append("- \(e(field.key)): \(e(old))") }
            if let new = field.new { lines.append("+ \(e(field.key)): \(e(new))") }
        }
        for section in plan?.sections ?? [] where !section.lines.isEmpty {
            lines.append("@@ \(e(section.title)) @@")
            for line in section.lines {
                switch line.kind {
                case .gap: lines.append("@@ … @@")
                case .context: lines.append("  " + e(line.text))
                case .added: lines.append("+ " + e(line.text))
                case .removed: lines.append("- " + e(line.text))
                }
            }
        }
        guard !lines.isEmpty else { return "" }
        let fence = MarkdownText.fence(for: lines)
        return "\n\(fence)diff\n" + lines.joined(separator: "\n") + "\n\(fence)\n"
    }

    // MARK: json

    /// The documented JSON (`templates/schemas/diff.schema.json`, `"schema_version": 1`).
    public func renderJSON() -> String {
        func string(_ value: String?) -> JSONText { value.map { .string($0) } ?? .null }
        func integer(_ value: Int?) -> JSONText { value.map { .integer($0) } ?? .null }
        func fields(_ changes: [FieldChange]) -> JSONText {
            .array(changes.map { .object([("field", .string($0.key)), ("before", string($0.old)), ("after", string($0.new)), ("text", .string($0.words))]) })
        }
        func plan(_ plan: PlanFileChange?) -> JSONText {
            guard let plan else { return .null }
            return .object([
                ("path", .string(plan.path)), ("old_path", string(plan.oldPath)), ("name", .string(plan.name)),
                ("status", .string(plan.status.rawValue)), ("front_matter", fields(plan.frontMatter)),
                (
                    "stakeholders",
                    .array(plan.stakeholders.map {
                        .object([("name", .string($0.name)), ("status", .string($0.status.rawValue)), ("details", .array($0.details.map { .string($0) }))])
                    })
                ),
                (
                    "sections",
                    .array(plan.sections.map { section in
                        .object([
                            ("title", .string(section.title)), ("old_title", string(section.oldTitle)),
                            ("status", .string(section.status.rawValue)),
                            (
                                "lines",
                                .array(section.lines.map { line in
                                    .object([
                                        ("op", .string(line.kind.rawValue)), ("text", .string(line.text)),
                                        (
                                            "words",
                                            line.words.map { parts in
                                                .array(parts.map { .object([("op", .string($0.kind.rawValue)), ("text", .string($0.text))]) })
                                            } ?? .null
                                        ),
                                    ])
                                })
                            ),
                            ("tasks", .array(section.tasks.map { .object([("task", .string($0.task)), ("ticked", .bool($0.ticked))]) })),
                        ])
                    })
                ),
                ("summary", .array(words(plan).map { .string($0) })),
            ])
        }
        let statusWord: (AccountChange.Status) -> String = {
            switch $0 {
            case .added: return "added"
            case .removed: return "removed"
            case .renamed: return "renamed"
            case .changed: return "changed"
            }
        }
        let document = JSONText.object([
            ("schema_version", .integer(Self.jsonVersion)),
            ("from", .string(oldLabel)),
            ("to", .string(newLabel)),
            (
                "summary",
                .object([
                    ("accounts_changed", .integer(accounts.count)),
                    (
                        "tiers",
                        .array(tierSummary.map {
                            .object([
                                ("tier", integer($0.tier)), ("accounts_changed", .integer($0.accountsChanged)),
                                ("acv_moved", .integer($0.acvMoved)), ("new_findings", .integer($0.newFindings)),
                            ])
                        })
                    ),
                    ("new_errors", .integer(findings.filter { $0.severity == .error }.count)),
                    ("new_warnings", .integer(findings.filter { $0.severity == .warning }.count)),
                ])
            ),
            (
                "accounts",
                .array(accounts.map { account in
                    var renamedFrom: String?
                    if case .renamed(let from) = account.status { renamedFrom = from }
                    return .object([
                        ("id", .string(account.id)), ("name", .string(account.name)), ("status", .string(statusWord(account.status))),
                        ("renamed_from", string(renamedFrom)),
                        ("tier", .object([("before", integer(account.tierBefore)), ("after", integer(account.tierAfter))])),
                        ("acv", .object([("before", integer(account.acvBefore)), ("after", integer(account.acvAfter))])),
                        ("fields", fields(account.status == .removed ? [] : account.fields)),
                        ("plan", plan(account.plan)),
                        ("summary", .array(words(account).map { .string($0) })),
                    ])
                })
            ),
            ("plans", .array(plans.map { plan($0) })),
            ("policy", .array(policy.map { .string($0) })),
            ("team", .array(team.map { .string($0) })),
            ("not_compared", .array(unreadable.map { .string($0) })),
            (
                "findings",
                .array(findings.map { finding in
                    .object([
                        ("severity", .string(finding.severity.rawValue)), ("rule", .string(finding.rule)),
                        ("file", .string(finding.location.file)), ("line", .integer(finding.location.line)),
                        ("column", .integer(finding.location.column)), ("message", .string(finding.message)),
                        ("account", string(finding.account)),
                    ])
                })
            ),
        ])
        return MarkdownText.jsonSafe(document.pretty())
    }
}

/// Escaping for Markdown and for the characters `DisplayText` would rewrite inside JSON.
enum MarkdownText {
    /// Inline Markdown text: control characters escaped (`DisplayText`), then every character that
    /// could start markup backslash-escaped (GFM lets any ASCII punctuation be escaped).
    static func inline(_ value: String) -> String {
        let plain = DisplayText.escaped(value)
        var out = ""
        out.reserveCapacity(plain.utf8.count)
        for character in plain {
            if "\\`*_[]<>|~#&!{}()".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Text inside an HTML block (`<summary>`), where Markdown escapes do not apply.
    static func html(_ value: String) -> String {
        var out = ""
        for character in DisplayText.escaped(value) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Text for an inline code span: no backticks in it.
    static func code(_ value: String) -> String { DisplayText.escaped(value).replacingBackticks }

    /// A backtick fence longer than any run of backticks in the lines, so none can close it.
    static func fence(for lines: [String]) -> String {
        var longest = 0
        for line in lines {
            var run = 0
            for character in line {
                run = character == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// JSON text with every character `DisplayText` would escape (DEL, C1 controls, bidirectional
    /// overrides, line separators) written as a `\u` escape, so printing it changes nothing and
    /// it still reads back as the same strings. `JSONText` has escaped C0 controls already; the
    /// only line breaks left are the layout's.
    static func jsonSafe(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { $0 != "\n" && DisplayText.needsEscape($0) }) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if scalar != "\n", DisplayText.needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    fileprivate var replacingBackticks: String { String(map { $0 == "`" ? "'" : $0 }) }
}
