import Yams

/// The one writer of YAML scalars: every value, key and list item abmsync writes into a YAML file
/// goes through `render`, so it reads back as the same string with any YAML 1.1 or 1.2 reader
/// (Yams, libyaml, an editor's YAML extension) and with abmsync's own parser.
/// `ScalarWriterTests` holds it to that with random strings.
public enum YAMLScalarWriter {
    /// Where the scalar goes: a block value or key (`key: value`), or an item of a flow list (`[a, b]`),
    /// where `,` `[` `]` `{` `}` end a plain scalar.
    public enum Context: Sendable { case block, flow }

    /// Plain when that reads back as the same string; double-quoted otherwise. `original` is the style
    /// the value had where it was read from (a merge keeps a plain scalar plain and a quoted one
    /// quoted); nil for a value abmsync writes new, which is plain only when no reader could take it
    /// for a bool, null, number or date (`no`, `~`, `017`, `.inf`, `2026-01-15` are quoted).
    public static func render(_ text: String, in context: Context = .block, original: YAMLScalar.Style? = nil) -> String {
        guard plainReadsBack(text, in: context) else { return doubleQuoted(text) }
        switch original {
        case .plain?: return text
        case nil: return readsAsString(text) ? text : doubleQuoted(text)
        default: return doubleQuoted(text)
        }
    }

    /// `"…"` with `"` and `\` escaped, and every character a YAML reader would not take as itself
    /// inside double quotes (control characters, line and paragraph separators, the byte-order mark,
    /// non-characters) written as an escape.
    public static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else {
                    out += "\\u" + hex(scalar.value, width: 4)
                }
            }
        }
        return out + "\""
    }

    /// True when `text` written without quotes is read back as a plain scalar with exactly this text
    /// (syntax only: whether a reader then takes it for a number is `readsAsString`).
    static func plainReadsBack(_ text: String, in context: Context) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if first == " " || last == " " { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if text.hasPrefix("...") { return false }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return false }
        for scalar in text.unicodeScalars {
            if scalar == "\t" || !isPrintable(scalar) { return false }
            if context == .flow, ",[]{}:".unicodeScalars.contains(scalar) { return false }
        }
        return true
    }

    /// True when a YAML 1.1 reader with the core schema (Yams' default resolver) takes the plain
    /// scalar for a string, and it does not look like a number or date to anyone else either.
    static func readsAsString(_ text: String) -> Bool {
        if reserved.contains(text) || Double(text) != nil || Int(text) != nil || PlanDate(text) != nil { return false }
        if let first = text.unicodeScalars.first, !"0123456789+-.~=<".unicodeScalars.contains(first),
            !reservedFirstLetters.contains(first)
        {
            return true  // none of the resolver's patterns can match: skip the regular expressions
        }
        return Resolver.default.resolveTag(of: Node(text, .implicit, .plain)) == .str
    }

    private static let reserved: Set<String> = [
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no",
        "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    ]
    private static let reservedFirstLetters = Set("nNtTfFyYoO".unicodeScalars)

    /// The characters YAML allows unescaped in a document (`c-printable` of YAML 1.1, which libyaml
    /// enforces), minus the line breaks NEL, LS and PS that a reader would fold.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
