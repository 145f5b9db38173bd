/// "Did you mean" support: the closest known name by edit distance.
///
/// The choice is deterministic whatever order the candidates come in (callers pass dictionary
/// keys and sets). The smallest edit distance (Levenshtein, case-insensitive) wins, and decides
/// whether a name is close enough at all. Among equally close names: the one closer when a
/// swap of two adjacent letters counts as one edit (`endfi` -> `endif`, not `endfor`); then
/// the one that keeps more of the typed letters in order (`taks` -> `tasks`, not `tags`); then
/// the alphabetically first.
public enum Suggestions {
    /// The candidate nearest to `name`, if it is close enough to be a plausible typo.
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let lowered = name.lowercased()
        var best: [String] = []
        var bestDistance = Int.max
        for c in candidates {
            let d = editDistance(lowered, c.lowercased())
            if d < bestDistance { best = [c]; bestDistance = d } else if d == bestDistance { best.append(c) }
        }
        let limit = max(1, min(3, (name.count + 2) / 3))
        guard bestDistance <= limit else { return nil }
        // Sorted by how good a pick each is; the first is the best.
        let ranked = best.map { c -> (String, Int, Int) in
            let l = c.lowercased()
            return (c, editDistance(lowered, l, swapsCountOnce: true), commonSubsequence(lowered, l))
        }
        return ranked.min { a, b in
            if a.1 != b.1 { return a.1 < b.1 }
            if a.2 != b.2 { return a.2 > b.2 }
            return a.0 < b.0
        }?.0
    }

    /// A note line, or nothing when no candidate is close.
    public static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> [String] {
        closest(to: name, in: candidates).map { ["did you mean '\($0)'?"] } ?? []
    }

    /// Levenshtein distance; with `swapsCountOnce`, the optimal-string-alignment variant where
    /// two adjacent letters written in the wrong order are one edit.
    public static func editDistance(_ a: String, _ b: String, swapsCountOnce: Bool = false) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if swapsCountOnce, i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }

    /// The length of the longest common subsequence: the tie-break between equally close names.
    static func commonSubsequence(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for i in 1...a.count {
            for j in 1...b.count {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
