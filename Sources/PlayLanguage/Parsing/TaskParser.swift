import OrderedCollections
import PlayBase

/// Reading task lists: tasks in every form ansible accepts, blocks, `import_tasks` (expanded
/// here) and `include_tasks` (kept for run time).
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

    private static let specialActions: Set<String> = ["include_tasks", "import_tasks", "import_playbook", "meta"]
    private static let roleActions: Set<String> = ["include_role", "import_role", "include"]

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
        let short = KeywordTable.shortName(written)
        guard isKnownAction(short) else {
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

    // MARK: Shared task keywords

    /// The keyword values every task form shares; each form takes what it supports.
    struct CommonKeywords {
        var name: String?
        var when: [Condition] = []
        var tags: [String] = []
        var vars = OrderedDictionary<String, Value>()
        var keywords = Keywords()
        var loop: Value?
        var loopKind: LoopKind = .loop
        var loopLocation: SourceLocation?
        var loopControl: LoopControl?
        var args: OrderedDictionary<String, Value>?
        var argsLocations: [String: SourceLocation] = [:]
        var register: String?
        var retries: Value?
        var until: Condition?
        var delay: Value?
        var failedWhen: [Condition] = []
        var changedWhen: [Condition] = []
        var notify: [String] = []
        var listen: [String] = []
    }

    func commonKeywords(_ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                        allowed: Set<String>, what: String) -> CommonKeywords {
        var c = CommonKeywords()
        for (key, keyNode, valueNode) in fields {
            if key.hasPrefix("with_") || key == "loop" {
                guard allowed.contains("loop") else {
                    if what == "import_tasks" {
                        error(location(keyNode, file), "You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead.",
                              length: key.count)
                    } else {
                        unknownKeyword(key, keyNode, file, in: what, valid: allowed)
                    }
                    continue
                }
                let kind: LoopKind
                if let k = LoopKind(rawValue: key) { kind = k } else {
                    error(location(keyNode, file), "unknown loop '\(key)'",
                          notes: Suggestions.didYouMean(key, in: LoopKind.allCases.map(\.keyword)), length: key.count)
                    continue
                }
                if let previous = c.loopLocation {
                    error(location(keyNode, file), "a task can have only one loop ('\(c.loopKind.keyword)' is already given at line \(previous.line))",
                          length: key.count)
                    continue
                }
                c.loop = value(valueNode, file) ?? .null
                c.loopKind = kind
                c.loopLocation = location(keyNode, file)
                continue
            }
            guard allowed.contains(key) else {
                unknownKeyword(key, keyNode, file, in: what, valid: allowed)
                continue
            }
            switch key {
            case "name": c.name = scalarText(valueNode, file, what: "'name'")
            case "when": c.when = conditions(valueNode, file, keyword: key)
            case "tags": c.tags = nameList(valueNode, file, keyword: key, splitCommas: true)
            case "vars": c.vars = varsDict(valueNode, file)
            case "loop_control": c.loopControl = loopControl(valueNode, file)
            case "args":
                if case .mapping(let m) = valueNode.content {
                    var d = OrderedDictionary<String, Value>()
                    for (k, kn, vn) in entries(m, file) {
                        d[k] = value(vn, file) ?? .null
                        c.argsLocations[k] = location(kn, file)
                    }
                    c.args = d
                } else if let v = value(valueNode, file), !v.isNull {
                    error(location(valueNode, file), "The value of the task `args` keyword is invalid: it must be a mapping",
                          notes: ["write the arguments under the module name, or as 'args: {key: value}'"])
                }
            case "register": c.register = scalarText(valueNode, file, what: "'register'")
            case "retries": c.retries = intish(valueNode, file, keyword: key)
            case "delay": c.delay = numberish(valueNode, file, keyword: key)
            case "until":
                let conds = conditions(valueNode, file, keyword: key)
                if conds.count == 1 {
                    c.until = conds[0]
                } else if let first = conds.first {
                    c.until = Condition(expression: conds.map { "(\($0.expression))" }.joined(separator: " and "), location: first.location)
                }
            case "failed_when": c.failedWhen = conditions(valueNode, file, keyword: key)
            case "changed_when": c.changedWhen = conditions(valueNode, file, keyword: key)
            case "notify": c.notify = nameList(valueNode, file, keyword: key, splitCommas: false)
            case "listen": c.listen = nameList(valueNode, file, keyword: key, splitCommas: false)
            case "collections", "action", "local_action": break
            default:
                if !applyInheritable(key, valueNode, file, to: &c.keywords) {
                    unknownKeyword(key, keyNode, file, in: what, valid: allowed)
                }
            }
        }
        return c
    }

    func loopControl(_ node: YAMLNode, _ file: SourceFile) -> LoopControl? {
        let loc = location(node, file)
        guard case .mapping(let m) = node.content else {
            if let v = value(node, file), v.isNull { return nil }
            error(loc, "'loop_control' must be a mapping (loop_var, index_var, label, pause, extended)")
            return nil
        }
        var lc = LoopControl(location: loc)
        for (key, keyNode, valueNode) in entries(m, file) {
            switch key {
            case "loop_var": lc.loopVar = scalarText(valueNode, file, what: "'loop_var'") ?? "item"
            case "index_var": lc.indexVar = scalarText(valueNode, file, what: "'index_var'")
            case "label": lc.label = value(valueNode, file)
            case "pause": lc.pause = numberish(valueNode, file, keyword: key)
            case "extended": lc.extended = boolish(valueNode, file, keyword: key)
            case "extended_allitems": _ = boolish(valueNode, file, keyword: key)
            case "break_when": lc.breakWhen = conditions(valueNode, file, keyword: key)
            default:
                error(location(keyNode, file), "'\(key)' is not a valid key for loop_control",
                      notes: Suggestions.didYouMean(key, in: KeywordTable.loopControl), length: key.count)
            }
        }
        return lc
    }

    // MARK: Plain tasks

    func plainTask(_ call: ActionCall, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                   taskLocation: SourceLocation, context: ListContext) -> PlaybookTask? {
        var allowed = KeywordTable.task
        if context.inHandlers { allowed.formUnion(KeywordTable.handlerOnly) }
        var c = commonKeywords(fields, file, allowed: allowed, what: context.inHandlers ? "a handler" : "a task")
        if call.isLocalAction {
            if c.keywords.delegateTo != nil {
                error(call.location, "local_action and delegate_to cannot be used together")
            }
            c.keywords.delegateTo = .string("localhost")
        }
        let spec = specFor(call.short)
        var (args, argLocations) = moduleArguments(call, spec: spec, file)
        // `args:` gives defaults; arguments written with the module win.
        if let extra = c.args {
            var merged = extra
            for (k, v) in args { merged[k] = v }
            args = merged
            for (k, l) in c.argsLocations where argLocations[k] == nil { argLocations[k] = l }
        }
        if let spec {
            ModuleArgumentChecker(session: self).check(args, locations: argLocations, spec: spec, call: call)
        }
        return PlaybookTask(name: c.name, module: spec?.name ?? call.short, moduleAsWritten: call.written,
                    moduleLocation: call.location, args: args, argumentLocations: argLocations, when: c.when,
                    loop: c.loop, loopKind: c.loopKind, loopControl: c.loopControl, register: c.register,
                    retries: c.retries, until: c.until, delay: c.delay, failedWhen: c.failedWhen,
                    changedWhen: c.changedWhen, notify: c.notify, listen: c.listen, vars: c.vars, tags: c.tags,
                    keywords: c.keywords, isLocalAction: call.isLocalAction, directory: file.directory,
                    location: taskLocation)
    }

    /// The catalog's spec, or the built-in one for `meta` when the catalog has none.
    func specFor(_ short: String) -> ModuleSpec? {
        if let s = catalog.spec(named: short) { return s }
        if short == "meta" {
            return ModuleSpec(name: "meta", arguments: [ArgumentSpec("_raw_params", .string, required: true,
                                                                     choices: KeywordTable.metaActions)],
                              freeForm: .rawParams)
        }
        return nil
    }

    /// The arguments written with the module (dict form or free form), with their locations.
    func moduleArguments(_ call: ActionCall, spec: ModuleSpec?, _ file: SourceFile)
        -> (OrderedDictionary<String, Value>, [String: SourceLocation])
    {
        var args = call.actionDictArguments
        var locations: [String: SourceLocation] = [:]
        for k in args.keys { locations[k] = call.location }
        var text: String?
        var textIsPlainOneLine = false
        if let inline = call.inlineArguments {
            text = inline
            textIsPlainOneLine = !inline.contains(Character("\n"))
        } else if let node = call.valueNode {
            switch node.content {
            case .mapping(let m):
                for (k, kn, vn) in entries(m, file) {
                    args[k] = value(vn, file) ?? .null
                    locations[k] = location(kn, file)
                }
            case .scalar(let s, let style):
                guard let v = value(node, file) else { break }
                switch v {
                case .null: break
                case .string(let str):
                    text = str
                    textIsPlainOneLine = !s.contains(Character("\n")) && (style == .plain || style == .singleQuoted || style == .doubleQuoted)
                        && !(style == .doubleQuoted && s.contains(Character("\\")))
                default:
                    if spec?.freeForm == FreeForm.rawParams {
                        args["_raw_params"] = .string(s)
                        locations["_raw_params"] = call.argumentBase
                    } else {
                        error(call.argumentBase, "unexpected parameter type in action '\(call.written)': \(v.typeName)",
                              notes: ["write the arguments as a mapping under the module name"])
                    }
                }
            case .sequence:
                error(call.argumentBase, "the arguments of '\(call.written)' must be a mapping or a 'k=v' string, not a list")
            }
        }
        if let text {
            // As ansible: for command-like modules only a few control keys are split out of the
            // text (`echo a=b chdir=/tmp` runs `echo a=b`); every other module splits all k=v.
            let keepAsRaw: ((String) -> Bool)?
            if KeywordTable.commandLikeModules.contains(call.short) {
                keepAsRaw = { key in !KeywordTable.commandControlArguments.contains(key) }
            } else {
                keepAsRaw = nil
            }
            do {
                let parsed = try KeyValueArguments.parse(text, keepAsRaw: keepAsRaw)
                var base = call.argumentBase
                if call.inlineArguments == nil, case .scalar(_, let style)? = call.valueNode?.content, style != .plain { base.column += 1 }
                for pair in parsed.pairs {
                    args[pair.key] = .string(pair.value)
                    var l = base
                    if textIsPlainOneLine { l.column += pair.offset }
                    locations[pair.key] = l
                }
                if let raw = parsed.rawParams {
                    args["_raw_params"] = .string(raw)
                    locations["_raw_params"] = base
                }
            } catch {
                self.error(call.argumentBase, "failed at splitting arguments: \(error.message)",
                           notes: ["check the quotes and the {{ }} pairs"])
            }
        }
        return (args, locations)
    }

    // MARK: Includes and imports

    /// The file argument of include_tasks / import_tasks, and `apply`.
    func includeArguments(_ call: ActionCall, _ c: CommonKeywords, _ file: SourceFile)
        -> (file: String, location: SourceLocation, applyNode: YAMLNode?, applyLocation: SourceLocation?)?
    {
        var (args, locations) = moduleArguments(call, spec: ModuleSpec(name: call.short, freeForm: .rawParams), file)
        if let extra = c.args { for (k, v) in extra where args[k] == nil { args[k] = v; locations[k] = c.argsLocations[k] } }
        for key in args.keys where !KeywordTable.includeArguments.contains(key) {
            error(locations[key] ?? call.location, "Invalid options for \(call.written): \(key)",
                  notes: Suggestions.didYouMean(key, in: ["file", "apply"]), length: key.count)
        }
        let fileValue = args["_raw_params"] ?? args["file"]
        guard let name = fileValue?.stringValue ?? fileValue.map({ $0.renderedString }), !name.isEmpty else {
            error(call.location, "No file specified for \(call.written)", length: call.written.count)
            return nil
        }
        var applyNode: YAMLNode?
        if args["apply"] != nil { applyNode = call.valueNode?["apply"] }
        return (name, locations["_raw_params"] ?? locations["file"] ?? call.location, applyNode, locations["apply"])
    }

    func includeTasks(_ call: ActionCall, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                      taskLocation: SourceLocation, context: ListContext) -> IncludeTasks? {
        if context.inHandlers {
            error(call.location, "include_tasks in handlers is not supported yet; use import_tasks", length: call.written.count)
            return nil
        }
        var allowed = KeywordTable.include
        allowed.insert("loop")
        let c = commonKeywords(fields, file, allowed: allowed, what: "include_tasks")
        guard let arguments = includeArguments(call, c, file) else { return nil }
        var apply: IncludeApply?
        if let node = arguments.applyNode {
            apply = includeApply(node, file)
        } else if c.args?["apply"] != nil {
            error(arguments.applyLocation ?? call.location, "'apply' must be given under the include, not in 'args'")
        }
        var include = IncludeTasks(name: c.name, file: arguments.file, fileLocation: arguments.location, vars: c.vars,
                                   when: c.when, loop: c.loop, loopKind: c.loopKind, loopControl: c.loopControl,
                                   tags: c.tags, apply: apply, keywords: c.keywords, directory: file.directory,
                                   location: taskLocation)
        include.action = call.written
        return include
    }

    func includeApply(_ node: YAMLNode, _ file: SourceFile) -> IncludeApply? {
        let loc = location(node, file)
        guard case .mapping(let m) = node.content else {
            error(loc, "Expected a dict for apply")
            return nil
        }
        var a = IncludeApply(location: loc)
        for (key, keyNode, valueNode) in entries(m, file) {
            switch key {
            case "tags": a.tags = nameList(valueNode, file, keyword: key, splitCommas: true)
            case "when": a.when = conditions(valueNode, file, keyword: key)
            case "vars": a.vars = varsDict(valueNode, file)
            case "block": break
            default:
                if KeywordTable.unsupported[key] == nil, applyInheritable(key, valueNode, file, to: &a.keywords) { continue }
                unknownKeyword(key, keyNode, file, in: "apply", valid: KeywordTable.block.subtracting(["block", "rescue", "always"]))
            }
        }
        return a
    }

    func importTasks(_ call: ActionCall, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                     taskLocation: SourceLocation, context: ListContext) -> Block? {
        var allowed = KeywordTable.task
        allowed.subtract(["loop", "loop_control", "register", "retries", "until", "delay", "failed_when", "changed_when"])
        if context.inHandlers { allowed.formUnion(KeywordTable.handlerOnly) }
        let c = commonKeywords(fields, file, allowed: allowed, what: "import_tasks")
        guard let arguments = includeArguments(call, c, file) else { return nil }
        if arguments.applyNode != nil {
            error(arguments.applyLocation ?? call.location, "Invalid options for \(call.written): apply",
                  notes: ["apply is for include_tasks; on import_tasks write the keywords on the import itself"])
        }
        if arguments.file.includes("{{") {
            error(arguments.location, "import_tasks cannot use a templated file name here ('\(arguments.file)')",
                  notes: ["use include_tasks for a file chosen at run time"])
            return nil
        }
        let path = resolve(arguments.file, from: file.directory)
        let body = tasksFile(path, from: arguments.location, context: context)
        return Block(name: c.name, body: body, when: c.when, vars: c.vars, tags: c.tags, notify: c.notify,
                     keywords: c.keywords, importedFile: path, location: taskLocation)
    }

    /// Reads a tasks file (for import_tasks, or an include at run time). Cached per path and kind.
    func tasksFile(_ path: String, from reference: SourceLocation, context: ListContext) -> [BlockItem] {
        let cacheKey = (context.inHandlers ? "h:" : "t:") + path
        if let cached = tasksFileCache[cacheKey] { return cached }
        if importStack.contains(path) {
            error(reference, "'\(path)' imports itself (through \(importStack.map { "'\($0)'" }.joined(separator: " -> ")))")
            return []
        }
        let nodes: [YAMLNode]
        do { nodes = try documents(path, from: reference) } catch {
            record(error, at: reference)
            return []
        }
        importStack.append(path)
        defer { importStack.removeLast() }
        let file = SourceFile(path: path)
        let items = taskList(nodes.first, file, section: "the tasks file", context: context)
        tasksFileCache[cacheKey] = items
        return items
    }
}
