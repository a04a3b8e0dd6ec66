internal import CCmarkGFM
#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

/// The structure of a Markdown document as cmark-gfm parses it (CommonMark + GitHub tables and
/// task lists), reduced to what plans need: headings and top-level blocks with their lines.
/// Line numbers are those of the text given, 1-based.
public struct MarkdownOutline: Sendable, Hashable {
    public struct Heading: Sendable, Hashable {
        public var level: Int
        public var title: String
        public var line: Int
    }

    /// A block directly under the document: a paragraph, a list, a table, a code block…
    public struct Block: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case heading(level: Int)
            case paragraph
            case list(items: [ListItem])
            case table(rows: [Range<Int>])
            case codeBlock
            case quote
            case html
            case rule
            case other(String)
        }

        public var kind: Kind
        /// Lines the block spans (half-open).
        public var lines: Range<Int>
    }

    public struct ListItem: Sendable, Hashable {
        public var lines: Range<Int>
        /// For a task-list item: whether it is ticked; nil for a plain item.
        public var checked: Bool?
    }

    public var headings: [Heading]
    public var blocks: [Block]

    private static let registerExtensions: Void = {
        cmark_gfm_core_extensions_ensure_registered()
    }()

    public init(markdown text: String) {
        _ = Self.registerExtensions
        let parser = cmark_parser_new(CMARK_OPT_SOURCEPOS)
        defer { cmark_parser_free(parser) }
        for name in ["table", "tasklist", "strikethrough", "autolink"] {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parser_feed(parser, $0, buffer.count)
            }
        }
        guard let document = cmark_parser_finish(parser) else {
            headings = []
            blocks = []
            return
        }
        defer { cmark_node_free(document) }
        var headings: [Heading] = []
        var blocks: [Block] = []
        var child = cmark_node_first_child(document)
        while let node = child {
            let start = Int(cmark_node_get_start_line(node))
            let end = Int(cmark_node_get_end_line(node))
            let lines = start..<(max(start, end) + 1)
            let type = cmark_node_get_type(node)
            let kind: Block.Kind
            switch type {
            case CMARK_NODE_HEADING:
                let level = Int(cmark_node_get_heading_level(node))
                headings.append(Heading(level: level, title: Self.plainText(node), line: start))
                kind = .heading(level: level)
            case CMARK_NODE_PARAGRAPH: kind = .paragraph
            case CMARK_NODE_LIST: kind = .list(items: Self.items(of: node))
            case CMARK_NODE_CODE_BLOCK: kind = .codeBlock
            case CMARK_NODE_BLOCK_QUOTE: kind = .quote
            case CMARK_NODE_HTML_BLOCK: kind = .html
            case CMARK_NODE_THEMATIC_BREAK: kind = .rule
            default:
                let name = cmark_node_get_type_string(node).map { String(cString: $0) } ?? "block"
                if name == "table" {
                    kind = .table(rows: Self.rows(of: node))
                } else {
                    kind = .other(name)
                }
            }
            blocks.append(Block(kind: kind, lines: lines))
            child = cmark_node_next(node)
        }
        self.headings = headings
        self.blocks = blocks
    }

    private static func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            if let literal = cmark_node_get_literal(current) {
                out += String(cString: literal)
            } else {
                out += plainText(current)
            }
            child = cmark_node_next(current)
        }
        return out
    }

    private static func items(of list: OpaquePointer) -> [ListItem] {
        var result: [ListItem] = []
        var child = cmark_node_first_child(list)
        while let item = child {
            let start = Int(cmark_node_get_start_line(item))
            let end = Int(cmark_node_get_end_line(item))
            let typeName = cmark_node_get_type_string(item).map { String(cString: $0) } ?? ""
            let checked: Bool? = typeName == "tasklist" ? cmark_gfm_extensions_get_tasklist_item_checked(item) : nil
            result.append(ListItem(lines: start..<(max(start, end) + 1), checked: checked))
            child = cmark_node_next(item)
        }
        return result
    }

    private static func rows(of table: OpaquePointer) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var child = cmark_node_first_child(table)
        while let row = child {
            let start = Int(cmark_node_get_start_line(row))
            let end = Int(cmark_node_get_end_line(row))
            result.append(start..<(max(start, end) + 1))
            child = cmark_node_next(row)
        }
        return result
    }
}
