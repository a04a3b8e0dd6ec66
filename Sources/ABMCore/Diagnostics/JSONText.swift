/// The one JSON writer: the validation report and the JSON Schemas are written with it, so key order
/// and layout are fixed and every string reads back as itself (`ScalarWriterTests`).
public indirect enum JSONText: Sendable, Hashable {
    case object([(String, JSONText)])
    case array([JSONText])
    case string(String)
    case integer(Int)
    case bool(Bool)
    case null

    /// A JSON string literal of exactly `text`: `"` `\` and control characters escaped, and U+2028/
    /// U+2029 too (JavaScript reads them as line ends), and U+FEFF (some readers drop it).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            case "\u{FEFF}": out += "\\ufeff"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The value on one line: `{"a": 1, "b": [true, null]}`.
    public var compact: String {
        switch self {
        case .object(let members):
            return "{" + members.map { JSONText.quoted($0.0) + ": " + $0.1.compact }.joined(separator: ", ") + "}"
        case .array(let items): return "[" + items.map(\.compact).joined(separator: ", ") + "]"
        case .string(let text): return JSONText.quoted(text)
        case .integer(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The value indented by two spaces a level, with every object or array that fits in `width`
    /// columns on one line (the way the schema files were written by hand).
    public func pretty(width: Int = 120) -> String { pretty(indent: "", width: width) + "\n" }

    private func pretty(indent: String, width: Int) -> String {
        let oneLine = compact
        if indent.count + oneLine.count <= width { return oneLine }
        let inner = indent + "  "
        switch self {
        case .object(let members) where !members.isEmpty:
            let lines = members.map { inner + JSONText.quoted($0.0) + ": " + $0.1.pretty(indent: inner, width: width) }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + indent + "}"
        case .array(let items) where !items.isEmpty:
            let lines = items.map { inner + $0.pretty(indent: inner, width: width) }
            return "[\n" + lines.joined(separator: ",\n") + "\n" + indent + "]"
        default: return oneLine
        }
    }

    public static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.compact == rhs.compact }
    public func hash(into hasher: inout Hasher) { hasher.combine(compact) }
}
