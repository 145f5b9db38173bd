/// "Did you mean" support: the closest known name by edit distance.
///
/// The choice is deterministic whatever order the candidates come in (callers pass dictionary
/// keys and sets): the smallest edit distance (case-insensitive) wins; among equally close
/// names, the one that keeps more of the typed letters in order (`taks` -> `tasks`, not
/// `tags`); then the alphabetically first.
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
        return best.max { a, b in
            let la = commonSubsequence(lowered, a.lowercased()), lb = commonSubsequence(lowered, b.lowercased())
            return la != lb ? la < lb : a > b
        }
    }

    /// A note line, or nothing when no candidate is close.
    public static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> [String] {
        closest(to: name, in: candidates).map { ["did you mean '\($0)'?"] } ?? []
    }

    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
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
