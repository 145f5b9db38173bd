/// `play config dump` and `play config view`, printed as `ansible-config` 2.19 prints them.
extension Configuration {
    /// `NAME(ORIGIN) = VALUE` for the base settings `play` knows, sorted by name, after
    /// `CONFIG_FILE()`; with `onlyChanged`, the ones not at their default. Values print as
    /// Python prints them (`True`, `None`, `['a', 'b']`). Ansible ends the listing with the
    /// (here always empty) Galaxy servers.
    public func dump(onlyChanged: Bool) -> String {
        var text = "CONFIG_FILE() = \(file ?? "None")\n"
        for setting in ConfigSetting.table.filter({ $0.plugin == nil }).sorted(by: { $0.name < $1.name }) {
            let resolved = self[setting.name]
            if onlyChanged && resolved.origin == .defaultValue { continue }
            text += "\(setting.name)(\(resolved.origin.label)) = \(Self.pythonText(resolved.value))\n"
        }
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
