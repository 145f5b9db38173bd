import Foundation

/// Python's string operations where they differ from Swift's (split on runs of whitespace,
/// strip of a character set, title/capitalize casing, center padding).
enum StringOps {
    static func split(_ s: String, separator: String?, maxSplit: Int) -> [String] {
        guard let separator else {
            var parts: [String] = []
            var current = ""
            var rest = Substring(s)
            while let ch = rest.first {
                if ch.isWhitespace {
                    if !current.isEmpty {
                        parts.append(current)
                        current = ""
                        if maxSplit >= 0, parts.count >= maxSplit {
                            let tail = rest.drop(while: \.isWhitespace)
                            if !tail.isEmpty { parts.append(String(tail)) }
                            return parts
                        }
                    }
                } else {
                    current.append(ch)
                }
                rest = rest.dropFirst()
            }
            if !current.isEmpty { parts.append(current) }
            return parts
        }
        guard !separator.isEmpty else { return [s] }
        var parts: [String] = []
        var rest = Substring(s)
        while maxSplit < 0 || parts.count < maxSplit, let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    static func rsplit(_ s: String, separator: String?, maxSplit: Int) -> [String] {
        if maxSplit < 0 { return split(s, separator: separator, maxSplit: -1) }
        let reversedParts = split(String(s.reversed()), separator: separator.map { String($0.reversed()) }, maxSplit: maxSplit)
        return reversedParts.reversed().map { String($0.reversed()) }
    }

    static func splitLines(_ s: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for ch in s {
            if ch.isNewline {
                lines.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    static func strip(_ s: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        func strippable(_ u: Unicode.Scalar) -> Bool { set.map { $0.contains(u) } ?? u.properties.isWhitespace }
        var scalars = Substring(s).unicodeScalars
        if leading { while let f = scalars.first, strippable(f) { scalars.removeFirst() } }
        if trailing { while let l = scalars.last, strippable(l) { scalars.removeLast() } }
        return String(scalars)
    }

    static func capitalize(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst().lowercased()
    }

    /// Jinja's `title` filter: words start after whitespace, `-`, or an opening bracket.
    static func title(_ s: String) -> String {
        var out = ""
        var startOfWord = true
        for ch in s {
            if ch.isWhitespace || "-({[<".contains(ch) {
                out.append(ch)
                startOfWord = true
            } else {
                out += startOfWord ? ch.uppercased() : ch.lowercased()
                startOfWord = false
            }
        }
        return out
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if old.isEmpty {
            var out = new
            for ch in s { out.append(ch); out += new }
            return out
        }
        var out = ""
        var rest = Substring(s)
        var done = 0
        while count < 0 || done < count, let range = rest.range(of: old) {
            out += rest[..<range.lowerBound]
            out += new
            rest = rest[range.upperBound...]
            done += 1
        }
        out += rest
        return out
    }

    static func count(_ s: String, _ needle: String) -> Int {
        guard !needle.isEmpty else { return s.count + 1 }
        var n = 0
        var rest = Substring(s)
        while let range = rest.range(of: needle) {
            n += 1
            rest = rest[range.upperBound...]
        }
        return n
    }

    static func center(_ s: String, width: Int, fill: String = " ") -> String {
        let pad = width - s.count
        guard pad > 0 else { return s }
        let left = pad / 2 + (pad & width & 1)
        return String(repeating: fill, count: left) + s + String(repeating: fill, count: pad - left)
    }
}
