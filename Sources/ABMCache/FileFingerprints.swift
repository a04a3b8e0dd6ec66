import ABMCore

/// What each file's content is now, for the files whose content is known without reading them: a
/// blob id from git, stat data from the working tree. A fingerprint is any text the source chooses;
/// equal text, equal content.
///
/// A run looks up every file of the repository once, in path order, so the table is laid out for
/// that: paths sorted byte-wise (as `ParseRecords` sorts them), the fingerprints' text back to back
/// in one buffer. Building it makes no string per file and looking one up is one comparison.
public struct FileFingerprints: Sendable {
    /// Every path with a fingerprint, sorted byte-wise.
    public let paths: [String]
    /// The fingerprints' UTF-8 text, back to back, in `paths` order.
    private let text: [UInt8]
    /// Where the fingerprint of `paths[i]` ends in `text` (it starts where the previous one ends).
    private let ends: [Int]

    /// No fingerprints: every file is read.
    public init() {
        self.init(paths: [], text: [], ends: [])
    }

    public init(_ fingerprints: [String: String]) {
        var builder = Builder(capacity: fingerprints.count)
        for (path, fingerprint) in fingerprints { builder.add(path, fingerprint) }
        self = builder.build()
    }

    private init(paths: [String], text: [UInt8], ends: [Int]) {
        self.paths = paths
        self.text = text
        self.ends = ends
    }

    public var count: Int { paths.count }
    public var isEmpty: Bool { paths.isEmpty }

    /// The fingerprint of `path`, or nil when it has none.
    public subscript(path: String) -> String? {
        var hint = 0
        guard let position = position(of: path, hint: &hint) else { return nil }
        return String(decoding: fingerprint(at: position), as: UTF8.self)
    }

    /// Where `path` is in `paths`, looked for first at `hint`, which then moves past it: a caller
    /// that asks in path order finds each path with one comparison.
    func position(of path: String, hint: inout Int) -> Int? {
        if hint >= 0, hint < paths.count, UTF8Order.compare(path, paths[hint]) == 0 {
            hint += 1
            return hint - 1
        }
        var low = 0
        var high = paths.count
        while low < high {
            let middle = (low + high) / 2
            let order = UTF8Order.compare(path, paths[middle])
            if order == 0 {
                hint = middle + 1
                return middle
            }
            if order < 0 { high = middle } else { low = middle + 1 }
        }
        return nil
    }

    /// The text of the fingerprint at `position` in `paths`.
    func fingerprint(at position: Int) -> ArraySlice<UInt8> {
        text[(position == 0 ? 0 : ends[position - 1])..<ends[position]]
    }

    /// Collects fingerprints in any order; `build()` sorts them by path if they are not already.
    public struct Builder {
        private var paths: [String] = []
        private var text: [UInt8] = []
        private var ends: [Int] = []
        private var sorted = true

        /// Room for `capacity` fingerprints of about `length` bytes each.
        public init(capacity: Int = 0, length: Int = 0) {
            paths.reserveCapacity(capacity)
            ends.reserveCapacity(capacity)
            text.reserveCapacity(capacity * length)
        }

        /// Adds `path`; `write` appends its fingerprint's UTF-8 text to the bytes it is given.
        public mutating func add(_ path: String, writing write: (inout [UInt8]) -> Void) {
            if sorted, let last = paths.last, !UTF8Order.precedes(last, path) { sorted = false }
            paths.append(path)
            write(&text)
            ends.append(text.count)
        }

        public mutating func add(_ path: String, _ fingerprint: String) {
            add(path) { $0.append(contentsOf: fingerprint.utf8) }
        }

        /// The table. A path added twice keeps its last fingerprint.
        public func build() -> FileFingerprints {
            if sorted { return FileFingerprints(paths: paths, text: text, ends: ends) }
            // Equal paths in the order they were added, so that the last one can win.
            let order = paths.indices.sorted {
                let comparison = UTF8Order.compare(paths[$0], paths[$1])
                return comparison < 0 || (comparison == 0 && $0 < $1)
            }
            var table = Builder(capacity: order.count)
            for (rank, index) in order.enumerated() {
                if rank + 1 < order.count, UTF8Order.compare(paths[order[rank + 1]], paths[index]) == 0 { continue }
                let start = index == 0 ? 0 : ends[index - 1]
                table.add(paths[index]) { $0.append(contentsOf: text[start..<ends[index]]) }
            }
            return FileFingerprints(paths: table.paths, text: table.text, ends: table.ends)
        }
    }
}
