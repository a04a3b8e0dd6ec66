import ABMTestSupport
import Foundation
import Testing

/// A teammate with push access and bad intent: what they commit never makes abmsync read, write or
/// send anything outside the plan repository, and never reaches the terminal as control codes.
/// The shared repository is a folder; the teammate works with the git CLI.
@Suite(.serialized) struct HostileContentTests {
    static let secret = "TOP-SECRET-0xC0FFEE-do-not-upload"

    /// A shared remote with a plan repository in it, a clone for the attacker (git CLI) and `bob`
    /// (abmsync clone).
    static func setUp(_ temp: TemporaryDirectory) -> (remote: String, attacker: String, bob: String) {
        let remote = ConcurrencyTests.setUpShared(temp)
        let attacker = temp.file("attacker")
        GitCLI.run(["clone", "-q", remote, attacker], in: temp.path)
        let bob = ConcurrencyTests.clone(remote, as: "bob", in: temp)
        return (remote, attacker, bob)
    }

    static func commitAndPush(_ clone: String, _ message: String) {
        let added = GitCLI.run(["add", "-A"], in: clone)
        precondition(added.status == 0, added.combined)
        let committed = GitCLI.run(["commit", "-q", "-m", message], in: clone)
        precondition(committed.status == 0, committed.combined)
        let pushed = GitCLI.run(["push", "-q", "origin", "HEAD:main"], in: clone)
        precondition(pushed.status == 0, pushed.combined)
    }

