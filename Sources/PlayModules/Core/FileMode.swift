import Foundation
import PlayBase

/// A `mode:` argument as Ansible reads it: an integer is the mode itself (YAML's `0644` is
/// already 420), a string of octal digits is read as octal (`"0644"`, `"644"`, `"0o644"`),
/// anything else must be a `chmod` symbolic mode (`u=rw,g=r,o=`, `a+x`); `copy` and `template`
/// also take `preserve` (the source file's mode).
enum FileMode: Sendable, Hashable {
    case octal(Int)
    case symbolic(String)
    case preserve

    struct Invalid: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// Reads the argument; nil when it is absent. `allowPreserve` is for copy and template.
    static func parse(_ value: Value?, allowPreserve: Bool = false) throws(Invalid) -> FileMode? {
        guard let value, !value.isNull else { return nil }
        switch value {
        case .int(let i):
            guard (0...0o7777).contains(i) else {
                throw Invalid(description: "mode \(i) is out of range: give it as an octal string such as '0644'")
            }
            return .octal(i)
        case .string(let raw):
            let s = raw.trimmingCharacters(in: .whitespaces)
            if s == "preserve" {
                guard allowPreserve else { throw Invalid(description: "mode 'preserve' is only valid for copy and template") }
                return .preserve
            }
            let digits = s.hasPrefix("0o") ? String(s.dropFirst(2)) : s
            if !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }) {
                guard let i = Int(digits, radix: 8), (0...0o7777).contains(i) else {
                    throw Invalid(description: "mode '\(raw)' is out of range (at most 07777)")
                }
                return .octal(i)
            }
            guard isSymbolic(s) else {
                throw Invalid(description: "mode must be in octal or symbolic form, got '\(raw)'"
                    + " (write it as a quoted octal string such as '0644', or like 'u=rw,g=r,o=')")
            }
            return .symbolic(s)
        default:
            throw Invalid(description: "mode must be in octal or symbolic form, got \(value.pythonRepr)")
        }
    }

    /// The four-digit octal text `chmod` and `stat -c %a` agree on (`0644`), or the symbolic text.
    var shellText: String {
        switch self {
        case .octal(let i): return Self.octalText(i)
        case .symbolic(let s): return s
        case .preserve: return ""
        }
    }

    static func octalText(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// chmod's symbolic grammar: clauses `[ugoa]*([-+=]([rwxXst]*|[ugo]))+` separated by commas.
    static func isSymbolic(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        for clause in s.split(separator: ",", omittingEmptySubsequences: false) {
            var rest = clause.drop { "ugoa".contains($0) }
            guard let first = rest.first, "+-=".contains(first) else { return false }
            while let op = rest.first {
                guard "+-=".contains(op) else { return false }
                rest = rest.dropFirst()
                let perms = rest.prefix { !"+-=".contains($0) }
                let permsOK = perms.allSatisfy { "rwxXst".contains($0) } || (perms.count == 1 && "ugo".contains(perms.first!))
                guard permsOK else { return false }
                rest = rest.dropFirst(perms.count)
            }
        }
        return true
    }
}
