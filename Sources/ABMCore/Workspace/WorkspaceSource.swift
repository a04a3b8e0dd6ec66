/// Where a workspace's files are read from: the working tree, the staged snapshot (the index)
/// or a commit's tree. The domain never knows which.
public protocol WorkspaceSource {
    /// A short description for messages: "working tree", "staged changes", "commit 1a2b3c4".
    var label: String { get }
    /// The bytes of the file at `path` (relative to the repository root, `/`-separated), or nil when
    /// there is no such file.
    func read(_ path: String) throws(SourceError) -> [UInt8]?
    /// The names of the files (not folders) directly inside `folder`; empty when it does not exist.
    func list(_ folder: String) throws(SourceError) -> [String]
    /// The paths (`folder/name`) of the files `list(folder)` names, in its order. The default puts
    /// the folder in front of each name; a source that holds the paths already returns them without
    /// making a string per file.
    func paths(in folder: String) throws(SourceError) -> [String]
}

extension WorkspaceSource {
    public func paths(in folder: String) throws(SourceError) -> [String] {
        try list(folder).map { folder + "/" + $0 }
    }
}

/// A file that exists but cannot be used as plan data.
public struct SourceError: Error, Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        case symbolicLink(target: String)
        case tooLarge(bytes: Int, limit: Int)
        case unreadable(String)
        case notAFile
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var message: String {
        switch reason {
        case .symbolicLink(let target):
            return "'\(path)' is a symbolic link (to '\(target)'); abmsync reads only regular files"
        case .tooLarge(let bytes, let limit):
            return "'\(path)' is \(bytes / 1024) KiB, over the \(limit / 1024) KiB limit for this kind of file"
        case .unreadable(let why):
            return "cannot read '\(path)': \(why)"
        case .notAFile:
            return "'\(path)' is a folder, not a file"
        }
    }

    public var fix: String {
        switch reason {
        case .symbolicLink: return "replace the link with the file itself"
        case .tooLarge: return "remove generated or pasted content, or split the file"
        case .unreadable: return "check the file's permissions"
        case .notAFile: return "rename or remove the folder"
        }
    }
}

/// An in-memory source, for tests and for content that is not on disk yet.
public struct MemorySource: WorkspaceSource {
    public var files: [String: [UInt8]]
    public var label: String

    public init(_ files: [String: String], label: String = "memory") {
        self.files = files.mapValues { Array($0.utf8) }
        self.label = label
    }

    public init(bytes: [String: [UInt8]], label: String = "memory") {
        self.files = bytes
        self.label = label
    }

    public func read(_ path: String) throws(SourceError) -> [UInt8]? { files[path] }

    public func list(_ folder: String) throws(SourceError) -> [String] {
        let prefix = folder + "/"
        return files.keys.compactMap { key in
            guard key.hasPrefix(prefix) else { return nil }
            let rest = key.dropFirst(prefix.count)
            return rest.contains("/") ? nil : String(rest)
        }.sorted()
    }
}

/// Turns a file's bytes into text, or says why it is not usable text.
public enum PlanText {
    public struct Problem: Error, Hashable, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
        public var fix: String
        public var rule: String
    }

    /// Decodes UTF-8 (a leading BOM is dropped; CRLF is kept and accepted).
    public static func decode(_ bytes: [UInt8]) throws(Problem) -> String {
        var line = 1
        var column = 1
        for byte in bytes {
            if byte == 0 {
                throw Problem(
                    line: line, column: column, message: "the file is binary, not text",
                    fix: "plans and lists are text files; restore the file from history or recreate it",
                    rule: "file-binary")
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            let (badLine, badColumn) = firstInvalidUTF8(bytes)
            throw Problem(
                line: badLine, column: badColumn, message: "the file is not valid UTF-8 text",
                fix: "save the file as UTF-8 in your editor", rule: "file-encoding")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid {
                for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { valid = false }
            }
            if valid, length > 1, String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil {
                valid = false
            }
            if !valid {
                let prefix = Array(bytes[lineStart..<index])
                let column = String(decoding: prefix, as: UTF8.self).unicodeScalars.count + 1
                return (line, column)
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += length
        }
        return (line, 1)
    }
}
