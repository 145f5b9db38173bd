import PlayBase

/// The syntax of host patterns (`hosts:` and `--limit`), as Ansible reads it: lists split on
/// `,` (or on `:` when the text is not one address), `&` and `!` prefixes, `~regex`, shell
/// globs, and `[n]` / `[a:b]` subscripts.
enum HostPattern {
    /// Splits `a,b`, `a:b`, `a:&b`, `a:!b` into single patterns; whitespace is ignored.
    /// Without commas the text stays whole when it reads as one host address (`host:22`,
    /// `web[1:3]`, an IPv6 address); otherwise `:` separates patterns.
    static func split(_ pattern: String) -> [String] {
        let pieces: [Substring]
        if TextScan.has(pattern, ",") {
            pieces = pattern.split(separator: ",", omittingEmptySubsequences: false)
        } else if HostAddress.parse(pattern, allowRanges: true) != nil {
            pieces = [Substring(pattern)]
        } else {
            pieces = colonSeparated(pattern)
        }
        return pieces.map { trimmed($0) }.filter { !$0.isEmpty }
    }

    /// Runs of characters other than whitespace and `:[]`, or complete `[...]` groups.
    private static func colonSeparated(_ s: String) -> [Substring] {
        var result: [Substring] = []
        var start: String.Index?
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "[", let close = s[s.index(after: i)...].firstIndex(of: "]") {
                if start == nil { start = i }
                i = s.index(after: close)
                continue
            }
            if c == ":" || c == "[" || c == "]" || c.isWhitespace {
                if let st = start { result.append(s[st..<i]); start = nil }
            } else if start == nil {
                start = i
            }
            i = s.index(after: i)
        }
        if let st = start { result.append(s[st...]) }
        return result
    }

    static func trimmed(_ s: Substring) -> String { String(TextScan.trim(s)) }

    /// Plain patterns first, then `&` intersections, then `!` exclusions; with no plain
    /// pattern, `all` is implied (so `!web` means every host but web's).
    static func ordered(_ patterns: [String]) -> [String] {
        var regular: [String] = [], intersections: [String] = [], exclusions: [String] = []
        for p in patterns where !p.isEmpty {
            if p.hasPrefix("!") { exclusions.append(p) }
            else if p.hasPrefix("&") { intersections.append(p) }
            else { regular.append(p) }
        }
        if regular.isEmpty { regular = ["all"] }
        return regular + intersections + exclusions
    }

    /// A `[n]` index or `[a:b]` slice at the end of a pattern.
    enum Subscript: Equatable {
        case index(Int)
        /// Inclusive bounds; `end` nil means "to the last host".
        case slice(start: Int, end: Int?)
    }

    /// The pattern without its subscript, and the subscript. Regexes (`~...`) have none.
    static func splitSubscript(_ pattern: String) -> (String, Subscript?) {
        guard !pattern.hasPrefix("~"), pattern.hasSuffix("]"),
              let open = pattern.lastIndex(of: "["), open > pattern.startIndex else { return (pattern, nil) }
        let body = pattern[pattern.index(after: open)..<pattern.index(before: pattern.endIndex)]
        let base = String(pattern[..<open])
        func digits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy(\.isASCIIDigit) }
        let unsigned = body.hasPrefix("-") ? body.dropFirst() : body
        if digits(unsigned), let n = Int(body) { return (base, .index(n)) }
        if let sep = body.firstIndex(where: { $0 == ":" || $0 == "-" }) {
            let start = body[..<sep], end = body[body.index(after: sep)...]
            guard digits(start), end.isEmpty || digits(end), let s = Int(start) else { return (pattern, nil) }
            if end.isEmpty { return (base, .slice(start: s, end: nil)) }
            guard let e = Int(end) else { return (pattern, nil) }
            // Ansible treats an end of 0 as "no end": `[2:0]` selects host 2 alone.
            return (base, e == 0 ? .index(s) : .slice(start: s, end: e))
        }
        return (pattern, nil)
    }

    /// Applies a subscript; nil when an index is out of range (Ansible's error).
    static func apply<T>(_ selector: Subscript?, to items: [T]) -> [T]? {
        guard let selector, !items.isEmpty else { return items }
        switch selector {
        case .index(let n):
            let i = n < 0 ? items.count + n : n
            return items.indices.contains(i) ? [items[i]] : nil
        case .slice(let start, let end):
            let upper = min(items.count, (end ?? items.count - 1) + 1)
            return start < upper ? Array(items[start..<upper]) : []
        }
    }
}
