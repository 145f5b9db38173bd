import Foundation
import OrderedCollections
import PlayBase

/// What `wait_for` waits for, with Ansible's wording for progress and time-outs.
enum WaitCondition: Sendable, Equatable {
    /// A TCP port accepts connections (and, with a pattern, sends text matching it).
    case portOpen(host: String, port: Int, pattern: String?)
    /// A TCP port refuses connections.
    case portClosed(host: String, port: Int)
    /// No active connection to a local port is left (`state: drained`), read from the target's
    /// TCP tables; connections from `excluded` remote addresses do not count.
    case portDrained(host: String, port: Int, excluded: [String], states: [String])
    /// A path exists (and, with a pattern, holds text matching it).
    case pathPresent(String, pattern: String?)
    case pathAbsent(String)
    /// Nothing to check: just wait out the time-out.
    case time

    /// Ansible's message when the time runs out.
    var timeoutMessage: String {
        switch self {
        case .portOpen(let host, let port, let pattern?):
            return "Timeout when waiting for search string \(pattern) in \(host):\(port)"
        case .portOpen(let host, let port, nil):
            return "Timeout when waiting for \(host):\(port)"
        case .portClosed(let host, let port):
            return "Timeout when waiting for \(host):\(port) to stop."
        case .portDrained(let host, let port, _, _):
            return "Timeout when waiting for \(host):\(port) to drain"
        case .pathPresent(let path, let pattern?):
            return "Timeout when waiting for search string \(pattern) in \(path)"
        case .pathPresent(let path, nil):
            return "Timeout when waiting for file \(path)"
        case .pathAbsent(let path):
            return "Timeout when waiting for \(path) to be absent."
        case .time:
            return ""
        }
    }

    /// Live status while waiting.
    var progressText: String {
        switch self {
        case .portOpen(let host, let port, let pattern?): return "waiting for '\(pattern)' from \(host):\(port)"
        case .portOpen(let host, let port, nil): return "waiting for \(host):\(port) to accept connections"
        case .portClosed(let host, let port): return "waiting for \(host):\(port) to stop"
        case .portDrained(let host, let port, _, _): return "waiting for connections to \(host):\(port) to drain"
        case .pathPresent(let path, let pattern?): return "waiting for '\(pattern)' in \(path)"
        case .pathPresent(let path, nil): return "waiting for \(path) to exist"
        case .pathAbsent(let path): return "waiting for \(path) to be absent"
        case .time: return "waiting"
        }
    }

    var pattern: String? {
        switch self {
        case .portOpen(_, _, let p), .pathPresent(_, let p): return p
        default: return nil
        }
    }

    /// Python's `re.search(pattern, text, re.MULTILINE)` with `groups()` and `groupdict()`;
    /// nil when it does not match or the pattern is invalid.
    static func search(_ pattern: String, in text: String) -> (groups: [Value], named: OrderedDictionary<String, Value>)? {
        // Python spells named groups (?P<name>...); ICU wants (?<name>...).
        let icuPattern = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        guard let regex = try? NSRegularExpression(pattern: icuPattern, options: [.anchorsMatchLines]) else { return nil }
        let ns = text as NSString
        guard let match = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { return nil }
        var groups: [Value] = []
        if match.numberOfRanges > 1 {
            for i in 1..<match.numberOfRanges {
                let range = match.range(at: i)
                groups.append(range.location == NSNotFound ? .null : .string(ns.substring(with: range)))
            }
        }
        var named: OrderedDictionary<String, Value> = [:]
        for name in groupNames(icuPattern) {
            let range = match.range(withName: name)
            named[name] = range.location == NSNotFound ? .null : .string(ns.substring(with: range))
        }
        return (groups, named)
    }

    private static func groupNames(_ pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let start = rest.range(of: "(?<") {
            let after = rest[start.upperBound...]
            if let first = after.first, first != "=", first != "!",
               let close = after.firstIndex(of: ">") {
                names.append(String(after[..<close]))
                rest = after[close...]
            } else {
                rest = after
            }
        }
        return names
    }
}
