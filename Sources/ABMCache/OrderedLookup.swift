/// Finds the items of an earlier run by key, expecting them mostly where they were: each look-up
/// tries the position after the previous match first, and builds a dictionary only when the order
/// changed. A list of 10,000 accounts compared after a one-line edit is then a walk, not 10,000
/// hashed strings.
struct OrderedLookup<Item> {
    private let items: [Item]
    private let key: (Item) -> String
    private var cursor = 0
    private var index: [String: Int]?

    /// `startingAt`: where the first look-up tries first.
    init(_ items: [Item], startingAt start: Int = 0, key: @escaping (Item) -> String) {
        self.items = items
        self.key = key
        cursor = start
    }

    /// The position of the last item found.
    private(set) var lastPosition: Int?

    mutating func find(_ wanted: String) -> Item? {
        if cursor < items.count, key(items[cursor]) == wanted {
            lastPosition = cursor
            defer { cursor += 1 }
            return items[cursor]
        }
        if index == nil {
            var built: [String: Int] = [:]
            built.reserveCapacity(items.count)
            // The first of equal keys, as a walk would find it.
            for (position, item) in items.enumerated() where built[key(item)] == nil { built[key(item)] = position }
            index = built
        }
        guard let position = index?[wanted] else { return nil }
        lastPosition = position
        cursor = position + 1
        return items[position]
    }
}
