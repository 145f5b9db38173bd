/// Small text helpers on Unicode scalars: Swift's Character view does grapheme breaking, which
/// costs too much when a 10,000-host inventory is read line by line.
enum TextScan {
    /// Python's str.strip(): whitespace (ASCII and Unicode) off both ends.
    static func trim(_ s: Substring) -> Substring {
        let scalars = s.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard isSpace(scalars[before]) else { break }
            end = before
        }
        return Substring(scalars[start..<end])
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" }
        return c.properties.isWhitespace
    }

    /// A regular-expression word character (`\w` in Python): letters, digits, underscore.
    static func isWord(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_"
        }
        return c.properties.isAlphabetic || c.properties.numericType != nil
    }

    static func has(_ s: some StringProtocol, _ byte: Unicode.Scalar) -> Bool {
        s.utf8.contains(UInt8(byte.value))
    }

    /// The lines of a text, split on "\n" (a trailing "\r" is left for trimming to remove).
    static func lines(_ text: String) -> [Substring] {
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        while i < utf8.endIndex {
            if utf8[i] == UInt8(ascii: "\n") {
                result.append(text[start..<i])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        result.append(text[start..<utf8.endIndex])
        return result
    }
}
