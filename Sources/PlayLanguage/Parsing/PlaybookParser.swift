import Foundation
import OrderedCollections
import PlayBase

/// Reads playbooks and tasks files into the model, checking every keyword, module and argument
/// before anything runs. All problems of a run are collected and thrown together as a
/// `DiagnosticList` (each with file:line:col and, where one is close, a "did you mean").
public struct PlaybookParser: Sendable {
    public let catalog: any ModuleCatalog
    public let loader: YAMLLoader
    /// Renders templated import names with the parse-time variables; without it they are errors.
    public var importTemplating: (any ImportNameTemplating)?
    /// `-e` values, the highest-precedence variables an import name can use.
    public var extraVars: OrderedDictionary<String, Value> = [:]

    public init(catalog: any ModuleCatalog, loader: YAMLLoader = YAMLLoader(),
                importTemplating: (any ImportNameTemplating)? = nil, extraVars: OrderedDictionary<String, Value> = [:]) {
        self.catalog = catalog
        self.loader = loader
        self.importTemplating = importTemplating
        self.extraVars = extraVars
    }

    func session(playbookDirectory: String) -> ParseSession {
        ParseSession(catalog: catalog, loader: loader, playbookDirectory: playbookDirectory,
                     importTemplating: importTemplating, extraVars: extraVars)
    }

    /// Parses a playbook, expanding `import_playbook` and `import_tasks` in place.
    public func parse(path: String) throws(DiagnosticList) -> Playbook {
        let session = session(playbookDirectory: ParseSession.directory(of: path))
        let plays = session.playbookFile(path, from: nil, importWhen: [], importVars: [:], importTags: [])
        if session.hasErrors { throw DiagnosticList(session.diagnostics) }
        return Playbook(path: path, plays: plays, warnings: session.diagnostics.filter { $0.severity != .error })
    }

    /// Parses a tasks file (for `include_tasks` at run time). Relative `import_tasks` inside it
    /// resolve against its own directory, then `playbookDirectory`.
    public func parseTasksFile(path: String, from reference: SourceLocation?, playbookDirectory: String,
                               handlers: Bool = false) throws(DiagnosticList) -> [BlockItem] {
        let session = session(playbookDirectory: playbookDirectory)
        let items = session.tasksFile(path, from: reference ?? .synthetic(path), context: .init(inHandlers: handlers))
        if session.hasErrors { throw DiagnosticList(session.diagnostics) }
        return items
    }
}

extension ParseSession {
    /// The plays of one playbook file, with imports expanded and an import's when/vars/tags applied.
    func playbookFile(_ path: String, from reference: SourceLocation?, importWhen: [Condition],
                      importVars: OrderedDictionary<String, Value>, importTags: [String]) -> [Play] {
        if importStack.contains(path) {
            error(reference ?? .synthetic(path), "'\(path)' imports itself through import_playbook")
            return []
        }
        let nodes: [YAMLNode]
        do { nodes = try documents(path, from: reference) } catch {
            record(error, at: reference ?? .synthetic(path))
            return []
        }
        importStack.append(path)
        defer { importStack.removeLast() }
        let file = SourceFile(path: path)
        guard let root = nodes.first else {
            error(reference ?? SourceLocation(file: path, line: 1, column: 1), "'\(path)' is empty: a playbook is a list of plays")
            return []
        }
        guard case .sequence(let entries) = root.content else {
            error(location(root, file), "a playbook must be a list of plays, not a \(kindName(root))",
                  notes: ["start each play with '- hosts: ...'"])
            return []
        }
        var plays: [Play] = []
        for entry in entries {
            guard case .mapping(let m) = entry.content else {
                error(location(entry, file), "each play must be a mapping (hosts:, tasks: ...), not a \(kindName(entry))")
                continue
            }
            let fields = self.entries(m, file)
            if let importField = fields.first(where: { KeywordTable.shortName($0.key) == "import_playbook" }) {
                plays += importPlaybook(importField, fields, file, importWhen: importWhen)
            } else if var play = play(entry, fields, file) {
                play.when = importWhen + play.when
                plays.append(play)
            }
        }
        for i in plays.indices {
            for (k, v) in importVars { plays[i].vars[k] = v }
            for t in importTags where !plays[i].tags.contains(t) { plays[i].tags.append(t) }
        }
        return plays
    }

