import Foundation

/// Ansible's settings as one run sees them: each `ConfigSetting` from its `ANSIBLE_*` variable,
/// else the ansible.cfg in use, else its default, remembering where the value came from.
/// Command-line flags, which win over all of these, are applied by the caller.
public struct Configuration: Sendable {
    public enum Origin: Sendable, Equatable {
        case defaultValue
        case environment(String)
        case file(String)

        /// As `ansible-config dump` prints it: `default`, `env: NAME`, or the file's path.
        public var label: String {
            switch self {
            case .defaultValue: "default"
            case .environment(let name): "env: \(name)"
            case .file(let path): path
            }
        }
    }

    public struct Resolved: Sendable, Equatable {
        public var value: Value
        public var origin: Origin
    }

    /// The ansible.cfg in use, if any.
    public let file: String?
    /// Its text as read (for `play config view`).
    public let fileText: String?
    /// Warnings to show once (an ansible.cfg skipped in a world-writable directory).
    public let warnings: [String]
    let ini: ConfigINI?
    let values: [String: Resolved]

    /// Finds and reads the config file and resolves every setting. A value of the wrong type
    /// (`forks = many`) is an error at its place in the file or naming its variable.
    public static func load(environment: [String: String], currentDirectory: String,
                            home: String) throws(Diagnostic) -> Configuration {
        let found = ConfigFileSearch.find(environment: environment, currentDirectory: currentDirectory, home: home)
        var ini: ConfigINI?
        var text: String?
        if let path = found.path {
            // Ansible reads ini files only, and knows them by their extension.
            let ext = (path as NSString).pathExtension
            guard ext == "cfg" || ext == "ini" else {
                throw .error(at: .synthetic(path), "Unsupported configuration file extension for \(path): \(ext.isEmpty ? "" : "." + ext)",
                             notes: ["name the file ansible.cfg (or *.ini), as Ansible requires"])
            }
            guard let read = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .error(at: .synthetic(path), "cannot read the config file \(path)")
            }
            text = read
            ini = try ConfigINI(path: path, text: read)
        }
        let reader = ConfigValueReader(home: home, currentDirectory: currentDirectory, environment: environment)
        return Configuration(file: found.path, fileText: text, warnings: found.warnings, ini: ini,
                             values: try resolveAll(reader, ini: ini))
    }

    /// Ansible's defaults alone: no file, no environment.
    public static func defaults(home: String) -> Configuration {
        let reader = ConfigValueReader(home: home, currentDirectory: "/", environment: [:])
        let values = (try? resolveAll(reader, ini: nil)) ?? [:]
        return Configuration(file: nil, fileText: nil, warnings: [], ini: nil, values: values)
    }

    private static func resolveAll(_ reader: ConfigValueReader, ini: ConfigINI?) throws(Diagnostic) -> [String: Resolved] {
        var values: [String: Resolved] = [:]
        // ANSIBLE_HOME comes first in the table: other defaults are made of it.
        for setting in ConfigSetting.table {
            values[setting.name] = try reader.resolve(setting, ini: ini, ansibleHome: values["ANSIBLE_HOME"]?.value.stringValue)
        }
        return values
    }

    /// The configuration of this process (its environment, directory and home).
    public static func forProcess() throws(Diagnostic) -> Configuration {
        let environment = ProcessInfo.processInfo.environment
        // `~` is $HOME, as Python's expanduser reads it.
        return try load(environment: environment, currentDirectory: FileManager.default.currentDirectoryPath,
                        home: environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory())
    }

    public subscript(name: String) -> Resolved {
        guard let resolved = values[name] else { preconditionFailure("\(name) is not in ConfigSetting.table") }
        return resolved
    }

    /// True when the value does not come from the default (so it overrides play's own default).
    public func isSet(_ name: String) -> Bool { self[name].origin != .defaultValue }

    public func string(_ name: String) -> String? {
        let value = self[name].value
        return value.isNull ? nil : value.stringValue ?? value.renderedString
    }

    public func int(_ name: String) -> Int? {
        if case .int(let i) = self[name].value { return i }
        return nil
    }

    public func bool(_ name: String) -> Bool {
        if case .bool(let b) = self[name].value { return b }
        return false
    }

    public func strings(_ name: String) -> [String] {
        switch self[name].value {
        case .list(let items): items.compactMap(\.stringValue)
        case .null: []
        case let other: [other.renderedString]
        }
    }

    /// The environment vault secrets are gathered with (by play and by vault): the vault library reads
    /// `ANSIBLE_VAULT_*` variables, so a value from the config file is handed over as one (a real
    /// variable of the same name came first and is kept).
    public func vaultEnvironment(_ environment: [String: String]) -> [String: String] {
        var result = environment
        let handover = [("DEFAULT_VAULT_PASSWORD_FILE", "ANSIBLE_VAULT_PASSWORD_FILE"),
                        ("DEFAULT_VAULT_IDENTITY_LIST", "ANSIBLE_VAULT_IDENTITY_LIST"),
                        ("DEFAULT_VAULT_ID_MATCH", "ANSIBLE_VAULT_ID_MATCH"),
                        ("DEFAULT_VAULT_ENCRYPT_IDENTITY", "ANSIBLE_VAULT_ENCRYPT_IDENTITY")]
        for (name, variable) in handover {
            guard case .file = self[name].origin else { continue }
            switch self[name].value {
            case .list(let items): result[variable] = items.compactMap(\.stringValue).joined(separator: ",")
            case .bool(let b): result[variable] = b ? "true" : "false"
            case .string(let s): result[variable] = s
            default: break
            }
        }
        return result
    }

    /// The inventory when no `-i` is given: the configured one, or Ansible's default
    /// /etc/ansible/hosts where it exists.
    public var inventorySources: [String] {
        let configured = strings("DEFAULT_HOST_LIST")
        return isSet("DEFAULT_HOST_LIST") ? configured : configured.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Settings given in the file or the environment that `play` has no use for, each named once
    /// as it was given (`[defaults] log_path`, `ANSIBLE_STRATEGY`), with the file's keys that no
    /// setting knows.
    public var unusedSettings: [String] {
        var names: [String] = []
        var used: Set<String> = []
        for setting in ConfigSetting.table where setting.use != nil {
            for key in setting.ini { used.insert(key.display) }
        }
        for setting in ConfigSetting.table where setting.use == nil {
            if case .environment(let name) = self[setting.name].origin, !names.contains(name) { names.append(name) }
        }
        for entry in ini?.entries ?? [] {
            let display = "[\(entry.section)] \(entry.key)"
            if !used.contains(display) && !names.contains(display) { names.append(display) }
        }
        return names
    }
}
