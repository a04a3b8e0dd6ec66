/// An independent check of a clean merge, on the data alone: every change either side made is in
/// the result, and nothing else changed. It guards the text surgery against silent wrong merges.
enum MergeCheck {
    /// Nil when `merged` is what a field-wise three-way merge of the data must give; else what is wrong.
    static func problem(base: YAMLNode?, ours: YAMLNode?, theirs: YAMLNode?, merged: YAMLNode?, path: [String] = [])
        -> String?
    {
        let here = path.isEmpty ? "the top level" : "'" + path.joined(separator: ".") + "'"
        if sameData(ours, base) {
            return sameData(merged, theirs) ? nil : "\(here) should hold theirs' value"
        }
        if sameData(theirs, base) || sameData(ours, theirs) {
            return sameData(merged, ours) ? nil : "\(here) should hold ours' value"
        }
        // Both changed, differently: only a merge one level down is acceptable.
        guard let ours, let theirs, var merged else { return "\(here) was changed on both sides" }
        if merged.scalar?.isNull == true {
            // Every entry removed leaves `key:` with nothing under it: an empty mapping or list.
            if ours.entries != nil, theirs.entries != nil { merged.content = .mapping([]) }
            if ours.items != nil, theirs.items != nil { merged.content = .sequence([]) }
        }
        switch (ours.content, theirs.content, merged.content) {
        case (.mapping(let o), .mapping(let t), .mapping(let m)):
            let b = base?.entries ?? []
            // Keyed look-ups (the first entry of a key wins), so a list of 50,000 accounts is checked in linear time.
            func values(_ entries: [YAMLEntry]) -> [String: YAMLNode] {
                Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            }
            let (bv, ov, tv, mv) = (values(b), values(o), values(t), values(m))
            var seen: Set<String> = []
            for entries in [b, o, t, m] {
                for entry in entries where seen.insert(entry.key).inserted {
                    let key = entry.key
                    if let problem = Self.problem(
                        base: bv[key], ours: ov[key], theirs: tv[key], merged: mv[key], path: path + [key])
                    {
                        return problem
                    }
                }
            }
            return nil
        case (.sequence(let o), .sequence(let t), .sequence(let m)):
            let b = base?.items ?? []
            if let field = identityField(of: [b, o, t, m]) {
                func byKey(_ items: [YAMLNode]) -> [String: YAMLNode] {
                    Dictionary(items.compactMap { item in item[field]?.scalar.map { ($0.text, item) } }) { a, _ in a }
                }
                let (bk, ok, tk, mk) = (byKey(b), byKey(o), byKey(t), byKey(m))
                for key in Set(bk.keys).union(ok.keys).union(tk.keys).union(mk.keys) {
                    if let problem = Self.problem(
                        base: bk[key], ours: ok[key], theirs: tk[key], merged: mk[key], path: path + [key])
                    {
                        return problem
                    }
                }
                return nil
            }
            guard let os = scalarItems(ours), let ts = scalarItems(theirs), let ms = scalarItems(merged) else {
                return "\(here) is a list changed on both sides"
            }
            let bs = Set(scalarItems(base) ?? [])
            var expected = Set(os).union(ts)
            expected.subtract(bs.subtracting(os))
            expected.subtract(bs.subtracting(ts))
            return expected == Set(ms) ? nil : "\(here) should hold the items both sides kept or added"
        case (.scalar(let o), .scalar(let t), .scalar):
            // Long text merged line by line; nothing more to check on the data.
            func long(_ s: YAMLScalar) -> Bool { s.style == .literal || s.style == .folded || s.text.contains("\n") }
            return long(o) || long(t) ? nil : "\(here) was changed on both sides"

        default:
            return "\(here) was changed on both sides"
        }
    }
}
