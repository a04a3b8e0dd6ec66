/// Ids of accounts, people, clusters and programmes: lowercase kebab-case, at most 64 characters.
/// A file name is its id, so an id can never hold `/`, `..` or upper case.
public enum Identifier {
    public static let maxLength = 64

    public static func isValid(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= maxLength else { return false }
        var previousWasDash = true  // no leading dash
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                previousWasDash = false
            case UInt8(ascii: "-"):
                if previousWasDash { return false }
                previousWasDash = true
            default:
                return false
            }
        }
        return !previousWasDash
    }

    /// Why `id` is not valid, in words, or nil when it is.
    public static func problem(_ id: String) -> String? {
        if id.isEmpty { return "the id is empty" }
        if id.utf8.count > maxLength { return "the id is longer than \(maxLength) characters" }
        // Almost every id is valid: the byte check answers without the slower string searches.
        if isValid(id) { return nil }
        if id.contains("/") || id.contains("..") { return "an id cannot contain '/' or '..'" }
        if DisplayText.hasControlCharacters(id) { return "an id cannot hold control characters" }
        if id.contains(where: { $0.isUppercase }) { return "ids are lowercase" }
        if isValid(id) { return nil }
        return "ids use lowercase letters, digits and single dashes (like 'acme-corp')"
    }

    /// A suggested id for a display name: "Acme Corp." → "acme-corp".
    public static func suggest(from name: String) -> String {
        var out = ""
        var dash = false
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if dash, !out.isEmpty { out += "-" }
                out.unicodeScalars.append(scalar)
                dash = false
            } else {
                dash = true
            }
        }
        return String(out.prefix(maxLength))
    }
}
