/// `abmsync owners ACCOUNT|FILE`: who may change what for one account or file, in plain words,
/// from the same rules `ChangeJudge` applies.
public struct OwnersReport: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        /// What may be changed ("its stage, ACV, review date and other fields").
        public var what: String
        /// Who may ("Jane Doe (Acme Corp's AE)"); empty when nobody team.yaml lists may.
        public var who: [String]
    }

    /// What the report is about ("Acme Corp (acme), tier 1").
    public var subject: String
    public var lines: [Line]
    /// Said instead of lines, for a file abmsync does not govern.
    public var note: String?

    /// The report for an account id, or a path in the repository. Nil when `subject` is neither an
    /// account nor a file abmsync knows the shape of (the caller says so).
    public static func make(for subject: String, in workspace: Workspace) -> OwnersReport {
        let judge = Judge(old: workspace, new: workspace, newSource: nil)
        func line(_ what: String, _ change: PlanChange, need index: Int = 0) -> Line {
            let needs = judge.needs(for: change, moved: [])
            return Line(what: what, who: needs.count > index ? judge.allowed(needs[index]) : [])
        }
        if let account = workspace.account(subject) {
            let name = account.displayName
            let tier = account.tier.map { ", \($0.value)" } ?? ""
            func field(_ key: String) -> PlanChange {
                PlanChange(subject: subject, subjectName: name, kind: .fieldChanged(field: key, old: nil, new: "…"))
            }
            var lines = [
                line("its stage, ACV, review date and other fields", field("stage")),
                line("its tier (and the cluster or programme that comes with it)", field("tier")),
                line("its owners (ae, marketer, sponsor)", field("marketer")),
            ]
            if account.tier?.value == .programmatic { lines.append(line("its hand-off ae", field("ae"))) }
            lines.append(line("removing it from the account list", PlanChange(subject: subject, subjectName: name, kind: .accountRemoved)))
            let path = "\(Plan.Kind.account.folder)/\(subject).md"
            lines += planLines(path, subjectName: "\(name) plan", judge: judge, line: line)
            return OwnersReport(subject: "\(name) (\(subject))\(tier)", lines: lines)
        }
        switch subject {
        case WorkspaceFile.policy, WorkspaceFile.team:
            let change = PlanChange(subject: subject, subjectName: subject, kind: .fileEdited)
            return OwnersReport(subject: subject, lines: [line("any change", change)])
        case WorkspaceFile.accounts:
            let tiers = Tier.allCases.map { tier -> Line in
                let grantees = workspace.policy.permissions.grantees(addingOrRemoving: tier)
                return Line(what: "adding or removing a \(tier) account", who: describe(grantees, judge: judge))
            }
            return OwnersReport(
                subject: subject, lines: tiers,
                note: "each account's fields have owners of their own: 'abmsync owners ACCOUNT' lists them")
        default:
            break
        }
        if let kind = WorkspaceFile.planKind(of: subject) {
            let id = String(subject.split(separator: "/").last?.dropLast(3) ?? "")
            let name: String
            switch kind {
            case .account: name = "\(workspace.account(id)?.displayName ?? id) plan"
            case .cluster: name = "\(id) cluster plan"
            case .program: name = "\(id) programme plan"
            }
            return OwnersReport(subject: "\(name) (\(subject))", lines: planLines(subject, subjectName: name, judge: judge, line: line))
        }
        return OwnersReport(
            subject: subject, lines: [],
            note: "abmsync does not read this file, so its rules do not govern it: git and your server's access rules do")
    }

    private static func planLines(
        _ path: String, subjectName: String, judge: Judge, line: (String, PlanChange, Int) -> Line
    ) -> [Line] {
        var lines = [line("its plan (\(path))", PlanChange(subject: path, subjectName: subjectName, kind: .planEdited(sections: [], frontMatter: [])), 0)]
        var seen: Set<String> = []
        for (_, titles) in judge.old.policy.sectionOwners.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for title in titles where seen.insert(Plan.normalizedTitle(title)).inserted {
                // Reserved sections take both: the plan's permission and the section's.
                let change = PlanChange(subject: path, subjectName: subjectName, kind: .planEdited(sections: [title], frontMatter: []))
                let needs = judge.needs(for: change, moved: [])
                guard needs.count > 1 else { continue }
                let who = judge.old.team.people.compactMap { person -> String? in
                    guard judge.label(person, for: needs[0]) != nil, let label = judge.label(person, for: needs[1]) else { return nil }
                    return "\(person.name) (\(label))"
                }
                lines.append(Line(what: "  its \(title) section", who: who))
            }
        }
        return lines
    }

    /// Names of the people a list of roles takes in; relations in words.
    private static func describe(_ grantees: [Permissions.Grantee], judge: Judge) -> [String] {
        var result: [String] = []
        for grantee in grantees {
            switch grantee {
            case .role(let role):
                for person in judge.old.team.people where person.has(role) {
                    let entry = "\(person.name) (\(role.title))"
                    if !result.contains(where: { $0.hasPrefix(person.name + " (") }) { result.append(entry) }
                }
            case .accountOwners: result.append("the account's owners")
            case .clusterOwners: result.append("the AEs and marketers of the cluster's other accounts")
            case .programOwner: result.append("the programme's owner")
            }
        }
        return result
    }

    /// `Acme Corp (acme), tier 1` then one line per kind of change: `  what: who, who`.
    public func renderText() -> String {
        var out = "\(subject)\n"
        for line in lines {
            let who = line.who.isEmpty ? "nobody in team.yaml" : line.who.joined(separator: ", ")
            out += "  \(line.what): \(who)\n"
        }
        if let note { out += "  \(note)\n" }
        return DisplayText.escapedLines(out)
    }
}
