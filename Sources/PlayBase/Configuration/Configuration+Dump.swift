/// `play config dump` and `play config view`, printed as `ansible-config` 2.19 prints them.
extension Configuration {
    /// `NAME(ORIGIN) = VALUE` for the base settings `play` knows, sorted by name with
    /// `CONFIG_FILE()`; with `onlyChanged`, the ones not at their default. Values print as
    /// Python prints them (`True`, `None`, `['a', 'b']`). Ansible ends the listing with the
    /// (here always empty) Galaxy servers.
    public func dump(onlyChanged: Bool) -> String {
        var lines = [(name: "CONFIG_FILE", line: "CONFIG_FILE() = \(file ?? "None")")]
        for setting in ConfigSetting.table where setting.plugin == nil {
            let resolved = self[setting.name]
            if onlyChanged && resolved.origin == .defaultValue { continue }
            lines.append((setting.name, "\(setting.name)(\(resolved.origin.label)) = \(Self.pythonText(resolved.value))"))
        }
        let text = lines.sorted { $0.name < $1.name }.map { $0.line + "\n" }.joined()
        return text + "\nGALAXY_SERVERS:\n"
    }

    /// The config file's text, ending in a newline; nil when no config file is in use.
    public func view() -> String? {
        guard let fileText else { return nil }
        return fileText.hasSuffix("\n") ? fileText : fileText + "\n"
    }

    /// Python's `str()` of a setting's value.
    static func pythonText(_ value: Value) -> String {
        switch value {
        case .null: "None"
        case .bool(let b): b ? "True" : "False"
        case .string(let s): s
        default: value.pythonRepr
        }
    }
}
