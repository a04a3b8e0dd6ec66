/// The order of keyed things (mapping keys, list items, sections) after a three-way merge:
/// ours' order, without what was dropped, with theirs' additions placed after the item that
/// precedes them in theirs. Where both sides added at the same place, ours' come first.
func mergedOrder<Key: Hashable>(base: [Key], ours: [Key], theirs: [Key], kept: Set<Key>) -> [Key] {
    let inBase = Set(base)
    let inOurs = Set(ours)
    var result = ours.filter { kept.contains($0) }
    var present = Set(result)
    var fromTheirs: Set<Key> = []
    var firstPosition: [Key: Int] = [:]
    for (position, key) in theirs.enumerated() where firstPosition[key] == nil { firstPosition[key] = position }
    for key in theirs {
        guard kept.contains(key), !inOurs.contains(key) else { continue }
        var index: Int
        if let position = firstPosition[key], let anchor = nearestAnchor(before: position, in: theirs, present: present) {
            index = (result.firstIndex(of: anchor) ?? (result.count - 1)) + 1
        } else {
            index = 0
        }
        // Skip what ours added there, and theirs' own earlier additions, so the order stays ours-then-theirs.
        while index < result.count, fromTheirs.contains(result[index]) || !inBase.contains(result[index]) {
            index += 1
        }
        result.insert(key, at: index)
        present.insert(key)
        fromTheirs.insert(key)
    }
    return result
}

/// The nearest key before `position` in `order` that is in `present`.
private func nearestAnchor<Key: Hashable>(before position: Int, in order: [Key], present: Set<Key>) -> Key? {
    var index = position - 1
    while index >= 0 {
        if present.contains(order[index]) { return order[index] }
        index -= 1
    }
    return nil
}
