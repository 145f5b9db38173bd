/// One setting Ansible reads from ansible.cfg and ANSIBLE_* variables: its name as
/// `ansible-config` prints it, its type, default, the ini keys and variables that set it, and what
/// `play` does with it.
public struct ConfigSetting: Sendable {
    /// Ansible's value types, which decide how text from a file or the environment is read.
    public enum Kind: Sendable, Equatable {
        case string
        case integer
        case boolean
        /// Comma-separated.
        case list
        /// One path: `~` and `$VAR` expanded, relative to the config file's directory.
        case path
        /// Comma-separated paths.
        case pathList
        /// Colon-separated paths.
        case pathSpec
    }

    public struct INIKey: Sendable, Equatable {
        public var section: String
        public var key: String
        public var display: String { "[\(section)] \(key)" }
    }

    public var name: String
    public var kind: Kind
    /// The default as Ansible computes it; `{ANSIBLE_HOME}` stands for Ansible's home directory.
    public var defaultValue: Value
    public var ini: [INIKey]
    public var environment: [String]
    /// Set for a connection plugin's option (`ssh`): `ansible-config dump` leaves those out of
    /// the base settings, as `play config dump` does.
    public var plugin: String?
    /// What `play` does with it; nil for a setting `play` reads but has no use for (named once
    /// with `-v` when it is set).
    public var use: String?

    public init(_ name: String, _ kind: Kind, _ defaultValue: Value, ini: [(String, String)], env: [String],
                plugin: String? = nil, use: String?) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.ini = ini.map { INIKey(section: $0.0, key: $0.1) }
        self.environment = env
        self.plugin = plugin
        self.use = use
    }
}
