// swift-tools-version: 6.0
import PackageDescription

// Layers, each only importing the ones below it (Tests/ABMCoreTests/LayeringTests checks the imports):
//   abmsync (thin commands, no git)  ->  ABMSync (use cases)  ->  ABMCache (the speed layer)  ->  ABMCore (pure domain)  ->  CCmarkGFM
//                                                          \->  GitKit (alone touches libgit2)  ->  CLibGit2
// ABMCore reads, validates and merges plans from bytes; ABMCache makes validation incremental (parse
// records, the cache file's format, accounts.yaml entry by entry, the rules' memo) behind one entry
// point, `IncrementalValidation.run`, with the findings of a plain run (ABMSYNC_NO_CACHE=1 runs that).
// A new rule goes in ABMCore (Sources/ABMCore/Validation, a RuleFamily's narrowest unit); ABMCache does not
// change for it. ABMCache and ABMCore are pure (no git, no file I/O, no clock); ABMSync gives them bytes.
let package = Package(
    name: "abmsync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "abmsync", targets: ["abmsync"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        .systemLibrary(
            name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .target(name: "GitKit", dependencies: ["CLibGit2"]),
        .target(
            name: "ABMCore",
            dependencies: ["CCmarkGFM", .product(name: "Yams", package: "Yams")]),
        .target(name: "ABMCache", dependencies: ["ABMCore"]),
        .target(
            name: "ABMSync", dependencies: ["ABMCache", "ABMCore", "GitKit"],
            // The schema of `abmsync diff --format json` output: for readers of the output, not a plan file.
            exclude: ["templates/schemas/diff.schema.json"],
            resources: [
                .embedInCode("templates/abmsync.yaml"), .embedInCode("templates/team.yaml"),
                .embedInCode("templates/accounts.yaml"), .embedInCode("templates/plans/account.md"),
                .embedInCode("templates/plans/account-light.md"),
                .embedInCode("templates/plans/cluster.md"), .embedInCode("templates/plans/program.md"),
                .embedInCode("hooks/pre-commit"), .embedInCode("hooks/pre-push"),
                .embedInCode("templates/schemas/accounts.schema.json"), .embedInCode("templates/schemas/team.schema.json"),
                .embedInCode("templates/schemas/policy.schema.json"), .embedInCode("templates/schemas/plan.schema.json"),
            ]),
        .executableTarget(
            name: "abmsync",
            dependencies: [
                "ABMSync", "ABMCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Test helpers shared by the test targets: temporary folders, the git CLI as a reference, running the binary.
        .target(name: "ABMTestSupport", dependencies: ["GitKit"], path: "Tests/Support"),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "ABMTestSupport"]),
        .testTarget(
            name: "ABMCoreTests",
            dependencies: [
                // ABMSync only for its GitLineMerger: the merge tests run the line merge the CLI uses.
                "ABMCore", "ABMSync", "GitKit", .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ABMCacheTests",
            dependencies: ["ABMCache", "ABMCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "ABMSyncTests", dependencies: ["ABMSync", "ABMCache", "ABMCore", "GitKit", "ABMTestSupport"]),
        .testTarget(name: "AbmsyncCLITests", dependencies: ["abmsync", "ABMTestSupport"]),
    ]
)
