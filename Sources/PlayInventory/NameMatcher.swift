import Foundation
import PlayBase

/// One host pattern's test on group and host names: `~regex` (matched from the start, as
/// Python's re.match) or a shell glob (whole name).
enum NameMatcher {
    case glob(GlobPattern)
    case regex(NSRegularExpression)

    init(_ pattern: String) throws {
        if pattern.hasPrefix("~") {
            do {
                self = .regex(try NSRegularExpression(pattern: String(pattern.dropFirst())))
            } catch {
                throw Diagnostic.error(at: nil, "Invalid host list pattern: \(pattern)",
                                       notes: ["after '~' comes a regular expression, such as ~web\\d+"])
            }
        } else {
            self = .glob(GlobPattern(pattern))
        }
    }

    func matches(_ name: String) -> Bool {
        switch self {
        case .glob(let g):
            return g.matches(name)
        case .regex(let r):
            return r.firstMatch(in: name, options: [.anchored], range: NSRange(name.startIndex..., in: name)) != nil
        }
    }
}
