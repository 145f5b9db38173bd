import Foundation

/// The values a run decrypted from a vault, and the one place that blanks them out of text
/// before it is printed: results at any verbosity, JSON lines, warnings and error messages.
/// Ansible 2.19 prints a vaulted value like any other string once a task uses it; play replaces
/// it (as it is, as Python's repr and as JSON write it inside a string) with `********`.
///
/// Values shorter than `minimumLength` characters are not recorded: blanking every `yes` or
/// `80` in the output would make it unreadable, and a secret that short is no secret.
public final class SecretRedactor: @unchecked Sendable {
    public static let mask = "********"
    public static let minimumLength = 4

    private let lock = NSLock()
    /// Every form to replace, longest first (so a secret that contains another goes whole).
    private var forms: [String] = []

    public init() {}

    /// True when nothing was recorded (the common case: no vault in the run).
    public var isEmpty: Bool { lock.withLock { forms.isEmpty } }

    public func record(_ secret: String) {
        guard secret.count >= Self.minimumLength else { return }
        // As it is, as Python's repr writes it inside a list or dict, and each as JSON writes it
        // inside a string (JSON output, and -v results).
        let repr = String(Value.string(secret).pythonRepr.dropFirst().dropLast())
        var variants: [String] = []
        for form in [secret, repr] {
            variants.append(form)
            variants.append(String(Value.string(form).jsonString().dropFirst().dropLast()))
        }
        lock.withLock {
            for form in variants where !forms.contains(form) { forms.append(form) }
            forms.sort { $0.utf8.count > $1.utf8.count }
        }
    }

    /// `text` with every recorded secret replaced by `mask`.
    public func redact(_ text: String) -> String {
        let forms = lock.withLock { self.forms }
        var text = text
        for form in forms where text.contains(form) {
            text = text.replacingOccurrences(of: form, with: Self.mask)
        }
        return text
    }

    /// Records the string values of `value` (dictionary values and list items, at any depth).
    public func recordStrings(in value: Value) {
        switch value {
        case .string(let s): record(s)
        case .list(let items): items.forEach(recordStrings(in:))
        case .dict(let entries): entries.values.forEach(recordStrings(in:))
        case .null, .bool, .int, .double: break
        }
    }
}
