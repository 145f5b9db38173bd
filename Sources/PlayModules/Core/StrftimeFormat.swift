import Foundation

/// Reads a timestamp written in a Python `strptime` format (`%Y%m%d%H%M.%S`, Ansible's default
/// for `modification_time`), in local time, by translating the format for Foundation.
enum StrftimeFormat {
    /// The date `text` denotes in `format`, or nil when it does not match or the format uses a
    /// directive this translation does not know.
    static func date(_ text: String, format: String) -> Date? {
        guard let pattern = pattern(format) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = pattern
        formatter.isLenient = false
        return formatter.date(from: text)
    }

    /// The Unicode date pattern for a strftime format.
    static func pattern(_ format: String) -> String? {
        let directives: [Character: String] = [
            "Y": "yyyy", "y": "yy", "m": "MM", "d": "dd", "H": "HH", "I": "hh", "M": "mm", "S": "ss",
            "p": "a", "b": "MMM", "B": "MMMM", "a": "EEE", "A": "EEEE", "j": "DDD", "f": "SSSSSS", "z": "xx", "Z": "zzz",
        ]
        var out = ""
        var literal = ""
        func flushLiteral() {
            guard !literal.isEmpty else { return }
            out += "'" + literal.replacingOccurrences(of: "'", with: "''") + "'"
            literal = ""
        }
        var iterator = format.makeIterator()
        while let c = iterator.next() {
            if c == "%" {
                guard let d = iterator.next() else { return nil }
                if d == "%" { literal.append("%"); continue }
                guard let translated = directives[d] else { return nil }
                flushLiteral()
                out += translated
            } else {
                literal.append(c)
            }
        }
        flushLiteral()
        return out
    }
}
