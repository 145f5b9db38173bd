import Foundation
import PlayBase

/// Python `re` patterns run on NSRegularExpression (ICU): named groups are translated, and
/// replacement templates (`\1`, `\g<name>`) are expanded here rather than by ICU.
struct PythonRegex {
    let regex: NSRegularExpression
    let pattern: String

    init(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false, error makeError: (String) -> TemplateError) throws(TemplateError) {
        var translated = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        translated = translated.replacingOccurrences(of: #"\(\?P=(\w+)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        var options: NSRegularExpression.Options = []
        if ignoreCase { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        do {
            regex = try NSRegularExpression(pattern: translated, options: options)
        } catch {
            throw makeError("invalid regular expression '\(pattern)'")
        }
        self.pattern = pattern
    }

    func matches(_ s: String) -> [NSTextCheckingResult] {
        regex.matches(in: s, range: NSRange(s.startIndex..., in: s))
    }

    func firstMatch(_ s: String, anchored: Bool = false) -> NSTextCheckingResult? {
        regex.firstMatch(in: s, options: anchored ? [.anchored] : [], range: NSRange(s.startIndex..., in: s))
    }

    /// Group text (nil when the group did not take part in the match).
    static func group(_ match: NSTextCheckingResult, _ index: Int, in s: String) -> String? {
        guard index < match.numberOfRanges else { return nil }
        let r = match.range(at: index)
        guard r.location != NSNotFound, let range = Range(r, in: s) else { return nil }
        return String(s[range])
    }

    static func group(_ match: NSTextCheckingResult, named name: String, in s: String) -> String? {
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

    /// Expands a Python replacement template for one match.
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
                case "\\": out += "\\"
                default: out += "\\" + String(next)
                }
            }
        }
        return out
    }

    func replace(_ s: String, with template: String, count: Int = 0) -> (String, Int) {
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
