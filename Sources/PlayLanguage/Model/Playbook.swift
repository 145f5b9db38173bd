/// A playbook file with every `import_playbook` expanded in place.
public struct Playbook: Sendable {
    /// The path given by the user.
    public var path: String
    public var plays: [Play]

    public init(path: String, plays: [Play]) {
        self.path = path
        self.plays = plays
    }
}
