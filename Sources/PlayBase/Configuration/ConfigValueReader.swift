import Foundation

/// Reads one setting's value as Ansible types it, from the environment, the config file or the
/// default (the last of a setting's ini keys and variables that is present wins, as in Ansible).
struct ConfigValueReader {
    let home: String
    let currentDirectory: String
    let environment: [String: String]

    func resolve(_ setting: ConfigSetting, ini: ConfigINI?, ansibleHome: String?) throws(Diagnostic) -> Configuration.Resolved {
        var resolved = Configuration.Resolved(value: defaultValue(setting, ansibleHome: ansibleHome), origin: .defaultValue)
        if let ini {
            for key in setting.ini {
                guard let entry = ini.value(section: key.section, key: key.key) else { continue }
                let base = (ini.path as NSString).deletingLastPathComponent
                resolved = .init(value: try typed(entry.value, setting, base: base, fromFile: true, at: entry.location),
                                 origin: .file(ini.path))
            }
        }
        for name in setting.environment {
            guard let text = environment[name] else { continue }
            resolved = .init(value: try typed(text, setting, base: currentDirectory, fromFile: false,
                                              at: .synthetic("environment variable \(name)")),
                             origin: .environment(name))
        }
        return resolved
    }

    func defaultValue(_ setting: ConfigSetting, ansibleHome: String?) -> Value {
        guard case .string(let text) = setting.defaultValue else { return setting.defaultValue }
        let expanded = text.replacingOccurrences(of: "{ANSIBLE_HOME}", with: ansibleHome ?? home + "/.ansible")
        switch setting.kind {
        case .path, .pathList, .pathSpec:
            return (try? typed(expanded, setting, base: currentDirectory, fromFile: false, at: nil)) ?? .string(expanded)
        default:
            return .string(expanded)
        }
    }

    func typed(_ text: String, _ setting: ConfigSetting, base: String, fromFile: Bool,
               at location: SourceLocation?) throws(Diagnostic) -> Value {
        func path(_ item: String) -> Value {
            .string(ConfigPath.resolve(item.trimmingCharacters(in: .whitespacesAndNewlines), base: base, home: home, environment: environment))
        }
        switch setting.kind {
        case .string:
            return .string(fromFile ? Self.unquoted(text) : text)
        case .integer:
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw .error(at: location, "Invalid type for configuration option \(setting.name): '\(text)' is not an integer")
            }
            return .int(number)
        case .boolean:
            return .bool(Self.boolean(text))
        case .list:
            return .list(text.split(separator: ",", omittingEmptySubsequences: false)
                .map { .string(Self.unquoted($0.trimmingCharacters(in: .whitespacesAndNewlines))) })
        case .path:
            return path(Self.unquoted(text))
        case .pathList:
            return .list(text.split(separator: ",", omittingEmptySubsequences: false).map { path(String($0)) })
        case .pathSpec:
            return .list(text.split(separator: ":", omittingEmptySubsequences: false).map { path(String($0)) })
        }
    }

    /// Ansible's non-strict boolean: its true spellings, anything else false.
    static func boolean(_ text: String) -> Bool {
        ["y", "yes", "on", "1", "true", "t", "1.0"].contains(text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// `"text"` or `'text'` → `text`, as Ansible unquotes ini values.
    static func unquoted(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first else { return text }
        return String(text.dropFirst().dropLast())
    }
}