    func importPlaybook(_ importField: (key: String, keyNode: YAMLNode, value: YAMLNode),
                        _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                        importWhen: [Condition]) -> [Play] {
        var when: [Condition] = []
        var vars = OrderedDictionary<String, Value>()
        var tags: [String] = []
        for (key, keyNode, valueNode) in fields where key != importField.key {
            switch key {
            case "name": _ = scalarText(valueNode, file, what: "'name'")
            case "when": when = conditions(valueNode, file, keyword: key)
            case "vars": vars = varsDict(valueNode, file)
            case "tags": tags = nameList(valueNode, file, keyword: key, splitCommas: true)
            default:
                if KeywordTable.shortName(key) == "import_playbook" {
                    error(location(keyNode, file), "only one import_playbook per entry", length: key.count)
                } else {
                    unknownKeyword(key, keyNode, file, in: "import_playbook", valid: KeywordTable.importPlaybook)
                }
            }
        }
        let loc = location(importField.value, file)
        guard let written = scalarText(importField.value, file, what: "'import_playbook'"), !written.isEmpty else {
            error(loc, "import_playbook needs a file name")
            return []
        }
        guard let name = importName(written, keyword: "import_playbook", vars: vars, at: loc) else { return [] }
        let path = name.hasPrefix("/") ? name : ParseSession.join(file.directory, name)
        return playbookFile(path, from: loc, importWhen: importWhen + when, importVars: vars, importTags: tags)
    }

