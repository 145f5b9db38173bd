import PlayBase

/// A shell glob as Python's `fnmatch` reads it (which Ansible uses for host patterns):
/// `*` any run, `?` one character, `[abc]` / `[a-z]` / `[!abc]` classes; a `[` without a
/// closing `]` is literal. Matching is case-sensitive and covers the whole name.
struct GlobPattern: Sendable {
    private enum Token: Sendable {
        case literal(Character)
        case any
        case star
        case set(negated: Bool, singles: Set<Character>, ranges: [ClosedRange<Character>])
    }

    private let tokens: [Token]
    /// The pattern has no wildcard: matching is plain equality.
    let literal: String?

    init(_ pattern: String) {
        let chars = Array(pattern)
        var tokens: [Token] = []
        var i = 0
        var hasWildcard = false
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                hasWildcard = true
                if case .star? = tokens.last {} else { tokens.append(.star) }
                i += 1
            case "?":
                hasWildcard = true
                tokens.append(.any)
                i += 1
            case "[":
                var j = i + 1
                if j < chars.count, chars[j] == "!" { j += 1 }
                if j < chars.count, chars[j] == "]" { j += 1 }
                while j < chars.count, chars[j] != "]" { j += 1 }
                guard j < chars.count else {
                    tokens.append(.literal("["))
                    i += 1
                    continue
                }
                hasWildcard = true
                var k = i + 1
                var negated = false
                if chars[k] == "!" { negated = true; k += 1 }
                var singles: Set<Character> = []
                var ranges: [ClosedRange<Character>] = []
                while k < j {
                    if k + 2 < j, chars[k + 1] == "-" {
                        // Python drops ranges written backwards ("z-a").
                        if chars[k] <= chars[k + 2] { ranges.append(chars[k]...chars[k + 2]) }
                        k += 3
                    } else {
                        singles.insert(chars[k])
                        k += 1
                    }
                }
                tokens.append(.set(negated: negated, singles: singles, ranges: ranges))
                i = j + 1
            default:
                tokens.append(.literal(c))
                i += 1
            }
        }
        self.tokens = tokens
        self.literal = hasWildcard ? nil : pattern
    }

    func matches(_ name: String) -> Bool {
        if let literal { return literal == name }
        let s = Array(name)
        var si = 0, ti = 0
        var starToken = -1, starText = 0
        while si < s.count {
            if ti < tokens.count, case .star = tokens[ti] {
                starToken = ti
                starText = si
                ti += 1
                continue
            }
            if ti < tokens.count, accepts(tokens[ti], s[si]) {
                si += 1
                ti += 1
                continue
            }
            // Let the last star swallow one more character and retry.
            guard starToken >= 0 else { return false }
            starText += 1
            si = starText
            ti = starToken + 1
        }
        while ti < tokens.count, case .star = tokens[ti] { ti += 1 }
        return ti == tokens.count
    }

    private func accepts(_ token: Token, _ c: Character) -> Bool {
        switch token {
        case .literal(let l): return l == c
        case .any: return true
        case .star: return false
        case .set(let negated, let singles, let ranges):
            let inSet = singles.contains(c) || ranges.contains { $0.contains(c) }
            return inSet != negated
        }
    }
}
