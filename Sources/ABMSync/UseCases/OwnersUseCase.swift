import ABMCore

/// `abmsync owners`: the rules of the working tree's policy and team, for one account or file.
public enum OwnersUseCase {
    public static func run(at path: String, subject: String) throws(AbmsyncError) -> OwnersReport {
        let repository = try PlanRepository.locate(from: path)
        let source = WorkingTreeSource(root: repository.root)
        let workspace = Snapshot(loading: source).workspace
        // A path typed from a subfolder or with ./ in front names the same file.
        var subject = subject
        while subject.hasPrefix("./") { subject.removeFirst(2) }
        return OwnersReport.make(for: subject, in: workspace)
    }
}
