import Foundation
import PlayBase

/// Python `re` patterns run on NSRegularExpression (ICU, the closest engine at hand), for the
/// regex filters and the text-editing modules alike: `(?P<name>...)`, `(?P=name)` and `\Z` are
/// translated, and replacement templates (`\1`, `\g<1>`, `\g<name>`) are expanded here with
/// Python's rules rather than ICU's `$1`.
package struct PythonRegex: Sendable {
    package struct Invalid: Error, CustomStringConvertible {
        package var description: String
    }

    package let regex: NSRegularExpression
    package let pattern: String

    package init(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false, dotAll: Bool = false) throws(Invalid) {
        var translated = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        translated = translated.replacingOccurrences(of: #"\(\?P=(\w+)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        // Python's \Z is the very end of the text, which ICU spells \z (ICU's \Z allows a final newline).
        translated = translated.replacingOccurrences(of: #"(?<!\\)((?:\\\\)*)\\Z"#, with: #"$1\\z"#, options: .regularExpression)
        // ICU rejects an empty pattern; Python's matches the empty string everywhere.
        if translated.isEmpty { translated = "(?:)" }
        var options: NSRegularExpression.Options = []
        if ignoreCase { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        do {
            regex = try NSRegularExpression(pattern: translated, options: options)
        } catch {
            throw Invalid(description: "invalid regular expression '\(pattern)'")
        }
        self.pattern = pattern
    }

    /// For the filters: an invalid pattern is the filter's own error.
    init(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false, error makeError: (String) -> TemplateError) throws(TemplateError) {
        do {
            try self.init(pattern, ignoreCase: ignoreCase, multiline: multiline)
        } catch {
            throw makeError(error.description)
        }
    }

    package func matches(_ s: String) -> [NSTextCheckingResult] {
        regex.matches(in: s, range: NSRange(s.startIndex..., in: s))
    }

    package func firstMatch(_ s: String, anchored: Bool = false) -> NSTextCheckingResult? {
        regex.firstMatch(in: s, options: anchored ? [.anchored] : [], range: NSRange(s.startIndex..., in: s))
    }

    /// Python's `search`: the first match anywhere.
    package func search(_ s: String) -> NSTextCheckingResult? { firstMatch(s) }

    /// Python's `match`: a match that starts at the beginning (it need not reach the end).
    package func matchesAtStart(_ s: String) -> Bool { firstMatch(s, anchored: true) != nil }

    /// Group text (nil when the group did not take part in the match).
    package static func group(_ match: NSTextCheckingResult, _ index: Int, in s: String) -> String? {
        guard index < match.numberOfRanges else { return nil }
        let r = match.range(at: index)
        guard r.location != NSNotFound, let range = Range(r, in: s) else { return nil }
        return String(s[range])
    }

    package static func group(_ match: NSTextCheckingResult, named name: String, in s: String) -> String? {
        let r = match.range(withName: name)
        guard r.location != NSNotFound, let range = Range(r, in: s) else { return nil }
        return String(s[range])
    }

    /// A group reference as `regex_search` takes it: `'\\1'` or `'\\g<name>'`.
    static func groupReference(_ text: String) -> (index: Int?, name: String?)? {
        if text.hasPrefix("\\g<"), text.hasSuffix(">") {
            let inner = String(text.dropFirst(3).dropLast())
            return Int(inner).map { ($0, nil) } ?? (nil, inner)
        }
        if text.hasPrefix("\\"), let i = Int(text.dropFirst()) { return (i, nil) }
        return nil
    }

    /// Python's `match.expand(template)`; a group that did not take part gives "".
    package func expand(_ template: String, _ match: NSTextCheckingResult, in s: String) -> String {
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

    /// Python's `subn(template, s, count)`: the new text and how many matches were replaced.
    package func replace(_ s: String, with template: String, count: Int = 0) -> (String, Int) {
        var out = ""
        var last = s.startIndex
        var replaced = 0
        for match in matches(s) {
            if count > 0, replaced >= count { break }
            guard let range = Range(match.range, in: s) else { continue }
            out += s[last..<range.lowerBound]
            out += expand(template, match, in: s)
            last = range.upperBound
            replaced += 1
        }
        out += s[last...]
        return (out, replaced)
    }
}
