import Foundation
import PlayBase

/// Ansible's reading of a host entry: a host name, IPv4 or IPv6 address (each possibly holding
/// `[x:y]` ranges) with an optional `:port`, or `[address]:port`.
enum HostAddress {
    /// The host and port of `address`, or nil when it is not a recognisable host identifier
    /// (Ansible then keeps the whole text as the name, without a port).
    static func parse(_ address: String, allowRanges: Bool) -> (host: String, port: Int?)? {
        var host = address
        var port: Int?
        if let (inner, p) = bracketedHostPort(host) {
            host = inner
            port = p
        }
        if let (inner, p) = hostPort(host) {
            host = inner
            port = p
        }
        guard isHostName(host) || isIPv6(host) else { return nil }
        if !allowRanges && TextScan.has(host, "[") { return nil }
        return (host, port)
    }

    private static let colon = UInt8(ascii: ":"), open = UInt8(ascii: "["), close = UInt8(ascii: "]")

    /// `[anything]:digits`, the only way to give an IPv6 address a port.
    private static func bracketedHostPort(_ s: String) -> (String, Int)? {
        let u = s.utf8
        guard u.first == open, let c = u.lastIndex(of: colon), let port = port(s[u.index(after: c)...]) else { return nil }
        let beforeColon = u[..<c]
        guard beforeColon.last == close, beforeColon.count >= 3 else { return nil }
        return (String(s[u.index(after: u.startIndex)..<u.index(before: c)]), port)
    }

    /// `name:digits`, where the name has no `:` outside complete `[...]` groups.
    private static func hostPort(_ s: String) -> (String, Int)? {
        let u = s.utf8
        var i = u.startIndex
        while i < u.endIndex {
            let c = u[i]
            if c == open {
                guard let end = u[i...].firstIndex(of: close) else { return nil }
                i = u.index(after: end)
                continue
            }
            if c == close { return nil }
            if c == colon {
                guard let port = port(s[u.index(after: i)...]) else { return nil }
                return (String(s[..<i]), port)
            }
            i = u.index(after: i)
        }
        return nil
    }

    private static func port(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(digits)
    }

    /// Dot-separated labels of word characters and `-`, each starting with a word character or a
    /// range and not ending in `-` or `_`; ranges are `[a:z]` or `[0:9]` with an optional `:step`.
    static func isHostName(_ s: String) -> Bool {
        if TextScan.has(s, "[") { return isHostName(Array(s.unicodeScalars)) }
        var labelLength = 0
        var last: Unicode.Scalar = "."
        for c in s.unicodeScalars {
            if c == "." {
                guard labelLength > 0, last != "-", last != "_" else { return false }
                labelLength = 0
            } else if isWord(c) || (c == "-" && labelLength > 0) {
                labelLength += 1
            } else {
                return false
            }
            last = c
        }
        return labelLength > 0 && last != "-" && last != "_"
    }

    private static func isHostName(_ scalars: [Unicode.Scalar]) -> Bool {
        var i = 0
        var labelLength = 0
        var last: Unicode.Scalar = "."
        while i < scalars.count {
            let c = scalars[i]
            if c == "." {
                guard labelLength > 0, last != "-", last != "_" else { return false }
                labelLength = 0
                last = c
                i += 1
            } else if c == "[" {
                guard let end = rangeEnd(scalars, from: i, hex: false) else { return false }
                labelLength += 1
                last = "]"
                i = end
            } else if isWord(c) || (c == "-" && labelLength > 0) {
                labelLength += 1
                last = c
                i += 1
            } else {
                return false
            }
        }
        return labelLength > 0 && last != "-" && last != "_"
    }

    /// An IPv6 address in any of its written forms, components possibly hexadecimal ranges.
    static func isIPv6(_ s: String) -> Bool {
        let scalars = Array(s.unicodeScalars)
        guard scalars.contains(":") else { return false }
        // Replace each range by a one-digit component so only the address shape is left.
        var flat = ""
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "[" {
                guard let end = rangeEnd(scalars, from: i, hex: true) else { return false }
                flat += "0"
                i = end
            } else if c == ":" || c == "." || c.properties.isASCIIHexDigit {
                flat.unicodeScalars.append(c)
                i += 1
            } else {
                return false
            }
        }
        func groups(_ text: Substring, last: Bool) -> Int? {
            if text.isEmpty { return 0 }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            for (n, part) in parts.enumerated() {
                if part.contains(".") {
                    guard last, n == parts.count - 1, isIPv4(part) else { return nil }
                    count += 2
                } else {
                    guard (1...4).contains(part.count) else { return nil }
                    count += 1
                }
            }
            return count
        }
        let halves = flat.components(separatedBy: "::")
        switch halves.count {
        case 1:
            return groups(Substring(flat), last: true) == 8
        case 2:
            guard let left = groups(Substring(halves[0]), last: false),
                  let right = groups(Substring(halves[1]), last: true) else { return false }
            return left + right <= 7
        default:
            return false
        }
    }

    private static func isIPv4(_ s: Substring) -> Bool {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { o in
            !o.isEmpty && o.count <= 3 && o.allSatisfy(\.isASCIIDigit) && (Int(o) ?? 256) <= 255
        }
    }

    /// The index after a complete range starting at `from` (a `[`), or nil.
    private static func rangeEnd(_ s: [Unicode.Scalar], from: Int, hex: Bool) -> Int? {
        guard let close = s[from...].firstIndex(of: "]") else { return nil }
        let body = s[(from + 1)..<close].split(separator: ":", omittingEmptySubsequences: false)
        guard body.count == 2 || body.count == 3 else { return nil }
        func digits(_ p: ArraySlice<Unicode.Scalar>) -> Bool { !p.isEmpty && p.allSatisfy { $0 >= "0" && $0 <= "9" } }
        func hexDigits(_ p: ArraySlice<Unicode.Scalar>) -> Bool { !p.isEmpty && p.allSatisfy(\.properties.isASCIIHexDigit) }
        func letter(_ p: ArraySlice<Unicode.Scalar>) -> Bool {
            p.count == 1 && p.first.map { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") } == true
        }
        if body.count == 3, !digits(body[2]) { return nil }
        let ok = hex ? (hexDigits(body[0]) && hexDigits(body[1]))
                     : ((digits(body[0]) && digits(body[1])) || (letter(body[0]) && letter(body[1])))
        return ok ? close + 1 : nil
    }

    private static func isWord(_ c: Unicode.Scalar) -> Bool {
        TextScan.isWord(c)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
