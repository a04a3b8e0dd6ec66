/// Structure: the `rules:` overrides in abmsync.yaml name rules that exist and can be changed.
enum PolicyFileRules: RuleFamily {
    static let unknownRule = ValidationRule(
        "unknown-rule", .warning, "abmsync.yaml sets the level of a rule that does not exist or cannot be changed")

    static let rules = [unknownRule]

    static func checkShared(_ context: ValidationContext, _ report: inout FindingCollector) {
        let file = WorkspaceFile.policy
        guard let entries = context.workspace.documents[file]?["rules"]?.entries else { return }
        let known = Validator.rules.map(\.id) + Validator.adjustableLoaderRules.sorted()
        let knownSet = Set(known)
        for entry in entries where !knownSet.contains(entry.key) {
            let location = context.location(entry.keyNode, in: file)
            if Validator.fixedRules.contains(entry.key) {
                report.report(
                    unknownRule, at: location, "rule '\(entry.key)' cannot be turned off or down",
                    why: "it reports files abmsync could not read, so the other rules would check incomplete data",
                    fix: "remove '\(entry.key)' from 'rules:' and fix the file it reports")
            } else {
                report.report(
                    unknownRule, at: location, "'rules:' names '\(entry.key)', which is not an abmsync rule",
                    why: "the setting has no effect, so the rule you meant still reports at its default level",
                    fix: "use a rule id from Docs/Rules.md\(ValidationContext.didYouMean(entry.key, in: known))")
            }
        }
    }
}
