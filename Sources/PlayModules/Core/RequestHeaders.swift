/// Request header fields for `uri`, one value per name (names compare case-insensitively;
/// the last `set` wins, as a later `headers:` entry overrides a default).
struct RequestHeaders: Sendable {
    private(set) var fields: [(String, String)] = []

    subscript(name: String) -> String? {
        fields.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Replaces the field called `name` (or removes it when `value` is nil).
    mutating func set(_ name: String, _ value: String?) {
        fields.removeAll { $0.0.lowercased() == name.lowercased() }
        if let value { fields.append((name, value)) }
    }
}
