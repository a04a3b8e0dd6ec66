import Foundation

/// A fresh folder under the system temporary directory, removed with everything in it when the
/// value is released. Keep it in a stored property (a suite's instance lives for one test) so it
/// is not released early.
final class TempDirectory {
    let path: String

    init(prefix: String = "gitkit-tests") throws {
        let raw = try makeTemporaryFolder(prefix: prefix)
        // Resolve symbolic links once so paths compare equal to what git and libgit2 report.
        path = URL(fileURLWithPath: raw).resolvingSymlinksInPath().path
    }

    deinit {
        // A test may have removed permissions on a sub-folder; give them back before deleting.
        if let walker = FileManager.default.enumerator(atPath: path) {
            for case let relative as String in walker {
                chmod(path + "/" + relative, 0o755)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `relative` resolved under this folder.
    func url(_ relative: String) -> String { relative.isEmpty ? path : path + "/" + relative }
}

/// mkdtemp(3) under the system temporary folder; returns the new folder's path.
func makeTemporaryFolder(prefix: String) throws -> String {
    var template = Array((NSTemporaryDirectory() + "/\(prefix).XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
        guard let base = buffer.baseAddress else { return false }
        return mkdtemp(base) != nil
    }
    guard made else { throw TestSupportError("cannot make a temporary folder: errno \(errno)") }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

struct TestSupportError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Small file helpers for building working trees.
enum Files {
    static func write(_ path: String, _ text: String) throws {
        try write(path, Array(text.utf8))
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw TestSupportError("cannot write '\(path)'")
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TestSupportError("cannot read '\(path)'")
        }
        return Array(data)
    }

    static func remove(_ path: String) throws {
        try FileManager.default.removeItem(atPath: path)
    }

    static func makeFolder(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
