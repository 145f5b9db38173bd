import PlayBase

/// "Did you mean" with a deterministic choice among equally close names: PlayBase's Suggestions
/// picks whichever comes first, and our candidate lists are sets. Ties go to the name that keeps
/// more of the typed letters in order (`taks` -> `tasks`, not `tags`), then alphabetically.
enum NameSuggestion {
    static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let lowered = name.lowercased()
        var best: [String] = []
        var bestDistance = Int.max
        for c in candidates {
            let d = Suggestions.editDistance(lowered, c.lowercased())
            if d < bestDistance { best = [c]; bestDistance = d } else if d == bestDistance { best.append(c) }
        }
        let limit = max(1, min(3, (name.count + 2) / 3))
        guard bestDistance <= limit else { return nil }
        return best.max { a, b in
            let la = commonSubsequence(lowered, a.lowercased()), lb = commonSubsequence(lowered, b.lowercased())
            return la != lb ? la < lb : a > b
        }
    }

    static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> [String] {
        closest(to: name, in: candidates).map { ["did you mean '\($0)'?"] } ?? []
    }

    private static func commonSubsequence(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            var current = [Int](repeating: 0, count: b.count + 1)
            for j in 1...b.count {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            previous = current
        }
        return previous[b.count]
    }
}
