import Foundation

/// Ansible's free-form argument syntax (`copy: src=a dest="b c"`), reimplemented from the behaviour
/// of ansible's `split_args` / `parse_kv`: tokens split on spaces, except inside quotes and
/// `{{ }}` / `{% %}` / `{# #}` blocks; `k=v` tokens become arguments (quotes around the value are
/// removed), everything else is joined back into `_raw_params`.
enum KeyValueArguments {
    struct SplitError: Error { var message: String }

    /// One parsed argument: key, value, and the character offset of the key in the input text.
    struct Pair {
        var key: String
        var value: String
        var offset: Int
    }

    struct Parsed {
        var pairs: [Pair]
        var rawParams: String?
    }

    /// `keepAsRaw`: when given, only keys it accepts are split out; other `k=v` tokens stay in the
    /// raw text (what ansible does for command-like modules).
    static func parse(_ text: String, keepAsRaw: ((String) -> Bool)? = nil) throws(SplitError) -> Parsed {
        let tokens = try split(text)
        var pairs: [Pair] = []
        var raw: [String] = []
        let bytes = Array(text.utf8)
        var searchFrom = 0
        for original in tokens {
            // Where the token starts in the text (in characters), for locations of keys.
            var offset = 0
            let needle = Array(original.trimmingSpaces.utf8)
            if let found = Self.find(needle, in: bytes, from: searchFrom) {
                offset = found
                if bytes[..<found].contains(where: { $0 >= 0x80 }) {
                    offset = String(decoding: bytes[..<found], as: UTF8.self).count
                }
                searchFrom = found + needle.count
            }
            let token = decodeEscapes(original)
            guard let eq = firstUnescapedEquals(in: token) else {
                raw.append(token.contains(Character("=")) ? token.replacingOccurrences(of: "\\=", with: "=") : original)
                continue
            }
            let key = String(token[token.startIndex..<eq])
            let value = String(token[token.index(after: eq)...])
            if let keepAsRaw, keepAsRaw(key) {
                raw.append(original)
            } else {
                pairs.append(Pair(key: key.trimmingSpaces, value: unquote(value.trimmingSpaces), offset: offset))
            }
        }
        return Parsed(pairs: pairs, rawParams: raw.isEmpty ? nil : join(raw))
    }

    /// The index of `needle` in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Ansible looks for the first `=` after position 0 that is not preceded by a backslash.
    private static func firstUnescapedEquals(in token: String) -> String.Index? {
        guard !token.isEmpty else { return nil }
        var previous: Character = token[token.startIndex]
        var i = token.index(after: token.startIndex)
        while i < token.endIndex {
            let c = token[i]
            if c == "=" && previous != "\\" { return i }
            previous = c
            i = token.index(after: i)
        }
        return nil
    }

    /// Joins tokens back with single spaces, keeping newlines that ended a token.
    static func join(_ parts: [String]) -> String {
        var result = ""
        for p in parts {
            if result.isEmpty || result.hasSuffix("\n") { result += p } else { result += " " + p }
        }
        return result
    }

    /// Removes one pair of matching surrounding quotes.
    static func unquote(_ s: String) -> String {
        guard s.count > 1, let first = s.first, first == s.last, first == "\"" || first == "'" else { return s }
        let beforeLast = s[s.index(s.endIndex, offsetBy: -2)]
        if beforeLast == "\\" { return s }
        return String(s.dropFirst().dropLast())
    }