    func play(_ node: YAMLNode, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile) -> Play? {
        let loc = location(node, file)
        var play = Play(hosts: "", directory: file.directory, location: loc)
        var hasHosts = false
        var sections: [String: YAMLNode] = [:]
        for (key, keyNode, valueNode) in fields {
            switch key {
            case "name":
                play.name = scalarText(valueNode, file, what: "'name'")
                if play.name == "" { play.name = nil }
            case "hosts":
                hasHosts = true
                switch valueNode.content {
                case .sequence:
                    let list = nameList(valueNode, file, keyword: key, splitCommas: false)
                    play.hostPatterns = list
                    play.hosts = list.joined(separator: ",")
                default:
                    let text = scalarText(valueNode, file, what: "'hosts'") ?? ""
                    play.hostPatterns = text.isEmpty ? [] : [text]
                    play.hosts = text
                }
            case "vars": play.vars = varsDict(valueNode, file)
            case "vars_files":
                guard let v = value(valueNode, file) else { break }
                switch v {
                case .null: break
                case .string: play.varsFiles = [v]
                case .list(let l):
                    for item in l {
                        switch item {
                        case .string: play.varsFiles.append(item)
                        case .list(let alternatives) where alternatives.allSatisfy({ $0.stringValue != nil }):
                            play.varsFiles.append(item)
                        default:
                            error(location(valueNode, file), "each entry of 'vars_files' must be a path or a list of paths, not \(ParseSession.describe(item))")
                        }
                    }
                default: error(location(valueNode, file), "'vars_files' must be a list of paths, not \(ParseSession.describe(v))")
                }
            case "vars_prompt": play.varsPrompt = varsPrompts(valueNode, file)
            case "module_defaults": play.moduleDefaults = moduleDefaults(valueNode, file)
            case "pre_tasks", "tasks", "post_tasks", "handlers": sections[key] = valueNode
            case "roles": sections[key] = valueNode
            case "serial":
                guard let v = value(valueNode, file) else { break }
                let items: [Value] = v.listValue ?? (v.isNull ? [] : [v])
                for item in items {
                    switch item {
                    case .int: play.serial.append(item)
                    case .string(let s) where s.includes("{{") || Self.isSerialText(s): play.serial.append(item)
                    default:
                        error(location(valueNode, file), "'serial' must be a number, a percentage such as \"30%\", or a list of them, not \(ParseSession.describe(item))")
                    }
                }
            case "max_fail_percentage":
                guard let v = value(valueNode, file) else { break }
                switch v {
                case .int(let i): play.maxFailPercentage = Double(i)
                case .double(let d): play.maxFailPercentage = d
                case .string(let s) where Double(s.trimmingSpaces.replacingOccurrences(of: "%", with: "")) != nil:
                    play.maxFailPercentage = Double(s.trimmingSpaces.replacingOccurrences(of: "%", with: ""))
                case .null: break
                default: error(location(valueNode, file), "'max_fail_percentage' must be a number, not \(ParseSession.describe(v))")
                }
            case "any_errors_fatal": play.anyErrorsFatal = strictBool(valueNode, file, keyword: key)
            case "gather_facts":
                if case .string(let text)? = value(valueNode, file), text.contains("{{") {
                    play.gatherFacts = .string(text)
                } else {
                    play.gatherFacts = strictBool(valueNode, file, keyword: key).map(Value.bool)
                }
            case "gather_subset": play.gatherSubset = value(valueNode, file)
            case "gather_timeout": play.gatherTimeout = value(valueNode, file)
            case "collections": break
            case "fact_path": warnNotHonoured(key, valueNode, file)
            case "connection": play.connection = stringish(valueNode, file, keyword: key)?.renderedString
            case "environment": play.environment = environment(valueNode, file)
            case "tags": play.tags = nameList(valueNode, file, keyword: key, splitCommas: true)
            case "strategy":
                play.strategy = stringish(valueNode, file, keyword: key)?.renderedString
                warnNotHonoured(key, valueNode, file)
            case "become": play.become = strictBool(valueNode, file, keyword: key)
            case "become_user": play.becomeUser = stringish(valueNode, file, keyword: key)?.renderedString
            case "become_method": play.becomeMethod = stringish(valueNode, file, keyword: key)?.renderedString
            case "become_flags": warnNotHonoured(key, valueNode, file)
            case "check_mode": play.checkMode = strictBool(valueNode, file, keyword: key)
            case "diff": play.diff = strictBool(valueNode, file, keyword: key)
            case "no_log": play.noLog = strictBool(valueNode, file, keyword: key)
            case "ignore_errors": play.ignoreErrors = strictBool(valueNode, file, keyword: key)
            case "ignore_unreachable": play.ignoreUnreachable = strictBool(valueNode, file, keyword: key)
            case "run_once": play.runOnce = strictBool(valueNode, file, keyword: key)
            case "force_handlers": play.forceHandlers = strictBool(valueNode, file, keyword: key)
            case "remote_user", "user":
                // `user` is the old spelling of `remote_user`, still accepted by Ansible 2.19 on plays.
                if key == "user", fields.contains(where: { $0.key == "remote_user" }) {
                    error(location(keyNode, file), "both 'user' and 'remote_user' are set for this play",
                          notes: ["'user' is the old name of 'remote_user': keep only 'remote_user'"], length: key.count)
                }
                play.remoteUser = stringish(valueNode, file, keyword: key)?.renderedString
            case "port": play.port = intish(valueNode, file, keyword: key)?.intValue
            case "throttle":
                play.throttle = intish(valueNode, file, keyword: key)?.intValue
                warnNotHonoured(key, valueNode, file)
            case "timeout":
                play.timeout = intish(valueNode, file, keyword: key)?.intValue
                warnNotHonoured(key, valueNode, file)
            case "order":
                if let o = stringish(valueNode, file, keyword: key)?.renderedString {
                    let orders = ["inventory", "sorted", "reverse_sorted", "reverse_inventory", "shuffle"]
                    if orders.contains(o) { play.order = o } else {
                        error(location(valueNode, file), "'order' must be one of: \(orders.joined(separator: ", "))",
                              notes: Suggestions.didYouMean(o, in: orders))
                    }
                }
            default:
                if KeywordTable.task.contains(key) || catalog.spec(named: KeywordTable.shortName(key)) != nil {
                    error(location(keyNode, file), "'\(key)' is not a valid keyword for a play",
                          notes: ["tasks go in the play's 'tasks:' list"], length: key.count)
                } else {
                    unknownKeyword(key, keyNode, file, in: "a play", valid: KeywordTable.play)
                }
            }
        }
        if !hasHosts || play.hosts.isEmpty {
            error(loc, "the field 'hosts' is required but was not set",
                  notes: ["every play names the hosts it runs on, e.g. 'hosts: localhost'"])
        }
        rolesExpanded = []
        roleHandlers = []
        roleHandlersLoaded = []
        staticScopes.append(play.vars)
        defer { staticScopes.removeLast() }
        play.preTasks = taskList(sections["pre_tasks"], file, section: "pre_tasks", context: .init(inHandlers: false))
        // Ansible runs the roles before `tasks:`, in the same section (no handler flush between).
        play.roles = sections["roles"].map { rolesSection($0, file) } ?? []
        play.tasks = taskList(sections["tasks"], file, section: "tasks", context: .init(inHandlers: false))
        play.postTasks = taskList(sections["post_tasks"], file, section: "post_tasks", context: .init(inHandlers: false))
        play.handlers = taskList(sections["handlers"], file, section: "handlers", context: .init(inHandlers: true))
        play.handlers = roleHandlers + play.handlers  // as Ansible: role handlers come first
        return play
    }

    static func isSerialText(_ s: String) -> Bool {
        let t = s.trimmingSpaces
        if Int(t) != nil { return true }
        guard t.hasSuffix("%") else { return false }
        return Double(String(t.dropLast()).trimmingSpaces) != nil
    }
}
