import Foundation
import OrderedCollections
import PlayBase

/// The mutable state of one parse: the diagnostics found so far, the files being imported (to
/// catch cycles) and the tasks files already read. Internal: callers use PlaybookParser.
final class ParseSession {
    let catalog: any ModuleCatalog
    let loader: YAMLLoader
    /// The directory of the top playbook (the second place relative imports are looked for).
    let playbookDirectory: String
    private(set) var diagnostics: [Diagnostic] = []
    var importStack: [String] = []
    /// Some `module_defaults` was seen: required arguments may come from it, so their absence is
    /// left to the check at run time (after the defaults are merged).
    var moduleDefaultsInUse = false
    var tasksFileCache: [String: [BlockItem]] = [:]
    /// Roles being expanded (to catch dependency cycles).
    var roleStack: [String] = []
    /// Role path, tasks file and params of each role expanded in the current play (run once each).
    var rolesExpanded: Set<String> = []
    /// Handlers of the roles of the current play, and which (role, handlers file) were read.
    var roleHandlers: [BlockItem] = []
    var roleHandlersLoaded: Set<String> = []

    /// Renders templated import names at parse time (nil: such names are an error).
    var importTemplating: (any ImportNameTemplating)?
    var extraVars: OrderedDictionary<String, Value> = [:]
    /// The play's `vars:` and enclosing imports' `vars:`, outermost first, for import names.
    var staticScopes: [OrderedDictionary<String, Value>] = []

    init(catalog: any ModuleCatalog, loader: YAMLLoader, playbookDirectory: String,
         importTemplating: (any ImportNameTemplating)? = nil, extraVars: OrderedDictionary<String, Value> = [:]) {
        self.catalog = catalog
        self.loader = loader
        self.playbookDirectory = playbookDirectory
        self.importTemplating = importTemplating
        self.extraVars = extraVars
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func report(_ d: Diagnostic) { diagnostics.append(d) }

    func error(_ location: SourceLocation, _ message: String, notes: [String] = [], length: Int = 1) {
        diagnostics.append(.error(at: location, message, notes: notes, length: length))
    }

    /// Records an error thrown by the loader (a Diagnostic, a DiagnosticList, or anything else).
    func record(_ error: any Error, at location: SourceLocation) {
        if let d = error as? Diagnostic {
            diagnostics.append(d)
        } else if let list = error as? DiagnosticList {
            diagnostics.append(contentsOf: list.diagnostics)
        } else {
            self.error(location, "\(error)")
        }
    }

    // MARK: Nodes

    func location(_ node: YAMLNode, _ file: SourceFile) -> SourceLocation {
        SourceLocation(file: file.path, line: node.line, column: node.column)
    }

    /// The node as a Value (nil after reporting, e.g. a vault value that cannot be decrypted).
    func value(_ node: YAMLNode, _ file: SourceFile) -> Value? {
        do { return try node.value(file: file.path, secrets: loader.secrets) } catch {
            record(error, at: location(node, file))
            return nil
        }
    }

    /// Scalars as their text (numbers and booleans too, as written); nil (reported) otherwise.
    func scalarText(_ node: YAMLNode, _ file: SourceFile, what: String) -> String? {
        switch node.content {
        case .scalar(let s, let style):
            if node.tag == "!vault" || node.tag == "!vault-encrypted" {
                return value(node, file)?.renderedString
            }
            if style == .plain && node.tag == nil && (s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL") {
                return nil
            }
            return s
        default:
            error(location(node, file), "\(what) must be a string, not a \(kindName(node))")
            return nil
        }
    }

    func kindName(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar: return "scalar"
        case .mapping: return "mapping"
        case .sequence: return "list"
        }
    }

    /// A mapping's keys as strings with their nodes; non-string keys are reported. A repeated key
    /// keeps its first position and its last value, with a warning (as Ansible's YAML loader).
    func entries(_ mapping: [YAMLPair], _ file: SourceFile) -> [(key: String, keyNode: YAMLNode, value: YAMLNode)] {
        var out: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        out.reserveCapacity(mapping.count)
        for pair in mapping {
            let k = pair.key, v = pair.value
            if case .scalar(let s, _) = k.content {
                if let i = out.firstIndex(where: { $0.key == s }) {
                    diagnostics.append(Diagnostic(.warning, at: location(k, file),
                        "duplicate key '\(s)': only this last value is used", length: s.count))
                    out[i].value = v
                } else {
                    out.append((s, k, v))
                }
            } else {
                error(location(k, file), "keys must be strings, not a \(kindName(k))")
            }
        }
        return out
    }

    // MARK: Typed keyword values