    /// Splits on spaces and newlines, re-joining pieces inside quotes and Jinja2 blocks.
    static func split(_ text: String) throws(SplitError) -> [String] {
        if text.isEmpty { return [] }
        if let simple = simpleSplit(text) { return simple }
        var params: [String] = []
        var quote: Character? = nil
        var printDepth = 0, blockDepth = 0, commentDepth = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            let tokens = line.split(separator: " ", omittingEmptySubsequences: false)
            var continuation = false
            for (index, tokenSub) in tokens.enumerated() {
                let token = String(tokenSub)
                if token.isEmpty && index != 0 {
                    if params.isEmpty { params.append("") }
                    params[params.count - 1] += " "
                    continue
                }
                if token == "\\" && quote == nil {
                    continuation = true
                    continue
                }
                let wasQuoted = quote != nil
                quote = quoteState(after: token, starting: quote)
                let isQuoted = quote != nil
                var appended = false
                let inJinja = printDepth > 0 || blockDepth > 0 || commentDepth > 0
                if isQuoted && !wasQuoted && !inJinja {
                    params.append(token)
                    appended = true
                } else if inJinja || isQuoted || wasQuoted {
                    if params.isEmpty { params.append("") }
                    if index == 0 && wasQuoted {
                        params[params.count - 1] += token
                    } else {
                        params[params.count - 1] += (index > 0 ? " " : "") + token
                    }
                    appended = true
                }
                for (open, close, which) in [("{{", "}}", 0), ("{%", "%}", 1), ("{#", "#}", 2)] {
                    let before = which == 0 ? printDepth : which == 1 ? blockDepth : commentDepth
                    var after = before
                    let opens = token.occurrences(of: open), closes = token.occurrences(of: close)
                    if opens != closes { after = max(0, before + opens - closes) }
                    switch which {
                    case 0: printDepth = after
                    case 1: blockDepth = after
                    default: commentDepth = after
                    }
                    if after != before && !appended {
                        params.append(token)
                        appended = true
                    }
                }
                if printDepth == 0 && blockDepth == 0 && commentDepth == 0 && quote == nil && !appended && !token.isEmpty {
                    params.append(token)
                }
            }
            if lines.count > 1 && lineIndex != lines.count - 1 && !continuation {
                if params.isEmpty { params.append("") }
                params[params.count - 1] += "\n"
            }
        }
        if printDepth > 0 || blockDepth > 0 || commentDepth > 0 || quote != nil {
            throw SplitError(message: "unbalanced Jinja2 block or quotes in '\(text)'")
        }
        return params
    }

    /// Text without quotes, braces, backslashes, newlines or runs of spaces splits on its spaces
    /// exactly as the general algorithm would; most task lines are like that.
    private static func simpleSplit(_ text: String) -> [String]? {
        var previousSpace = true
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\\"),
                 UInt8(ascii: "\n"):
                return nil
            case UInt8(ascii: " "):
                if previousSpace { return nil }
                previousSpace = true
            default:
                previousSpace = false
            }
        }
        if previousSpace { return nil }
        return text.split(separator: " ").map(String.init)
    }

    private static func quoteState(after token: String, starting: Character?) -> Character? {
        var quote = starting
        var previous: Character? = nil
        for c in token {
            if (c == "\"" || c == "'") && previous != "\\" {
                if let q = quote {
                    if c == q { quote = nil }
                } else {
                    quote = c
                }
            }
            previous = c
        }
        return quote
    }

    /// Python-style backslash escapes (`\n`, `\t`, `\\`, `\"`, `\xNN`, `\uNNNN`, `\UNNNNNNNN`)
    /// are decoded in free-form arguments, as ansible does.
    static func decodeEscapes(_ s: String) -> String {
        guard s.contains(Character("\\")) else { return s }
        var out = ""
        let chars = Array(s)
        var i = 0
        func hex(_ count: Int) -> Character? {
            let start = i + 2, end = start + count
            guard end <= chars.count else { return nil }
            let digits = String(chars[start..<end])
            guard digits.allSatisfy(\.isHexDigit), let v = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(v) else {
                return nil
            }
            return Character(scalar)
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "\\", i + 1 < chars.count else { out.append(c); i += 1; continue }
            let n = chars[i + 1]
            switch n {
            case "\\": out.append("\\"); i += 2
            case "'": out.append("'"); i += 2
            case "\"": out.append("\""); i += 2
            case "a": out.append("\u{07}"); i += 2
            case "b": out.append("\u{08}"); i += 2
            case "f": out.append("\u{0C}"); i += 2
            case "n": out.append("\n"); i += 2
            case "r": out.append("\r"); i += 2
            case "t": out.append("\t"); i += 2
            case "v": out.append("\u{0B}"); i += 2
            case "x", "u", "U":
                let count = n == "x" ? 2 : n == "u" ? 4 : 8
                if let ch = hex(count) { out.append(ch); i += 2 + count } else { out.append(c); i += 1 }
            default: out.append(c); i += 1
            }
        }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    func occurrences(of needle: String) -> Int {
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return 0 }
        var count = 0
        var matched = 0
        // Needles here have no repeated prefix ("{{", "}}", "{%"...), so a simple scan is exact.
        for b in utf8 {
            if b == n[matched] {
                matched += 1
                if matched == n.count { count += 1; matched = 0 }
            } else {
                matched = b == n[0] ? 1 : 0
            }
        }
        return count
    }

    /// Whether `needle` occurs (byte-wise; for short ASCII markers such as `{{`).
    func includes(_ needle: String) -> Bool {
        var haystack = self
        var needle = needle
        // Native strings are contiguous already: no copy of either side.
        return haystack.withUTF8 { h in needle.withUTF8 { n in Self.includes(h, n) } }
    }

    private static func includes(_ h: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !n.isEmpty else { return true }
        guard h.count >= n.count else { return false }
        var i = 0
        while i <= h.count - n.count {
            if h[i] == n[0] {
                var j = 1
                while j < n.count && h[i + j] == n[j] { j += 1 }
                if j == n.count { return true }
            }
            i += 1
        }
        return false
    }
}
