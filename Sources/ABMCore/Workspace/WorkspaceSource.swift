#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

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
public struct MemorySource: ConcurrentWorkspaceSource {
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
        let start = try bytes.withUnsafeBufferPointer { buffer throws(Problem) in try check(buffer) }
        // Checked already: nothing to repair.
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// Checks that `bytes` are text (no NUL byte, valid UTF-8) without making a String, and returns
    /// where the text starts: after a leading byte order mark, else 0. Positions in the problem are
    /// those of the file as it is, byte order mark included.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) throws(Problem) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        if let nul = memchr(base, 0, bytes.count) {
            let (line, column) = position(ofByte: UnsafeRawPointer(nul) - UnsafeRawPointer(base), in: bytes)
            throw Problem(
                line: line, column: column, message: "the file is binary, not text",
                fix: "plans and lists are text files; restore the file from history or recreate it",
                rule: "file-binary")
        }
        guard isValidUTF8(bytes) else {
            let (badLine, badColumn) = firstInvalidUTF8(Array(bytes))
            throw Problem(
                line: badLine, column: badColumn, message: "the file is not valid UTF-8 text",
                fix: "save the file as UTF-8 in your editor", rule: "file-encoding")
        }
        // Control characters (an escape sequence, a bell) are not text either: printed, they would
        // drive the terminal. Tab, line feed and carriage return are text.
        if let control = bytes.firstIndex(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }) {
            let (line, column) = position(ofByte: control, in: bytes)
            let hex = String(bytes[control], radix: 16, uppercase: true)
            throw Problem(
                line: line, column: column,
                message: "the file holds a control character (\\x\(hex.count < 2 ? "0" : "")\(hex)), which is not text",
                fix: "remove the character (it is often pasted by accident from a terminal)", rule: "file-encoding")
        }
        return bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// 1-based line and column (columns count characters' first bytes) of the byte at `offset`.
    static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// Whether `bytes` are well-formed UTF-8 (The Unicode Standard, table 3-7: no overlong forms,
    /// no surrogates, nothing above U+10FFFF), as `String(validating:)` decides, without making a
    /// String. Runs of ASCII are checked eight bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index < count {
            while index + 8 <= count,
                raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The allowed range of the second byte, and how many continuation bytes follow it.
            let second: ClosedRange<UInt8>
            let more: Int
            switch lead {
            case 0xC2...0xDF: (second, more) = (0x80...0xBF, 0)
            case 0xE0: (second, more) = (0xA0...0xBF, 1)
            case 0xE1...0xEC, 0xEE...0xEF: (second, more) = (0x80...0xBF, 1)
            case 0xED: (second, more) = (0x80...0x9F, 1)
            case 0xF0: (second, more) = (0x90...0xBF, 2)
            case 0xF1...0xF3: (second, more) = (0x80...0xBF, 2)
            case 0xF4: (second, more) = (0x80...0x8F, 2)
            default: return false
            }
            guard index + 1 + more < count, second.contains(bytes[index + 1]) else { return false }
            for offset in 0..<more where bytes[index + 2 + offset] & 0xC0 != 0x80 { return false }
            index += 2 + more
        }
        return true
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
