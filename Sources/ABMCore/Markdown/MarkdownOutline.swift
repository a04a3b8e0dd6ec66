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

    /// The GitHub extensions plans use, registered and looked up once.
    private static let extensions: Extensions = {
        cmark_gfm_core_extensions_ensure_registered()
        let names: [String] = ["table", "tasklist", "strikethrough", "autolink"]
        return Extensions(all: names.compactMap { name in cmark_find_syntax_extension(name) })
    }()

    /// Registered extensions live as long as the process and are only read once registered.
    private struct Extensions: @unchecked Sendable {
        let all: [OpaquePointer]
    }

    public init(markdown text: String) {
        var text = text
        self = text.withUTF8 { MarkdownOutline(utf8: $0) }
    }

    /// The outline of UTF-8 Markdown; `lineOffset` is added to every line number (for a body that
    /// starts further down a file).
    init(utf8 text: UnsafeBufferPointer<UInt8>, lineOffset: Int = 0) {
        self = MarkdownArena.withArena { memory in MarkdownOutline(utf8: text, lineOffset: lineOffset, memory: memory) }
    }

    private init(utf8 text: UnsafeBufferPointer<UInt8>, lineOffset: Int, memory: UnsafeMutablePointer<cmark_mem>) {
        // The parser and the document live in the arena, which is released as a whole when the
        // outline is done (`cmark_parser_free` and `cmark_node_free` would only walk them to call
        // the arena's `free`, which does nothing).
        let parser = cmark_parser_new_with_mem(CMARK_OPT_SOURCEPOS, memory)
        for ext in Self.extensions.all { cmark_parser_attach_syntax_extension(parser, ext) }
        if let base = text.baseAddress, !text.isEmpty {
            base.withMemoryRebound(to: CChar.self, capacity: text.count) { cmark_parser_feed(parser, $0, text.count) }
        }
        guard let document = cmark_parser_finish(parser) else {
            headings = []
            blocks = []
            return
        }
        var headings: [Heading] = []
        var blocks: [Block] = []
        headings.reserveCapacity(16)
        blocks.reserveCapacity(32)
        var child = cmark_node_first_child(document)
        while let node = child {
            let start = Int(cmark_node_get_start_line(node)) + lineOffset
            let end = Int(cmark_node_get_end_line(node)) + lineOffset
            let lines = start..<(max(start, end) + 1)
            let type = cmark_node_get_type(node)
            let kind: Block.Kind
            switch type {
            case CMARK_NODE_HEADING:
                let level = Int(cmark_node_get_heading_level(node))
                headings.append(Heading(level: level, title: Self.plainText(node), line: start))
                kind = .heading(level: level)
            case CMARK_NODE_PARAGRAPH: kind = .paragraph
            case CMARK_NODE_LIST: kind = .list(items: Self.items(of: node, lineOffset: lineOffset))
            case CMARK_NODE_CODE_BLOCK: kind = .codeBlock
            case CMARK_NODE_BLOCK_QUOTE: kind = .quote
            case CMARK_NODE_HTML_BLOCK: kind = .html
            case CMARK_NODE_THEMATIC_BREAK: kind = .rule
            default:
                let name = cmark_node_get_type_string(node).map { String(cString: $0) } ?? "block"
                if name == "table" {
                    kind = .table(rows: Self.rows(of: node, lineOffset: lineOffset))
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
        var child = cmark_node_first_child(node)
        // Most titles are one piece of text.
        if let only = child, cmark_node_next(only) == nil, let literal = cmark_node_get_literal(only) {
            return String(cString: literal)
        }
        var out = ""
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

    private static func items(of list: OpaquePointer, lineOffset: Int) -> [ListItem] {
        var result: [ListItem] = []
        var child = cmark_node_first_child(list)
        while let item = child {
            let start = Int(cmark_node_get_start_line(item)) + lineOffset
            let end = Int(cmark_node_get_end_line(item)) + lineOffset
            let typeName = cmark_node_get_type_string(item).map { String(cString: $0) } ?? ""
            let checked: Bool? = typeName == "tasklist" ? cmark_gfm_extensions_get_tasklist_item_checked(item) : nil
            result.append(ListItem(lines: start..<(max(start, end) + 1), checked: checked))
            child = cmark_node_next(item)
        }
        return result
    }

    private static func rows(of table: OpaquePointer, lineOffset: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var child = cmark_node_first_child(table)
        while let row = child {
            let start = Int(cmark_node_get_start_line(row)) + lineOffset
            let end = Int(cmark_node_get_end_line(row)) + lineOffset
            result.append(start..<(max(start, end) + 1))
            child = cmark_node_next(row)
        }
        return result
    }
}
