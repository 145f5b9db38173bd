import Foundation

/// A pip requirement as `pip` checks whether it is already met: a plain name (`Flask`,
/// `flask[async]`) with optional specifiers (`>=2.0,<3`), compared with what
/// `pip list --format=freeze` reports. Anything else (a path, a URL, a VCS link) is not plain:
/// only pip can tell whether installing it changes anything.
struct PipRequirement: Sendable, Equatable {
    var name: String
    var specifiers: [(op: String, version: String)]
    var plain: Bool

    static func == (a: PipRequirement, b: PipRequirement) -> Bool {
        a.name == b.name && a.plain == b.plain && a.specifiers.map { $0.op + $0.version } == b.specifiers.map { $0.op + $0.version }
    }

    init(_ text: String, version: String? = nil) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let nameEnd = trimmed.firstIndex { !($0.isLetter || $0.isNumber || "._-".contains($0)) } ?? trimmed.endIndex
        var rest = trimmed[nameEnd...].trimmingCharacters(in: .whitespaces)
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces) }
        name = Self.normalized(String(trimmed[..<nameEnd]))
        specifiers = []
        plain = !name.isEmpty && !trimmed.contains("/") && !trimmed.contains(":")
        if let version { rest = rest.isEmpty ? "==" + version : rest }
        for part in rest.split(separator: ",") {
            let p = part.trimmingCharacters(in: .whitespaces)
            guard let op = ["===", "==", ">=", "<=", "!=", "~=", ">", "<"].first(where: p.hasPrefix) else {
                if !p.isEmpty { plain = false }
                continue
            }
            specifiers.append((op, p.dropFirst(op.count).trimmingCharacters(in: .whitespaces)))
        }
    }

    /// PEP 503's name normalisation.
    static func normalized(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: #"[-_.]+"#, with: "-", options: .regularExpression)
    }

    /// Whether the installed version (nil: not installed) meets this requirement.
    func isMet(by installed: String?) -> Bool {
        guard let installed else { return false }
        return specifiers.allSatisfy { op, version in
            let c = Self.compare(installed, version)
            switch op {
            case "==", "===": return version.hasSuffix(".*") ? installed.hasPrefix(String(version.dropLast(1))) : c == 0
            case "!=": return c != 0
            case ">=": return c >= 0
            case "<=": return c <= 0
            case ">": return c > 0
            case "<": return c < 0
            case "~=": return c >= 0
            default: return false
            }
        }
    }

    /// Release segments compared numerically (`1.10` after `1.9`, `1.0` equal to `1`).
    static func compare(_ a: String, _ b: String) -> Int {
        func parts(_ s: String) -> [Int] { s.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 } }
        var x = parts(a), y = parts(b)
        while x.count < y.count { x.append(0) }
        while y.count < x.count { y.append(0) }
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return 0
    }

    /// `pip list --format=freeze` output as normalised name → version.
    static func installed(_ freeze: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in freeze.split(separator: "\n") {
            guard let range = line.range(of: "==") else { continue }
            out[normalized(String(line[..<range.lowerBound]))] = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        return out
    }
}
