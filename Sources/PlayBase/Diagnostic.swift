/// A finding about the user's input: where it is, what is wrong, and what to do.
/// Libraries create diagnostics; only renderers (the executables) print them.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    public var location: SourceLocation?
    public var message: String
    /// Extra lines: "did you mean", hints, what to do next.
    public var notes: [String]
    /// How many columns the marker under the source line spans (at least 1).
    public var length: Int

    public init(_ severity: Severity = .error, at location: SourceLocation?, _ message: String,
                notes: [String] = [], length: Int = 1) {
        self.severity = severity
        self.location = location
        self.message = message
        self.notes = notes
        self.length = max(1, length)
    }

    public static func error(at location: SourceLocation?, _ message: String, notes: [String] = [], length: Int = 1) -> Diagnostic {
        Diagnostic(.error, at: location, message, notes: notes, length: length)
    }

    /// `file:line:col: error: message`, without the source excerpt.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message)"
    }
}

/// Several diagnostics found in one pass (a playbook is checked whole before anything runs).
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
