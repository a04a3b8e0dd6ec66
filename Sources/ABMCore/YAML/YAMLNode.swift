/// A YAML node as abmsync sees it: plain data with the position of its first character.
/// Scalars keep their text untyped; the schema decides what a field means (so `name: no` stays
/// the string "no", and `017` is not silently octal).
public struct YAMLNode: Hashable, Sendable {
    public enum Content: Hashable, Sendable {
        case scalar(YAMLScalar)
        case mapping([YAMLEntry])
        case sequence([YAMLNode])
    }

    public var content: Content
    /// 1-based line and column of the node's first character.
    public var line: Int
    public var column: Int
    /// True for `{…}` / `[…]` flow collections.
    public var isFlow: Bool

    public init(_ content: Content, line: Int, column: Int, isFlow: Bool = false) {
        self.content = content
        self.line = line
        self.column = column
        self.isFlow = isFlow
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var entries: [YAMLEntry]? {
        if case .mapping(let e) = content { return e }
        return nil
    }

    public var items: [YAMLNode]? {
        if case .sequence(let i) = content { return i }
        return nil
    }

    /// The value under `key` in a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = content else { return nil }
        for index in entries.indices where entries[index].keyNode.hasKeyText(key) { return entries[index].value }
        return nil
    }

    /// Whether this node is a scalar with exactly this text.
    func hasScalarText(_ text: String) -> Bool {
        if case .scalar(let scalar) = content { return scalar.text == text }
        return false
    }

    /// Whether this node, as a mapping key, reads as `text` (`YAMLEntry.key`: a key that is not a
    /// scalar reads as "").
    private func hasKeyText(_ text: String) -> Bool {
        if case .scalar(let scalar) = content { return scalar.text == text }
        return text.isEmpty
    }

    /// A word for the kind of node, for messages ("a list", "a mapping", "text").
    public var kindDescription: String {
        switch content {
        case .scalar(let s) where s.isNull: return "empty"
        case .scalar: return "a single value"
        case .mapping: return "a mapping (key: value pairs)"
        case .sequence: return "a list"
        }
    }
}

public struct YAMLScalar: Hashable, Sendable {
    public enum Style: Hashable, Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }
    public var text: String
    public var style: Style
    /// An explicit tag such as `!!str`, if the author wrote one.
    public var tag: String?

    public init(_ text: String, style: Style = .plain, tag: String? = nil) {
        self.text = text
        self.style = style
        self.tag = tag
    }

    /// `~`, `null` or nothing at all, unquoted.
    public var isNull: Bool {
        guard style == .plain else { return false }
        // By length first: this is asked of nearly every value.
        switch text.utf8.count {
        case 0: return true
        case 1: return text == "~"
        case 4: return text == "null" || text == "Null" || text == "NULL"
        default: return false
        }
    }

    /// A whole number, decimal only (`017` is 17, not octal; `1_000` is not accepted).
    public var integer: Int? {
        guard style == .plain else { return nil }
        return Int(text)
    }

    public var double: Double? {
        guard style == .plain else { return nil }
        return Double(text)
    }

    public var bool: Bool? {
        guard style == .plain else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }
}

/// One `key: value` pair of a mapping, in document order.
public struct YAMLEntry: Hashable, Sendable {
    public var keyNode: YAMLNode
    public var value: YAMLNode

    public init(keyNode: YAMLNode, value: YAMLNode) {
        self.keyNode = keyNode
        self.value = value
    }

    /// The key as text (non-scalar keys render as an empty string; validation reports them).
    public var key: String { keyNode.scalar?.text ?? "" }
}