    /// Every object in the shared repository, as the git CLI reads them.
    static func everythingIn(_ remote: String, _ temp: TemporaryDirectory) -> String {
        GitCLI.run(["--git-dir", remote, "cat-file", "--batch-all-objects", "--batch"], in: temp.path).stdout
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    @Test func aGitattributesLinkToASecretFileNeverReachesTheRemote() throws {
        let temp = TemporaryDirectory("abmsync-attributes-link")
        let (remote, attacker, bob) = Self.setUp(temp)
        temp.write("secret.txt", Self.secret + "\n")
        try FileManager.default.removeItem(atPath: attacker + "/.gitattributes")
        try FileManager.default.createSymbolicLink(atPath: attacker + "/.gitattributes", withDestinationPath: temp.file("secret.txt"))
        Self.commitAndPush(attacker, "tidy attributes")

        // A new teammate's clone stops before writing any file, names the file and says why.
        let cloned = CLITests.abmsync(["clone", remote, "carol"], in: temp.path)
        #expect(cloned.status == 2, "\(cloned.combined)")
        #expect(cloned.stderr.contains("'.gitattributes'") && cloned.stderr.contains("symbolic link"), "\(cloned.stderr)")
        #expect(!cloned.combined.contains(Self.secret))
        #expect(!FileManager.default.fileExists(atPath: temp.file("carol")))

        // A teammate who cloned before: the pull is refused, the file stays a regular file, and the
        // next sync sends nothing of the secret.
        let pulled = CLITests.abmsync(["sync"], in: bob)
        #expect(pulled.status == 2, "\(pulled.combined)")
        #expect(pulled.stderr.contains("'.gitattributes'") && pulled.stderr.contains("symbolic link"), "\(pulled.stderr)")
        #expect(!Self.isSymbolicLink(bob + "/.gitattributes"))
        _ = CLITests.abmsync(["hooks", "install"], in: bob)
        _ = CLITests.abmsync(["sync"], in: bob)

        // Someone who got the link some other way: hooks install writes its merge lines to
        // .git/info/attributes and never reads through the link; the sync after it refuses the link.
        try FileManager.default.removeItem(atPath: bob + "/.gitattributes")
        try FileManager.default.createSymbolicLink(atPath: bob + "/.gitattributes", withDestinationPath: temp.file("secret.txt"))
        let installed = CLITests.abmsync(["hooks", "install"], in: bob)
        #expect(!installed.combined.contains(Self.secret), "\(installed.combined)")
        #expect(Self.isSymbolicLink(bob + "/.gitattributes"))
        let synced = CLITests.abmsync(["sync"], in: bob)
        #expect(synced.status != 0, "\(synced.combined)")
        #expect(synced.stderr.contains("'.gitattributes'") && synced.stderr.contains("symbolic link"), "\(synced.stderr)")

        #expect(!Self.everythingIn(remote, temp).contains(Self.secret), "the secret reached the shared repository")
        #expect(try String(contentsOfFile: temp.file("secret.txt"), encoding: .utf8) == Self.secret + "\n")
    }

    @Test(arguments: ["accounts", "clusters", "programs", ".abmsync"])
    func aFolderReplacedByALinkIsRefusedByPull(folder: String) throws {
        let temp = TemporaryDirectory("abmsync-folder-link")
        let (_, attacker, bob) = Self.setUp(temp)
        let outside = temp.file("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: attacker + "/" + folder)
        try FileManager.default.createSymbolicLink(atPath: attacker + "/" + folder, withDestinationPath: outside)
        Self.commitAndPush(attacker, "move \(folder)")
        let before = GitCLI.run(["rev-parse", "HEAD"], in: bob).stdout

        let pulled = CLITests.abmsync(["pull"], in: bob)
        #expect(pulled.status == 2, "\(pulled.combined)")
        #expect(pulled.stderr.contains("'\(folder)'") && pulled.stderr.contains("symbolic link"), "\(pulled.stderr)")
        #expect(!pulled.stdout.contains("deleted"), "\(pulled.stdout)")
        #expect(!Self.isSymbolicLink(bob + "/" + folder))
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: bob).stdout == before)
        #expect(GitCLI.run(["status", "--porcelain"], in: bob).stdout == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func aLocalFolderLinkStopsSyncBeforeAnythingIsRecordedOrCheckedOut() throws {
        let temp = TemporaryDirectory("abmsync-local-folder-link")
        let (remote, attacker, bob) = Self.setUp(temp)
        temp.write("attacker/clusters/fintech.md", "---\ncluster: fintech\nname: Fintech\n---\n# Fintech\n")
        Self.commitAndPush(attacker, "add a cluster")
        let outside = temp.file("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: bob + "/clusters")
        try FileManager.default.createSymbolicLink(atPath: bob + "/clusters", withDestinationPath: outside)
        let before = GitCLI.run(["--git-dir", remote, "rev-parse", "main"], in: temp.path).stdout
        let head = GitCLI.run(["rev-parse", "HEAD"], in: bob).stdout
        for command in ["pull", "sync"] {
            let result = CLITests.abmsync([command], in: bob)
            #expect(result.status == 2, "\(command): \(result.combined)")
            #expect(result.stderr.contains("'clusters' is a symbolic link"), "\(command): \(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "\(command) wrote outside")
        }
        #expect(GitCLI.run(["rev-parse", "HEAD"], in: bob).stdout == head, "the link was recorded")
        #expect(GitCLI.run(["--git-dir", remote, "rev-parse", "main"], in: temp.path).stdout == before)
    }

    @Test func nothingIsWrittenThroughALinkedFolderOrReadThroughALinkedTemplate() throws {
        let temp = TemporaryDirectory("abmsync-local-links")
        temp.write("p/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = CLITests.abmsync(["init", "p"], in: temp.path)
        let plans = temp.file("p")
        let outside = temp.file("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        func link(_ relative: String, to target: String) throws {
            let path = plans + "/" + relative
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        }
        let commands: [(String, [String])] = [
            ("accounts", ["new", "account", "beta", "--name", "Beta", "--tier", "1", "--ae", "jane", "--marketer", "sam", "--sponsor", "vp", "--acv", "450000"]),
            ("clusters", ["new", "cluster", "fintech", "--owner", "sam"]),
            ("programs", ["new", "programme", "mid", "--owner", "ops"]),
            (".abmsync", ["schema"]),
        ]
        for (folder, command) in commands {
            let saved = plans + "/" + folder + ".saved"
            try FileManager.default.moveItem(atPath: plans + "/" + folder, toPath: saved)
            try link(folder, to: outside)
            let result = CLITests.abmsync(command, in: plans)
            #expect(result.status == 2, "\(command): \(result.combined)")
            #expect(result.stderr.contains("'\(folder)' is a symbolic link"), "\(command): \(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "\(command) wrote outside")
            try FileManager.default.removeItem(atPath: plans + "/" + folder)
            try FileManager.default.moveItem(atPath: saved, toPath: plans + "/" + folder)
        }

        // A template that is a link to a private file is never copied into a plan.
        temp.write("secret.txt", Self.secret + "\n")
        try link("templates/plans/cluster.md", to: temp.file("secret.txt"))
        let fromTemplate = CLITests.abmsync(["new", "cluster", "fintech", "--owner", "sam"], in: plans)
        #expect(fromTemplate.status == 2, "\(fromTemplate.combined)")
        #expect(fromTemplate.stderr.contains("'templates/plans/cluster.md' is a symbolic link"), "\(fromTemplate.stderr)")
        #expect(!FileManager.default.fileExists(atPath: plans + "/clusters/fintech.md"))
    }

    /// Every file under `folder`, as bytes, joined (to search for a secret anywhere in it).
    static func allBytes(under folder: String) -> String {
        var text = ""
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder + "/" + relative) { text += String(decoding: data, as: UTF8.self) }
        }
        return text
    }

