import OrderedCollections
import PlayBase
import PlayInventory
import PlayTemplating

/// Ansible's "constructed" features, shared by inventory plugins: `compose` (variables from
/// expressions), `groups` (a group per condition) and `keyed_groups` (groups named after a value),
/// with `strict` deciding whether a failing expression is an error or skips the entry.
struct Constructed: Sendable {
    var compose: OrderedDictionary<String, Value> = [:]
    var groups: OrderedDictionary<String, Value> = [:]
    var keyedGroups: [Value] = []
    var strict = false
    var leadingSeparator = true
    /// Turns a raw name into a group name (Ansible's `_sanitize_group_name`).
    var sanitize: @Sendable (String) -> String = Constructed.safeGroupName
    let templar = Templar()
    /// Where `compose`, `groups` and `keyed_groups` sit in the plugin file, for errors.
    var composeLocation: SourceLocation?
    var groupsLocation: SourceLocation?
    var keyedGroupsLocation: SourceLocation?

    /// Reads the options from a plugin source (shapes are checked by the caller's options).
    init(_ source: InventoryPluginSource) {
        let configuration = source.configuration
        composeLocation = source.location(of: "compose")
        groupsLocation = source.location(of: "groups")
        keyedGroupsLocation = source.location(of: "keyed_groups")
        compose = configuration["compose"]?.dictValue ?? [:]
        groups = configuration["groups"]?.dictValue ?? [:]
        keyedGroups = configuration["keyed_groups"]?.listValue ?? []
        strict = configuration["strict"]?.isTruthy ?? false
        if case .bool(let b)? = configuration["leading_separator"] { leadingSeparator = b }
    }

    /// Ansible's `to_safe_group_name(force=True)`: a leading digit or non-word character, and any
    /// later non-word character, become `_`.
    @Sendable static func safeGroupName(_ name: String) -> String {
        var out = ""
        for (i, scalar) in name.unicodeScalars.enumerated() {
            let word = scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar.properties.generalCategory == .nonspacingMark
            let digit = scalar.properties.numericType == .decimal
            out.unicodeScalars.append(word && !(i == 0 && digit) ? scalar : "_")
        }
        return out
    }

    /// Applies compose, groups and keyed_groups to one host, in Ansible's order. `variables` are
    /// the plugin's variables for the host; groups and keyed groups also see what compose set.
    func apply(host: String, variables: OrderedDictionary<String, Value>, to builder: inout InventoryBuilder) throws {
        for (name, expression) in compose {
            do {
                builder.setVariable(host: host, name, try evaluate(expression, variables))
            } catch {
                if strict { throw Diagnostic.error(at: composeLocation, "Could not set \(name) for host \(host): \(describe(error))") }
            }
        }
        try addToGroups(host: host, variables: variables, builder: &builder)
        try addToKeyedGroups(host: host, variables: variables, builder: &builder)
    }

    private func evaluate(_ expression: Value, _ variables: OrderedDictionary<String, Value>) throws -> Value {
        guard case .string(let text) = expression else { return expression }
        return try templar.evaluate(text, PluginVariables(values: variables))
    }

    private func merged(_ variables: OrderedDictionary<String, Value>, _ host: String,
                        _ builder: InventoryBuilder) -> OrderedDictionary<String, Value> {
        var all = variables
        for (k, v) in builder.hostVariables(host) { all[k] = v }
        return all
    }

    private func addToGroups(host: String, variables: OrderedDictionary<String, Value>, builder: inout InventoryBuilder) throws {
        guard !groups.isEmpty else { return }
        let vars = PluginVariables(values: merged(variables, host, builder))
        for (rawName, conditional) in groups {
            let name = sanitize(rawName)
            let result: Bool
            do {
                switch conditional {
                case .string(let text): result = try templar.condition(text, vars)
                case .bool(let b): result = b
                default: result = conditional.isTruthy
                }
            } catch {
                if strict { throw Diagnostic.error(at: groupsLocation, "Could not add host \(host) to group \(name): \(describe(error))") }
                continue
            }
            if result {
                builder.addGroup(name)
                try builder.addChild(name, host)
            }
        }
    }

