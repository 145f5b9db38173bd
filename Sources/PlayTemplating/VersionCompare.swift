/// Version comparison as Ansible's `version` test does it: loose versions split into numeric and
/// alphabetic parts compared in turn (`1.2.10` > `1.2.9`; like Python's LooseVersion, `1.0rc1` >
/// `1.0`), and semantic versions (version_type='semver') where a pre-release sorts before its release.
enum VersionCompare {
    enum Part: Equatable {
        case number(Int)
        case text(String)
    }

    static func looseParts(_ version: String) -> [Part] {
        var parts: [Part] = []
        var current = ""
        var currentIsDigit = false
        func flush() {
            guard !current.isEmpty else { return }
            parts.append(currentIsDigit ? .number(Int(current) ?? 0) : .text(current))
            current = ""
        }
        for ch in version.lowercased() {
            if ch == "." { flush(); continue }
            let isDigit = ch.isASCII && ch.isNumber
            if !current.isEmpty, isDigit != currentIsDigit { flush() }
            currentIsDigit = isDigit
            current.append(ch)
        }
        flush()
        return parts
    }

    /// -1, 0, 1 comparing loose versions. A number against text compares the number first, where
    /// Python 3 would raise; this keeps `1.0 < 1.0a` working.
    static func compareLoose(_ a: String, _ b: String) -> Int {
        let x = looseParts(a), y = looseParts(b)
        for (p, q) in zip(x, y) where p != q {
            switch (p, q) {
            case (.number(let i), .number(let j)): return i < j ? -1 : 1
            case (.text(let s), .text(let t)): return s < t ? -1 : 1
            case (.number, .text): return -1
            case (.text, .number): return 1
            }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    /// Semantic versioning 2.0 precedence (build metadata ignored).
    static func compareSemver(_ a: String, _ b: String) -> Int? {
        func split(_ v: String) -> ([Int], [String])? {
            var v = Substring(v)
            if v.hasPrefix("v") { v = v.dropFirst() }
            if let plus = v.firstIndex(of: "+") { v = v[..<plus] }
            var pre: [String] = []
            if let dash = v.firstIndex(of: "-") {
                pre = v[v.index(after: dash)...].split(separator: ".").map(String.init)
                v = v[..<dash]
            }
            let core = v.split(separator: ".").map { Int($0) }
            guard core.count == 3, core.allSatisfy({ $0 != nil }) else { return nil }
            return (core.map { $0! }, pre)
        }
        guard let (c1, p1) = split(a), let (c2, p2) = split(b) else { return nil }
        for (i, j) in zip(c1, c2) where i != j { return i < j ? -1 : 1 }
        if p1.isEmpty || p2.isEmpty { return p1.isEmpty == p2.isEmpty ? 0 : (p1.isEmpty ? 1 : -1) }
        for (s, t) in zip(p1, p2) where s != t {
            switch (Int(s), Int(t)) {
            case (let i?, let j?): return i < j ? -1 : 1
            case (_?, nil): return -1
            case (nil, _?): return 1
            default: return s < t ? -1 : 1
            }
        }
        return p1.count == p2.count ? 0 : (p1.count < p2.count ? -1 : 1)
    }

    static let operators: [String: @Sendable (Int) -> Bool] = [
        "==": { $0 == 0 }, "=": { $0 == 0 }, "eq": { $0 == 0 },
        "!=": { $0 != 0 }, "<>": { $0 != 0 }, "ne": { $0 != 0 },
        "<": { $0 < 0 }, "lt": { $0 < 0 }, "<=": { $0 <= 0 }, "le": { $0 <= 0 },
        ">": { $0 > 0 }, "gt": { $0 > 0 }, ">=": { $0 >= 0 }, "ge": { $0 >= 0 },
    ]
}