    @Test func aTokenInTheRemoteAddressIsRefusedAndNeverWrittenDown() throws {
        let temp = TemporaryDirectory("abmsync-token-url")
        let server = try TestServer("lighttpd", in: temp.file("server"))
        defer { server.stop() }
        temp.write("seed/team.yaml", PermissiveTeam.yaml)  // not about permissions
        _ = CLITests.abmsync(["init", "seed"], in: temp.path)
        let bare = server.repositories + "/plans.git"
        GitCLI.run(["clone", "-q", "--bare", temp.file("seed"), bare], in: temp.path)
        GitCLI.run(["--git-dir", bare, "config", "http.receivepack", "true"], in: temp.path)
        let url = try server["AUTH_URL"] + "/plans.git"
        let (user, token) = (try server["USERNAME"], try server["PASSWORD"])
        let withToken = url.replacingOccurrences(of: "http://", with: "http://\(user):\(token)@")
        func abmsync(_ arguments: [String], in folder: String, credentials: Bool = false) -> ProcessOutput {
            var environment = GitCLI.environment(home: folder).merging(["ABMSYNC_TODAY": "2026-11-22"]) { $1 }
            if credentials { environment.merge(["ABMSYNC_GIT_USERNAME": user, "ABMSYNC_GIT_TOKEN": token]) { $1 } }
            return runProcess(CLITests.binary, arguments, in: folder, environment: environment)
        }

        let refused = abmsync(["clone", withToken, "mine"], in: temp.path)
        #expect(refused.status == 2, "\(refused.combined)")
        #expect(refused.stderr.contains("ABMSYNC_GIT_TOKEN"), "\(refused.stderr)")
        #expect(!refused.combined.contains(token))
        #expect(!FileManager.default.fileExists(atPath: temp.file("mine")))
        temp.write("other/team.yaml", PermissiveTeam.yaml)  // not about permissions
        let initialised = abmsync(["init", "other", "--remote", withToken], in: temp.path)
        #expect(initialised.status == 2, "\(initialised.combined)")
        #expect(!FileManager.default.fileExists(atPath: temp.file("other/.git/config")) || !Self.allBytes(under: temp.file("other/.git")).contains(token))

        // The way that works: the token in the environment, the address without it.
        let cloned = abmsync(["clone", url, "mine"], in: temp.path, credentials: true)
        #expect(cloned.status == 0, "\(cloned.combined)")
        let mine = temp.file("mine")
        GitCLI.run(["config", "user.name", "Ops Team"], in: mine)
        GitCLI.run(["config", "user.email", "ops@example.com"], in: mine)
        let added = abmsync(["new", "programme", "mid", "--owner", "ops"], in: mine)
        #expect(added.status == 0, "\(added.combined)")
        let synced = abmsync(["sync"], in: mine, credentials: true)
        #expect(synced.status == 0, "\(synced.combined)")
        #expect(!synced.combined.contains(token))
        #expect(!Self.allBytes(under: mine + "/.git").contains(token), "the token was written under .git")

        // An address with a token put there by other tools: abmsync stops before fetching.
        GitCLI.run(["remote", "set-url", "origin", withToken], in: mine)
        try? FileManager.default.removeItem(atPath: mine + "/.git/FETCH_HEAD")
        let stored = abmsync(["sync"], in: mine, credentials: true)
        #expect(stored.status == 2, "\(stored.combined)")
        #expect(stored.stderr.contains("git remote set-url origin \(url)"), "\(stored.stderr)")
        #expect(!stored.combined.contains(token))
        #expect(!FileManager.default.fileExists(atPath: mine + "/.git/FETCH_HEAD"))
        #expect(!(try String(contentsOfFile: mine + "/.git/logs/HEAD", encoding: .utf8)).contains(token))
    }

    struct BadBytes: Sendable, CustomStringConvertible {
        var name: String
        var file: String
        var bytes: [UInt8]
        var description: String { name }
    }

    static let badBytes: [BadBytes] = [
        BadBytes(name: "invalid UTF-8 in accounts.yaml", file: "accounts.yaml", bytes: [0x43, 0x61, 0x66, 0xE9]),
        BadBytes(name: "NUL in accounts.yaml", file: "accounts.yaml", bytes: [0x43, 0x61, 0x66, 0x00]),
        BadBytes(name: "escape sequence in accounts.yaml", file: "accounts.yaml", bytes: [0x43, 0x61, 0x66, 0x1B, 0x5D, 0x30, 0x07]),
        BadBytes(name: "invalid UTF-8 in a plan", file: "programs/mid.md", bytes: [0x43, 0x61, 0x66, 0xFF]),
    ]

