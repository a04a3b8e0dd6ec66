extension FieldReader {
    /// `permissions:` of abmsync.yaml. A key or a name abmsync does not know is an error (not a
    /// warning): a misspelt permission would silently fall back to its default.
    mutating func permissions(_ node: YAMLNode) -> Permissions {
        var result = Permissions.defaults
        let example = "permissions: {move: [admin, exec]}"
        guard let entries = mapping(node, what: "'permissions'", example: example) else { return result }
        let known = ["add_remove"] + Permissions.Change.allCases.map(\.rawValue)
        for entry in entries {
            if entry.key == "add_remove" {
                for (tier, grant) in tierEntries(entry.value, what: "add_remove", example: "add_remove: {1: [admin, exec]}") {
                    if let grantees = grantees(grant, field: "add_remove \(tier.rawValue)") { result.addRemove[tier] = grantees }
                }
                continue
            }
            guard let change = Permissions.Change(rawValue: entry.key) else {
                let suggestion = Spelling.closest(to: entry.key, in: known)
                findings.append(
                    Finding(
                        .error, rule: "policy-shape", at: location(entry.keyNode),
                        "unknown permission '\(entry.key)'"
                            + (suggestion.map { " — did you mean '\($0)'?" } ?? ""),
                        why: "a permission abmsync does not know would be ignored, and its default would apply",
                        fix: "permissions are \(known.joined(separator: ", "))"))
                continue
            }
            if let grantees = grantees(entry.value, field: entry.key) { result.grants[change] = grantees }
        }
        return result
    }

    /// A list of role names and relations; nil (with a finding) when it is not one.
    private mutating func grantees(_ node: YAMLNode, field: String) -> [Permissions.Grantee]? {
        guard node.items != nil || node.scalar?.isNull == true else {
            typeError(node, field: field, expected: "a list of roles", example: "[admin, exec]")
            return nil
        }
        var result: [Permissions.Grantee] = []
        var broken = false
        for item in node.items ?? [] {
            guard let text = item.scalar?.text, !(item.scalar?.isNull ?? true) else {
                typeError(item, field: field, expected: "a role name", example: "[admin, exec]")
                broken = true
                continue
            }
            guard let grantee = Permissions.Grantee(text) else {
                let names = Role.allCases.map(\.rawValue) + Permissions.Grantee.relationNames
                findings.append(
                    Finding(
                        .error, rule: "policy-shape", at: location(item),
                        "unknown role '\(text)' in permission '\(field)'"
                            + (Spelling.closest(to: text, in: names).map { " — did you mean '\($0)'?" } ?? ""),
                        fix: "use roles (\(Role.allCases.map(\.rawValue).joined(separator: ", "))) or "
                            + Permissions.Grantee.relationNames.joined(separator: ", ")))
                broken = true
                continue
            }
            result.append(grantee)
        }
        // A list with a broken name keeps the default: nobody gains a permission from a typo.
        return broken ? nil : result
    }
}