    /// A boolean keyword: a YAML bool, one of Ansible's boolean words, or a template (kept raw).
    func boolish(_ node: YAMLNode, _ file: SourceFile, keyword: String) -> Value? {
        guard let v = value(node, file) else { return nil }
        switch v {
        case .null: return nil
        case .bool: return v
        case .string(let s) where s.includes("{{"): return v
        default:
            if let b = Self.ansibleBoolean(v) { return .bool(b) }
            error(location(node, file), "'\(keyword)' must be a boolean, not \(Self.describe(v))",
                  notes: ["use true or false (or a template such as \"{{ flag }}\")"])
            return nil
        }
    }

    /// A play-level boolean (templates are not rendered at play level).
    func strictBool(_ node: YAMLNode, _ file: SourceFile, keyword: String) -> Bool? {
        guard let v = boolish(node, file, keyword: keyword) else { return nil }
        if case .bool(let b) = v { return b }
        error(location(node, file), "'\(keyword)' on a play must be a literal boolean; templates are not supported here")
        return nil
    }

    /// A string-valued keyword (numbers are accepted as their text).
    func stringish(_ node: YAMLNode, _ file: SourceFile, keyword: String) -> Value? {
        guard let v = value(node, file) else { return nil }
        switch v {
        case .null: return nil
        case .string: return v
        case .int, .double, .bool: return .string(scalarText(node, file, what: "'\(keyword)'") ?? v.renderedString)
        default:
            error(location(node, file), "'\(keyword)' must be a string, not \(Self.describe(v))")
            return nil
        }
    }

    /// An integer-valued keyword (or a template).
    func intish(_ node: YAMLNode, _ file: SourceFile, keyword: String) -> Value? {
        guard let v = value(node, file) else { return nil }
        switch v {
        case .null: return nil
        case .int: return v
        case .string(let s) where s.includes("{{"): return v
        case .string(let s) where Int(s.trimmingSpaces) != nil: return .int(Int(s.trimmingSpaces)!)
        default:
            error(location(node, file), "'\(keyword)' must be an integer, not \(Self.describe(v))")
            return nil
        }
    }

    /// A number-valued keyword such as `delay` (or a template).
    func numberish(_ node: YAMLNode, _ file: SourceFile, keyword: String) -> Value? {
        guard let v = value(node, file) else { return nil }
        switch v {
        case .null: return nil
        case .int, .double: return v
        case .string(let s) where s.includes("{{"): return v
        case .string(let s) where Double(s.trimmingSpaces) != nil:
            if let i = Int(s.trimmingSpaces) { return .int(i) }
            return .double(Double(s.trimmingSpaces)!)
        default:
            error(location(node, file), "'\(keyword)' must be a number, not \(Self.describe(v))")
            return nil
        }
    }