    @Test(arguments: badBytes) func bytesThatAreNotTextStopThePullAndNothingIsPushed(_ bad: BadBytes) throws {
        let temp = TemporaryDirectory("abmsync-bad-bytes")
        let (remote, attacker, bob) = Self.setUp(temp)
        // The teammate's edit: one line with the bad bytes, in a file bob also changes.
        let original = try #require(FileManager.default.contents(atPath: attacker + "/" + bad.file))
        var prefix: [UInt8]
        var suffix: [UInt8]
        if bad.file == "accounts.yaml" {
            let text = String(decoding: original, as: UTF8.self).replacingOccurrences(of: "accounts: {}", with: "accounts:")
            prefix = Array(text.utf8) + Array("  evil:\n    name: ".utf8)
            suffix = Array("\n    tier: 3\n    program: mid\n".utf8)
        } else {
            prefix = Array(original) + Array("\nNote: ".utf8)
            suffix = Array("\n".utf8)
        }
        let line = prefix.filter { $0 == 0x0A }.count + 1
        let column = prefix.count - (prefix.lastIndex(of: 0x0A) ?? -1) + 3  // the bad byte follows "Caf"
        let edited = prefix + bad.bytes + suffix
        _ = FileManager.default.createFile(atPath: attacker + "/" + bad.file, contents: Data(edited))
        Self.commitAndPush(attacker, "update \(bad.file)")
        let theirs = GitCLI.run(["rev-parse", "HEAD"], in: attacker).stdout

        let added = CLITests.abmsync(["new", "account", "initech", "--name", "Initech", "--tier", "3", "--program", "mid"], in: bob)
        #expect(added.status == 0, "\(added.combined)")
        if bad.file != "accounts.yaml" {
            let plan = try #require(FileManager.default.contents(atPath: bob + "/" + bad.file))
            _ = FileManager.default.createFile(atPath: bob + "/" + bad.file, contents: Data(Array(plan) + Array("\n- local note\n".utf8)))
        }
        let mine = try #require(FileManager.default.contents(atPath: bob + "/" + bad.file))

        let synced = CLITests.abmsync(["sync"], in: bob)
        #expect(synced.status == 2, "\(synced.combined)")
        #expect(synced.stderr.contains("--> \(bad.file):\(line):\(column)"), "\(synced.stderr)")
        #expect(!synced.combined.contains("removed"), "\(synced.combined)")
        #expect(!synced.combined.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0 })
        // Bob's file is his, byte for byte; nothing of theirs was merged; nothing was sent.
        #expect(FileManager.default.contents(atPath: bob + "/" + bad.file) == mine)
        #expect(!GitCLI.run(["log", "-p", "HEAD"], in: bob).stdout.contains("\u{FFFD}"))
        #expect(GitCLI.run(["--git-dir", remote, "rev-parse", "main"], in: temp.path).stdout == theirs)
        #expect(!(String(data: try #require(FileManager.default.contents(atPath: bob + "/accounts.yaml")), encoding: .utf8) ?? "").contains("evil"))
    }

    @Test func escapeSequencesInAFileNameAreNeverPrintedRaw() throws {
        let temp = TemporaryDirectory("abmsync-escape-name")
        let (_, attacker, bob) = Self.setUp(temp)
        let name = "accounts/\u{1B}]0;OWNED\u{07}evil.md"
        temp.write("attacker/" + name, "---\naccount: evil\n---\n# Evil\n")
        Self.commitAndPush(attacker, "add a plan")

        func expectClean(_ result: ProcessOutput, _ what: String) {
            let raw = result.combined.unicodeScalars.filter { $0.value == 0x1B || $0.value == 0x07 }
            #expect(raw.isEmpty, "\(what) printed control characters raw: \(result.combined.debugDescription)")
        }
        let pulled = CLITests.abmsync(["pull"], in: bob)
        expectClean(pulled, "pull")
        for format in ["text", "json", "github"] {
            let validated = CLITests.abmsync(["validate", "--format", format], in: bob)
            #expect(validated.status == 1, "\(format): \(validated.combined)")
            expectClean(validated, "validate --format \(format)")
            #expect(validated.stdout.contains("plan-file-name"), "\(format): \(validated.stdout)")
            // Escaped once for display; in JSON the backslash is then escaped as JSON needs.
            let shown = format == "json" ? #"\\x1B]0;OWNED\\x07evil.md"# : #"\x1B]0;OWNED\x07evil.md"#
            #expect(validated.stdout.contains(shown), "\(format): \(validated.stdout)")
        }
        let text = CLITests.abmsync(["validate"], in: bob).stdout
        #expect(text.contains(#"accounts/\x1B]0;OWNED\x07evil.md:1:1: error[plan-file-name]: accounts/\x1B]0;OWNED\x07evil.md is not named after a valid id: an id cannot hold control characters"#), "\(text)")
    }
}
