import OrderedCollections
import PlayBase

/// Reading task lists: tasks in every form ansible accepts and blocks. Their keywords, module
/// arguments and includes are read in TaskKeywordParser, ModuleCallParser and IncludeParser.
extension ParseSession {
    /// Where a task list comes from: a play section, a block, or a handlers section.
    struct ListContext {
        var inHandlers: Bool
    }

    func taskList(_ node: YAMLNode?, _ file: SourceFile, section: String, context: ListContext) -> [BlockItem] {
        guard let node else { return [] }
        switch node.content {
        case .sequence(let seq):
            var items: [BlockItem] = []
            items.reserveCapacity(seq.count)
            for entry in seq {
                // An empty `-` entry is skipped, as Ansible does.
                if case .scalar = entry.content, let v = value(entry, file), v.isNull { continue }
                if let item = taskEntry(entry, file, context: context) { items.append(item) }
            }
            return items
        case .scalar:
            if let v = value(node, file), v.isNull { return [] }
            error(location(node, file), "'\(section)' must be a list of tasks, not a scalar")
            return []
        default:
            error(location(node, file), "'\(section)' must be a list of tasks, not a mapping",
                  notes: ["start each task with '- '"])
            return []
        }
    }

    func taskEntry(_ node: YAMLNode, _ file: SourceFile, context: ListContext) -> BlockItem? {
        guard case .mapping(let mapping) = node.content else {
            error(location(node, file), "a task must be a mapping (keyword: value), not a \(kindName(node))")
            return nil
        }
        let fields = entries(mapping, file)
        if fields.contains(where: { $0.key == "block" || $0.key == "rescue" || $0.key == "always" }) {
            return block(node, fields, file, context: context).map(BlockItem.block)
        }
        return task(node, fields, file, context: context)
    }

    // MARK: Blocks

    func block(_ node: YAMLNode, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
               context: ListContext) -> Block? {
        var b = Block(location: location(node, file))
        var hasBody = false
        // The body is parsed in the loop below; its checks must know of defaults written after it.
        if fields.contains(where: { $0.key == "module_defaults" }) { moduleDefaultsInUse = true }
        for (key, keyNode, valueNode) in fields {
            switch key {
            case "block": b.body = taskList(valueNode, file, section: "block", context: context); hasBody = true
            case "rescue": b.rescue = taskList(valueNode, file, section: "rescue", context: context)
            case "always": b.always = taskList(valueNode, file, section: "always", context: context)
            case "name": b.name = scalarText(valueNode, file, what: "'name'")
            case "when": b.when = conditions(valueNode, file, keyword: key)
            case "tags": b.tags = nameList(valueNode, file, keyword: key, splitCommas: true)
            case "vars": b.vars = varsDict(valueNode, file)
            case "notify": b.notify = nameList(valueNode, file, keyword: key, splitCommas: false)
            case "collections": break
            default:
                if KeywordTable.unsupported[key] == nil, applyInheritable(key, valueNode, file, to: &b.keywords) { continue }
                unknownKeyword(key, keyNode, file, in: "a block", valid: KeywordTable.block)
            }
        }
        if !hasBody {
            error(b.location, "a block needs a 'block:' list (rescue/always alone are not allowed)")
        }
        if context.inHandlers && (!b.rescue.isEmpty || !b.always.isEmpty) {
            error(b.location, "rescue/always in a handlers section are not supported; use plain tasks")
        }
        return b
    }

    // MARK: Tasks

    /// The module a task calls, found among its keys (or in action/local_action).
    struct ActionCall {
        var written: String
        var short: String
        var location: SourceLocation
        /// The module's value node (dict, free-form string or null).
        var valueNode: YAMLNode?
        /// The text after the module name in `action: mod k=v`.
        var inlineArguments: String?
        /// Extra keys of `action: {module: x, k: v}`.
        var actionDictArguments: OrderedDictionary<String, Value>
        var argumentBase: SourceLocation
        var isLocalAction: Bool
    }

    private static let specialActions: Set<String> = [
        "include_tasks", "import_tasks", "import_playbook", "meta", "include_role", "import_role",
    ]
    private static let roleActions: Set<String> = ["include"]

    func isKnownAction(_ short: String) -> Bool {
        Self.specialActions.contains(short) || catalog.spec(named: short) != nil
    }

