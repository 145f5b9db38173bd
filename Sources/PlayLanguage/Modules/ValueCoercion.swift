import Foundation
import PlayBase

/// Ansible's lenient conversions for module arguments ("yes" is true, "8080" is 8080, "a,b" is a list).
public enum ValueCoercion {
    public static func bool(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s):
            switch s.lowercased().trimmingCharacters(in: .whitespaces) {
            case "yes", "on", "true", "1", "y", "t": return true
            case "no", "off", "false", "0", "n", "f", "": return false
            default: return nil
            }
        case .null: return false
        default: return nil
        }
    }

    public static func int(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .double(let d) where d == d.rounded(): return Int(d)
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    public static func double(_ v: Value) -> Double? {
        switch v {
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        default: return v.doubleValue
        }
    }

    /// A list argument: lists as they are, comma-separated strings split, scalars wrapped.
    public static func list(_ v: Value) -> [Value] {
        switch v {
        case .list(let l): return l
        case .null: return []
        case .string(let s):
            return s.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
        default: return [v]
        }
    }
}
