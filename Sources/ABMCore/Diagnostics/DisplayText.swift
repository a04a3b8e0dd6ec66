/// The one escaping function for everything abmsync prints: file names, ids and values come from
/// the repository, which any teammate can write, so a control character in them must never reach
/// a terminal, a JSON consumer or a GitHub annotation as itself. `\u{1B}]0;OWNED\u{07}` (a terminal
/// escape that retitles the window, or worse) prints as `\x1B]0;OWNED\x07`.
///
/// Escaped: C0 controls (tab and line breaks too: a value is one line), DEL, C1 controls, the
/// Unicode line and paragraph separators and the bidirectional overrides and isolates (which can
/// make a terminal show text in another order than it is). A backslash is left as it is: the
/// escapes are for reading, not for parsing back.
public enum DisplayText {
    /// `value` with every control character escaped (`\x1B`, `\u{202E}`).
    public static func escaped(_ value: String) -> String {
        // Almost every value is plain: answer without building a new string.
        guard value.unicodeScalars.contains(where: needsEscape) else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            if needsEscape(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Text made of lines (a whole message): as `escaped`, but line breaks stay line breaks.
    public static func escapedLines(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 != "\n" && needsEscape($0) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar != "\n", needsEscape(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Whether `text` holds a character `escaped` would change (for ids and file names: invalid).
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: needsEscape)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        if scalar.value < 0x100 { return "\\x" + (hex.count < 2 ? "0" : "") + hex }
        return "\\u{" + hex + "}"
    }
}