    func task(_ node: YAMLNode, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
              context: ListContext) -> BlockItem? {
        let taskLocation = location(node, file)
        var call: ActionCall?
        var unknown: [(key: String, keyNode: YAMLNode)] = []
        var keywordFields: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        var calledUnsupported = false

        func setCall(_ c: ActionCall, keyNode: YAMLNode) {
            if let existing = call {
                error(c.location, "conflicting action statements: '\(existing.written)' and '\(c.written)'",
                      notes: ["a task calls exactly one module; split it into two tasks"], length: c.written.count)
            } else {
                call = c
            }
        }

        for field in fields {
            let key = field.key
            if key == "action" || key == "local_action" {
                if let c = oldStyleAction(field.value, file, isLocal: key == "local_action") { setCall(c, keyNode: field.keyNode) }
                continue
            }
            if Self.roleActions.contains(KeywordTable.shortName(key)) {
                unknownKeyword(KeywordTable.shortName(key), field.keyNode, file, in: "a task", valid: [])
                calledUnsupported = true
                continue
            }
            if KeywordTable.unsupported[key] != nil {
                unknownKeyword(key, field.keyNode, file, in: "a task", valid: [])
                continue
            }
            if KeywordTable.task.contains(key) || key.hasPrefix("with_") || key == "listen" {
                keywordFields.append(field)
                continue
            }
            let short = KeywordTable.shortName(key)
            if isKnownAction(short) {
                let c = ActionCall(written: key, short: short, location: location(field.keyNode, file), valueNode: field.value,
                                   inlineArguments: nil, actionDictArguments: [:],
                                   argumentBase: location(field.value, file), isLocalAction: false)
                setCall(c, keyNode: field.keyNode)
            } else {
                unknown.append((key, field.keyNode))
            }
        }

        // Unknown keys: a misspelt module when the task has none, else a misspelt keyword.
        for (i, u) in unknown.enumerated() {
            let loc = location(u.keyNode, file)
            if call == nil && i == 0 && !calledUnsupported {
                let keywordCandidates = KeywordTable.task.union(context.inHandlers ? KeywordTable.handlerOnly : [])
                let short = KeywordTable.shortName(u.key)
                let prefix = String(u.key.dropLast(short.count))
                let near = Suggestions.closest(to: short, in: catalog.moduleNames + Array(Self.specialActions)).map { prefix + $0 }
                    ?? Suggestions.closest(to: u.key, in: keywordCandidates)
                error(loc, "couldn't resolve module/action '\(u.key)': no module named '\(short)' and no task keyword of that name",
                      notes: near.map { ["did you mean '\($0)'?"] } ?? [], length: u.key.count)
            } else {
                let candidates = KeywordTable.task.union(context.inHandlers ? KeywordTable.handlerOnly : [])
                let near = Suggestions.closest(to: u.key, in: candidates)
                    ?? Suggestions.closest(to: u.key, in: catalog.moduleNames)
                error(loc, "'\(u.key)' is not a valid task keyword" + (call.map { " (the task already calls '\($0.written)')" } ?? ""),
                      notes: near.map { ["did you mean '\($0)'?"] } ?? [], length: u.key.count)
            }
        }
        guard let call else {
            if unknown.isEmpty && !calledUnsupported {
                error(taskLocation, "no module/action detected in task",
                      notes: ["a task calls one module, e.g. 'debug: msg=hello' or 'ansible.builtin.command: ls'"])
            }
            return nil
        }

        switch call.short {
        case "include_tasks":
            return includeTasks(call, keywordFields, file, taskLocation: taskLocation, context: context).map(BlockItem.include)
        case "import_tasks":
            return importTasks(call, keywordFields, file, taskLocation: taskLocation, context: context).map(BlockItem.block)
        case "import_role":
            return importRole(call, keywordFields, file, taskLocation: taskLocation, context: context).map(BlockItem.block)
        case "include_role":
            return includeRole(call, keywordFields, file, taskLocation: taskLocation, context: context).map(BlockItem.include)
        case "import_playbook":
            error(call.location, "import_playbook is only allowed at the top level of a playbook, not in a task list",
                  length: call.written.count)
            return nil
        default:
            return plainTask(call, keywordFields, file, taskLocation: taskLocation, context: context).map(BlockItem.task)
        }
    }

    /// `action: mod k=v` / `local_action: mod k=v` / `action: {module: mod, k: v}`.
    func oldStyleAction(_ node: YAMLNode, _ file: SourceFile, isLocal: Bool) -> ActionCall? {
        let loc = location(node, file)
        var written: String
        var inline: String?
        var dictArgs = OrderedDictionary<String, Value>()
        switch node.content {
        case .scalar:
            guard let text = scalarText(node, file, what: "'action'") else {
                error(loc, "'action' needs a module name, e.g. 'action: debug msg=hello'")
                return nil
            }
            let tokens: [String]
            do { tokens = try KeyValueArguments.split(text) } catch {
                self.error(loc, "could not split the arguments: \(error.message)")
                return nil
            }
            guard let first = tokens.first else {
                error(loc, "'action' needs a module name, e.g. 'action: debug msg=hello'")
                return nil
            }
            written = first.trimmingSpaces
            inline = tokens.count > 1 ? tokens.dropFirst().joined(separator: " ") : nil
        case .mapping:
            guard let v = value(node, file), var d = v.dictValue, let module = d["module"]?.stringValue else {
                error(loc, "an 'action' mapping needs a 'module' key")
                return nil
            }
            d.removeValue(forKey: "module")
            let tokens = (try? KeyValueArguments.split(module)) ?? [module]
            written = tokens.first?.trimmingSpaces ?? module
            inline = tokens.count > 1 ? tokens.dropFirst().joined(separator: " ") : nil
            dictArgs = d
        default:
            error(loc, "'action' must be a string such as 'debug msg=hello', not a list")
            return nil
        }
        // A templated name is looked up per host at run time (Ansible lists the task by the template).
        let short = written.contains("{{") ? written : KeywordTable.shortName(written)
        guard written.contains("{{") || isKnownAction(short) else {
            let prefix = String(written.dropLast(short.count))
            let near = Suggestions.closest(to: short, in: catalog.moduleNames + Array(Self.specialActions)).map { prefix + $0 }
            error(loc, "couldn't resolve module/action '\(written)'", notes: near.map { ["did you mean '\($0)'?"] } ?? [],
                  length: written.count)
            return nil
        }
        // The arguments start after the module name in the scalar.
        var base = loc
        if case .scalar(let s, let style) = node.content, !s.contains(Character("\n")) {
            base.column += (style == .plain ? 0 : 1) + written.count + 1
        }
        return ActionCall(written: written, short: short, location: loc, valueNode: nil, inlineArguments: inline,
                          actionDictArguments: dictArgs, argumentBase: base, isLocalAction: isLocal)
    }
}