    private func addToKeyedGroups(host: String, variables: OrderedDictionary<String, Value>, builder: inout InventoryBuilder) throws {
        for entry in keyedGroups {
            guard case .dict(let keyed) = entry, !keyed.isEmpty else {
                throw Diagnostic.error(at: keyedGroupsLocation, "Invalid keyed group entry, it must be a dictionary: \(entry.renderedString)")
            }
            let vars = merged(variables, host, builder)
            let key: Value
            do {
                key = try evaluate(keyed["key"] ?? .null, vars)
            } catch {
                if strict {
                    throw Diagnostic.error(at: keyedGroupsLocation, "Could not generate group for host \(host) from \(keyed["key"]?.renderedString ?? "None") entry: \(describe(error))")
                }
                continue
            }
            let defaultValue = keyed["default_value"].flatMap { $0.isNull ? nil : $0 }
            let trailing = keyed["trailing_separator"].flatMap { $0.isNull ? nil : $0 }
            if trailing != nil && defaultValue != nil {
                throw Diagnostic.error(at: keyedGroupsLocation, "parameters are mutually exclusive for keyed groups: default_value|trailing_separator")
            }
            let isDefaultable: (Value) -> Bool = { $0.isNull || $0 == .string("") }
            let useDefault = isDefaultable(key) && defaultValue != nil
            guard key.isTruthy || useDefault else {
                if strict && key != .list([]) && key != .dict([:]) {
                    throw Diagnostic.error(at: keyedGroupsLocation, "No key or key resulted empty for \(keyed["key"]?.renderedString ?? "None") in host \(host), invalid entry")
                }
                continue
            }
            let prefix = keyed["prefix"].map(Self.pythonString) ?? ""
            var separator = keyed["separator"].map(Self.pythonString) ?? "_"
            var parent: String?
            if let raw = keyed["parent_group"], !raw.isNull {
                do {
                    parent = try templar.render(raw, PluginVariables(values: vars)).renderedString
                } catch {
                    if strict { throw Diagnostic.error(at: keyedGroupsLocation, "Could not generate parent group \(raw.renderedString) for group \(key.renderedString): \(describe(error))") }
                    continue
                }
            }
            var names: [String] = []
            if useDefault, let defaultValue {
                names.append(Self.pythonString(defaultValue))
            } else {
                switch key {
                case .string(let s): names.append(s)
                case .list(let items):
                    for item in items {
                        names.append(isDefaultable(item) && defaultValue != nil ? Self.pythonString(defaultValue!) : Self.pythonString(item))
                    }
                case .dict(let d):
                    for (name, value) in d {
                        var bare = name + separator + Self.pythonString(value)
                        if isDefaultable(value) {
                            if let defaultValue { bare = name + separator + Self.pythonString(defaultValue) }
                            else if trailing == .bool(false) { bare = name }
                        }
                        names.append(bare)
                    }
                default:
                    throw Diagnostic.error(at: keyedGroupsLocation, "Invalid group name format, expected a string or a list of them or dictionary, got: <class '\(key.typeName)'>")
                }
            }
            for bare in names {
                if prefix.isEmpty && !leadingSeparator { separator = "" }
                let group = builder.addGroup(sanitize(prefix + separator + bare))
                builder.addHost(host, group: group)
                if let parent, !parent.isEmpty {
                    let parentName = builder.addGroup(sanitize(parent))
                    try builder.addChild(parentName, group)
                }
            }
        }
    }

    /// `'%s' % value`: Python's str() of a value.
    static func pythonString(_ value: Value) -> String { value.renderedString }

    private func describe(_ error: any Error) -> String {
        if let t = error as? TemplateError { return t.message }
        return "\(error)"
    }
}

/// Variables a plugin fetched: data, never templates to render again (as Ansible treats them).
struct PluginVariables: VariableLookup {
    let values: OrderedDictionary<String, Value>
    func lookup(_ name: String) -> Value? { values[name] }
    func isTemplated(_ name: String) -> Bool { false }
}
