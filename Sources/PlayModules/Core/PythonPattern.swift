import Foundation

/// A Python `re` pattern as the text-editing modules (lineinfile, replace, blockinfile, find) use
/// it, run by NSRegularExpression (ICU, the closest engine at hand): `(?P<name>...)` and
/// `(?P=name)` are translated, and replacement templates (`\1`, `\g<1>`, `\g<name>`) are expanded
/// here with Python's rules rather than ICU's `$1`.
struct PythonPattern {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    let regex: NSRegularExpression

    init(_ pattern: String, multiline: Bool = false, dotAll: Bool = false) throws(Invalid) {
        var translated = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        translated = translated.replacingOccurrences(of: #"\(\?P=(\w+)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        // Python's \Z is the very end of the text, which ICU spells \z (ICU's \Z allows a final newline).
        translated = translated.replacingOccurrences(of: #"(?<!\\)((?:\\\\)*)\\Z"#, with: #"$1\\z"#, options: .regularExpression)
        // ICU rejects an empty pattern; Python's matches the empty string everywhere.
        if translated.isEmpty { translated = "(?:)" }
        var options: NSRegularExpression.Options = []
        if multiline { options.insert(.anchorsMatchLines) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        do {
            regex = try NSRegularExpression(pattern: translated, options: options)
        } catch {
            throw Invalid(description: "invalid regular expression '\(pattern)'")
        }
    }

    /// Python's `search`: the first match anywhere.
    func search(_ s: String) -> NSTextCheckingResult? {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s))
    }

    /// Python's `match`: a match that starts at the beginning (it need not reach the end).
    func matchesAtStart(_ s: String) -> Bool {
        regex.firstMatch(in: s, options: [.anchored], range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func group(_ match: NSTextCheckingResult, _ index: Int, in s: String) -> String? {
        guard index < match.numberOfRanges, let range = Range(match.range(at: index), in: s) else { return nil }
        return String(s[range])
    }

    static func group(_ match: NSTextCheckingResult, named name: String, in s: String) -> String? {
        guard let range = Range(match.range(withName: name), in: s) else { return nil }
        return String(s[range])
    }

    /// Python's `match.expand(template)`; a group that did not take part gives "".
    func expand(_ template: String, _ match: NSTextCheckingResult, in s: String) -> String {
        var out = ""
        var chars = Array(template)[...]
        while let c = chars.popFirst() {
            guard c == "\\", let next = chars.first else { out.append(c); continue }
            if next.isASCII, next.isNumber {
                var digits = String(chars.removeFirst())
                if let d = chars.first, d.isASCII, d.isNumber, Int(digits + String(d))! < match.numberOfRanges {
                    digits.append(chars.removeFirst())
                }
                out += Self.group(match, Int(digits)!, in: s) ?? ""
            } else if next == "g", chars.dropFirst().first == "<", let close = chars.firstIndex(of: ">") {
                let name = String(chars[chars.index(chars.startIndex, offsetBy: 2)..<close])
                chars = chars[chars.index(after: close)...]
                out += (Int(name).flatMap { Self.group(match, $0, in: s) } ?? Self.group(match, named: name, in: s)) ?? ""
            } else {
                chars.removeFirst()
                switch next {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                case "f": out += "\u{0C}"
                case "v": out += "\u{0B}"
                case "a": out += "\u{07}"
                case "\\": out += "\\"
                default: out += "\\" + String(next)
                }
            }
        }
        return out
    }

    /// Python's `subn(template, s)`: the new text and how many matches were replaced.
    func substitute(_ template: String, in s: String) -> (String, Int) {
        var out = ""
        var last = s.startIndex
        var count = 0
        for match in regex.matches(in: s, range: NSRange(s.startIndex..., in: s)) {
            guard let range = Range(match.range, in: s) else { continue }
            out += s[last..<range.lowerBound]
            out += expand(template, match, in: s)
            last = range.upperBound
            count += 1
        }
        out += s[last...]
        return (out, count)
    }
}
