/// Structure: every account and person is listed once, so owners and plans point at one thing.
enum IdentityRules: RuleFamily {
    static let duplicateID = ValidationRule(
        "duplicate-id", .error, "an account or person id is used more than once")
    static let duplicateEmail = ValidationRule(
        "duplicate-email", .error, "two people in team.yaml share an email address")
    static let duplicateDomain = ValidationRule(
        "duplicate-domain", .warning, "two accounts share a domain (the same company listed twice)")

    static let rules = [duplicateID, duplicateEmail, duplicateDomain]

    static func checkAcross(_ context: ValidationContext, _ report: inout FindingCollector) {
        let workspace = context.workspace

        var accountIDs: [String: SourceLocation] = [:]
        // The first account with each domain, by position (accounts are large values: not copied).
        var domains: [String: Int] = [:]
        accountIDs.reserveCapacity(workspace.accounts.count)
        domains.reserveCapacity(workspace.accounts.count)
        for (position, account) in workspace.accounts.enumerated() {
            let id = account.id.value
            if let first = accountIDs[id] {
                report.report(
                    duplicateID, at: account.id.location, "account id '\(id)' is listed twice (first at \(first))",
                    why: "plans, owners and merges find an account by its id, so each id must name one account",
                    fix: "merge the two entries into one, or give one of them a different id", account: id)
            } else {
                accountIDs[id] = account.id.location
            }
            guard let domain = account.domain, !domain.value.isEmpty else { continue }
            let key = normalized(domain: domain.value)
            if let first = domains[key] {
                let other = workspace.accounts[first]
                report.report(
                    duplicateDomain, at: domain.location,
                    "\(context.name(account)) has the same domain '\(domain.value)' as \(context.name(other))",
                    why: "one company listed twice splits its owners and plans, so sales and marketing work from different lists",
                    fix: "keep one entry for the company (or fix the domain if they really are different companies)",
                    account: id)
            } else {
                domains[key] = position
            }
        }
    }

    static func checkShared(_ context: ValidationContext, _ report: inout FindingCollector) {
        let workspace = context.workspace
        var personIDs: [String: SourceLocation] = [:]
        var emails: [String: String] = [:]
        for person in workspace.team.people {
            let id = person.id.value
            if let first = personIDs[id] {
                report.report(
                    duplicateID, at: person.id.location, "person id '\(id)' is listed twice (first at \(first))",
                    why: "accounts and programmes name their owners by id, so each id must name one person",
                    fix: "keep one entry for '\(id)' in team.yaml")
                continue
            }
            personIDs[id] = person.id.location
            guard let email = person.email?.lowercased(), !email.isEmpty else { continue }
            if let other = emails[email] {
                report.report(
                    duplicateEmail, at: emailLocation(of: person, in: workspace),
                    "'\(person.name)' (\(id)) has the same email '\(email)' as '\(other)'",
                    why: "commit authors are matched to people by email, so abmsync cannot tell who made a change",
                    fix: "give each person their own email address")
            } else {
                emails[email] = id
            }
        }
    }

    /// `WWW.Acme.com.` → `acme.com`. Works on bytes (ASCII case folding): this runs once per account.
    private static func normalized(domain: String) -> String {
        var bytes = Array(domain.utf8)
        for index in bytes.indices where (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[index]) {
            bytes[index] += 32
        }
        var start = 0
        if bytes.starts(with: "www.".utf8) { start = 4 }
        var end = bytes.count
        while end > start, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The `email:` value of a person in team.yaml, else the person's id.
    private static func emailLocation(of person: Person, in workspace: Workspace) -> SourceLocation {
        let file = WorkspaceFile.team
        let entry = workspace.documents[file]?["people"]?.entries?.first {
            $0.keyNode.line == person.id.location.line && $0.keyNode.column == person.id.location.column
        }
        guard let node = entry?.value["email"] else { return person.id.location }
        return SourceLocation(file: file, line: node.line, column: node.column)
    }
}
