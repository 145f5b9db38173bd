import PlayBase

/// A playbook file with every `import_playbook` expanded in place.
public struct Playbook: Sendable {
    /// The path given by the user.
    public var path: String
    public var plays: [Play]
    /// Findings that do not stop the run (e.g. a repeated YAML key), for the caller to print.
    public var warnings: [Diagnostic]

    public init(path: String, plays: [Play], warnings: [Diagnostic] = []) {
        self.path = path
        self.plays = plays
        self.warnings = warnings
    }
}
