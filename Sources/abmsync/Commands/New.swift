import ABMCore
import ABMSync
import ArgumentParser
import Foundation

extension AbmsyncCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Add an account to the shared list, or create an account, cluster or programme plan.",
            subcommands: [NewAccount.self, NewPlan.self, NewCluster.self, NewProgramme.self])
    }

    struct NewAccount: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "account",
            abstract: "Add a target account to accounts.yaml (and its plan, for tier 1).",
            discussion: """
                The entry is appended to accounts.yaml; every other line of the file stays exactly as it was. \
                A tier 1 (strategic, 1:1) account also gets accounts/<id>.md from the account plan template. \
                Owners are person ids from team.yaml and must have the fitting role (ae, marketing, exec).

                Examples:
                  abmsync new account acme-corp --name "Acme Corp" --tier 1 --ae jane --marketer sam --sponsor vp --acv 450000
                  abmsync new account globex --name Globex --tier 2 --cluster fintech-emea --ae jane --acv 60000
                  abmsync new account initech --name Initech --tier 3 --program mid-market-na
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "Account id: lowercase-kebab-case, like acme-corp.") var id: String
        @Option(help: "Display name, like \"Acme Corp\".") var name: String?
        @Option(help: "1 strategic (1:1), 2 cluster (1:few), 3 programmatic (1:many).") var tier: Int
        @Option(help: "Web domain, like acme.com.") var domain: String?
        @Option(help: "Account executive (person id with role ae).") var ae: String?
        @Option(help: "Marketer (person id with role marketing).") var marketer: String?
        @Option(help: "Executive sponsor (person id with role exec).") var sponsor: String?
        @Option(help: "Cluster id (tier 2).") var cluster: String?
        @Option(help: "Programme id (tier 3).") var program: String?
        @Option(help: "Expected annual contract value, whole currency units.") var acv: Int?
        @Option(help: "Stage, one of abmsync.yaml's stages (default: the first).") var stage: String?
        @Flag(help: "Also create an account plan for a tier 2 or 3 account.") var plan = false

        func validate() throws {
            guard Tier(rawValue: tier) != nil else {
                throw ValidationError("--tier must be 1 (strategic), 2 (cluster) or 3 (programmatic)")
            }
            if let acv, acv < 0 { throw ValidationError("--acv cannot be negative") }
        }

        func run() throws {
            let repository = try PlanRepository.locate(from: options.repository)
            let hold = try repository.holdForWriting()
            defer { hold.release() }
            let request = NewEntry.AccountRequest(
                id: id, name: name, tier: Tier(rawValue: tier) ?? .programmatic, domain: domain, ae: ae, marketer: marketer,
                sponsor: sponsor, cluster: cluster, program: program, acv: acv, stage: stage, withPlan: plan)
            let result = try NewEntry.addAccount(request, in: repository, today: Today.date)
            Console.out(result.summary)
            for path in result.written { Console.out("  wrote \(path)") }
            Console.out("Check it with 'abmsync validate'; share it with 'abmsync sync'.")
        }
    }

    struct NewPlan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Create the plan of an account already in accounts.yaml (accounts/<id>.md).",
            discussion: """
                For an account whose tier was changed by hand, or a tier 2 or 3 account that needs a plan of its own: \
                tier 1 gets the strategic template, tiers 2 and 3 a short one; names and owners come from accounts.yaml.

                Example:
                  abmsync new plan acme-corp
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "Account id, as in accounts.yaml.") var id: String

        func run() throws {
            let repository = try PlanRepository.locate(from: options.repository)
            let hold = try repository.holdForWriting()
            defer { hold.release() }
            let result = try NewEntry.addAccountPlan(id: id, in: repository, today: Today.date)
            Console.out(result.summary)
            for path in result.written { Console.out("  wrote \(path)") }
        }
    }

    struct NewCluster: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster",
            abstract: "Create a tier 2 cluster plan (clusters/<id>.md).",
            discussion: """
                A cluster groups 5-15 tier 2 accounts that share a vertical, use case or tech stack; its members \
                are the accounts whose 'cluster:' names it.

                Example:
                  abmsync new cluster fintech-emea --name "Fintech EMEA" --owner sam
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "Cluster id, like fintech-emea.") var id: String
        @Option(help: "Display name.") var name: String?
        @Option(help: "Person id who owns the plan.") var owner: String?

        func run() throws {
            let repository = try PlanRepository.locate(from: options.repository)
            let hold = try repository.holdForWriting()
            defer { hold.release() }
            let result = try NewEntry.addPlan(kind: .cluster, id: id, name: name, owner: owner, in: repository, today: Today.date)
            Console.out(result.summary)
            for path in result.written { Console.out("  wrote \(path)") }
            Console.out("Add its accounts with 'abmsync new account ID --tier 2 --cluster \(id)'.")
        }
    }

    struct NewProgramme: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "programme",
            abstract: "Create a tier 3 programme plan (programs/<id>.md).",
            discussion: """
                A programme runs hundreds to thousands of tier 3 accounts through marketing operations; its owner \
                must have the marketing-ops role. 'program' is accepted as well.

                Example:
                  abmsync new programme mid-market-na --name "Mid-market NA" --owner ops
                """,
            aliases: ["program"])

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "Programme id, like mid-market-na.") var id: String
        @Option(help: "Display name.") var name: String?
        @Option(help: "Owner: a person id with the marketing-ops role.") var owner: String?

        func run() throws {
            let repository = try PlanRepository.locate(from: options.repository)
            let hold = try repository.holdForWriting()
            defer { hold.release() }
            let result = try NewEntry.addPlan(kind: .program, id: id, name: name, owner: owner, in: repository, today: Today.date)
            Console.out(result.summary)
            for path in result.written { Console.out("  wrote \(path)") }
        }
    }
}

/// Today's date, overridable with ABMSYNC_TODAY=YYYY-MM-DD (tests, demos).
enum Today {
    static var date: PlanDate {
        if let forced = ProcessInfo.processInfo.environment["ABMSYNC_TODAY"], let date = PlanDate(forced) { return date }
        let days = Int(floor(Date().timeIntervalSince1970 / 86_400))
        return PlanDate(dayNumber: days)
    }
}