    /// `tags`-like lists: a list of scalars, or one string of comma-separated names.
    func nameList(_ node: YAMLNode, _ file: SourceFile, keyword: String, splitCommas: Bool) -> [String] {
        switch node.content {
        case .scalar:
            guard let text = scalarText(node, file, what: "'\(keyword)'") else { return [] }
            if splitCommas { return text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces } }
            return [text]
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                if item.isScalar {
                    if let t = scalarText(item, file, what: "an entry of '\(keyword)'") { out.append(t) }
                } else {
                    error(location(item, file), "each entry of '\(keyword)' must be a string, not a \(kindName(item))")
                }
            }
            return out
        default:
            error(location(node, file), "'\(keyword)' must be a list of names or a string, not a mapping")
            return []
        }
    }

    /// `when`-like keywords: a string, a bool, or a list of them.
    func conditions(_ node: YAMLNode, _ file: SourceFile, keyword: String) -> [Condition] {
        switch node.content {
        case .sequence(let seq):
            return seq.flatMap { conditions($0, file, keyword: keyword) }
        case .scalar:
            guard let v = value(node, file) else { return [] }
            let loc = location(node, file)
            switch v {
            case .null: return []
            case .bool(let b): return [Condition(expression: b ? "True" : "False", location: loc)]
            case .int, .double: return [Condition(expression: v.renderedString, location: loc)]
            case .string(let s): return [Condition(expression: Self.bareExpression(s), location: loc)]
            default: return []
            }
        default:
            error(location(node, file), "'\(keyword)' must be a condition (a string or a list of strings), not a mapping")
            return []
        }
    }

    /// `"{{ x }}"` written as a condition means `x`.
    static func bareExpression(_ s: String) -> String {
        let t = s.trimmingSpaces
        guard t.hasPrefix("{{"), t.hasSuffix("}}"), t.occurrences(of: "{{") == 1, t.occurrences(of: "}}") == 1 else { return t }
        return String(t.dropFirst(2).dropLast(2)).trimmingSpaces
    }

    /// A `vars:` mapping (a list of mappings is merged, as Ansible allows).
    func varsDict(_ node: YAMLNode, _ file: SourceFile, keyword: String = "vars") -> OrderedDictionary<String, Value> {
        guard let v = value(node, file) else { return [:] }
        switch v {
        case .null: return [:]
        case .dict(let d): return d
        case .list(let l) where l.allSatisfy({ $0.dictValue != nil }):
            var merged = OrderedDictionary<String, Value>()
            for item in l { for (k, x) in item.dictValue! { merged[k] = x } }
            return merged
        default:
            error(location(node, file), "'\(keyword)' must be a mapping of variable names to values, not \(Self.describe(v))")
            return [:]
        }
    }

    /// Applies one inheritable keyword; false when `key` is not one.
    func applyInheritable(_ key: String, _ node: YAMLNode, _ file: SourceFile, to k: inout Keywords) -> Bool {
        switch key {
        case "become": k.become = boolish(node, file, keyword: key)
        case "become_user": k.becomeUser = stringish(node, file, keyword: key)
        case "become_method": k.becomeMethod = stringish(node, file, keyword: key)
        case "become_flags":
            k.becomeFlags = stringish(node, file, keyword: key)
            warnNotHonoured(key, node, file)
        case "ignore_errors": k.ignoreErrors = boolish(node, file, keyword: key)
        case "ignore_unreachable": k.ignoreUnreachable = boolish(node, file, keyword: key)
        case "no_log": k.noLog = boolish(node, file, keyword: key)
        case "run_once": k.runOnce = boolish(node, file, keyword: key)
        case "check_mode": k.checkMode = boolish(node, file, keyword: key)
        case "diff": k.diff = boolish(node, file, keyword: key)
        case "any_errors_fatal": k.anyErrorsFatal = boolish(node, file, keyword: key)
        case "delegate_to": k.delegateTo = stringish(node, file, keyword: key)
        case "delegate_facts": k.delegateFacts = boolish(node, file, keyword: key)
        case "connection": k.connection = stringish(node, file, keyword: key)
        case "remote_user": k.remoteUser = stringish(node, file, keyword: key)
        case "port": k.port = intish(node, file, keyword: key)
        case "throttle", "timeout":
            if key == "throttle" { k.throttle = intish(node, file, keyword: key) } else { k.timeout = intish(node, file, keyword: key) }
            warnNotHonoured(key, node, file)
        case "environment": k.environment = environment(node, file)
        case "module_defaults": k.moduleDefaults = moduleDefaults(node, file)
        default: return false
        }
        return true
    }

    func environment(_ node: YAMLNode, _ file: SourceFile) -> Value? {
        guard let v = value(node, file) else { return nil }
        switch v {
        case .null: return nil
        case .dict: return v
        case .string(let s) where s.includes("{{"): return v
        case .list(let l) where l.allSatisfy({ $0.dictValue != nil || ($0.stringValue?.includes("{{") ?? false) }):
            return v
        default:
            error(location(node, file), "'environment' must be a mapping of variable names to values, not \(Self.describe(v))")
            return nil
        }
    }

    /// Reports a key that is not valid here, with the closest valid one.
    func unknownKeyword(_ key: String, _ keyNode: YAMLNode, _ file: SourceFile, in what: String, valid: some Sequence<String>) {
        if let reason = KeywordTable.unsupported[key] {
            error(location(keyNode, file), "'\(key)' is not supported by play: \(reason)", length: key.count)
            return
        }
        error(location(keyNode, file), "'\(key)' is not a valid keyword for \(what)",
              notes: Suggestions.didYouMean(key, in: valid), length: key.count)
    }

    static func describe(_ v: Value) -> String {
        switch v {
        case .string(let s): return "the string \(Value.string(s).pythonRepr)"
        case .list: return "a list"
        case .dict: return "a mapping"
        case .null: return "null"
        default: return "\(v.typeName) \(v.pythonRepr)"
        }
    }

    /// Ansible's `boolean()`: YAML booleans, and the usual words and numbers.
    static func ansibleBoolean(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        case .double(let d) where d == 0 || d == 1: return d == 1
        case .string(let s):
            switch s.lowercased().trimmingSpaces {
            case "y", "yes", "on", "1", "true", "t": return true
            case "n", "no", "off", "0", "false", "f": return false
            default: return nil
            }
        default: return nil
        }
    }

    // MARK: Files

    /// The YAML documents of a file (decrypted first when the whole file is a vault).
    func documents(_ path: String, from reference: SourceLocation?) throws -> [YAMLNode] {
        try YAMLTreeBuilder.documents(try loader.readText(path: path, from: reference), file: path)
    }

    /// Resolves a file named by an import relative to the importing file's directory, then the
    /// playbook's directory.
    /// A path that already points at an existing file from the working directory (one resolved
    /// before) is kept when neither directory has it.
    func resolve(_ name: String, from directory: String) -> String {
        if name.hasPrefix("/") { return name }
        let candidates = [Self.join(directory, name), Self.join(playbookDirectory, name), name]
        for c in candidates where FileManager.default.fileExists(atPath: c) { return c }
        return candidates[0]
    }

    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}
