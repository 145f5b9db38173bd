/// Settings for a `Templar`: where lookups find files and which environment they see.
public struct TemplarOptions: Sendable {
    /// Directories `lookup('file', ...)` searches for relative paths, in order (the play's or
    /// role's `files/`, the playbook's directory...).
    public var searchPaths: [String]
    /// What `lookup('env', ...)` reads.
    public var environment: [String: String]

    public init(searchPaths: [String] = [], environment: [String: String] = [:]) {
        self.searchPaths = searchPaths
        self.environment = environment
    }
}
