internal import CLibGit2

/// A git object id (SHA-1), copied out of libgit2 as a value.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }

    init(_ pointer: UnsafePointer<git_oid>) { self.raw = pointer.pointee }

    /// Parses a full 40-character hexadecimal id.
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.raw = oid
    }

    public var hex: String {
        // Written straight into the string's storage: this runs for every file of an index.
        withUnsafeBytes(of: raw) { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
                Self.writeHex(bytes, to: buffer)
                return bytes.count * 2
            }
        }
    }

    /// Appends the 40 hexadecimal digits of `hex` to `bytes` (as UTF-8), making no string.
    public func appendHex(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: raw) { raw in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count * 2) { digits in
                Self.writeHex(raw, to: digits)
                bytes.append(contentsOf: digits)
            }
        }
    }

    private static func writeHex(_ bytes: UnsafeRawBufferPointer, to buffer: UnsafeMutableBufferPointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        guard var out = buffer.baseAddress else { return }
        for byte in bytes {
            out[0] = table[Int(byte >> 4)]
            out[1] = table[Int(byte & 0x0F)]
            out += 2
        }
    }

    public var short: String { String(hex.prefix(7)) }
    public var description: String { hex }

    public var isZero: Bool {
        var copy = raw
        return git_oid_is_zero(&copy) != 0
    }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        var l = lhs.raw
        var r = rhs.raw
        return git_oid_equal(&l, &r) != 0
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw.id) { hasher.combine(bytes: $0) }
    }
}

extension git_oid: @retroactive @unchecked Sendable {}
