import OrderedCollections
import PlayBase

/// `include_tasks` (kept for run time) and `import_tasks` (expanded here), and tasks files.
extension ParseSession {
    /// The file argument of include_tasks / import_tasks, and `apply`.
    func includeArguments(_ call: ActionCall, _ c: CommonKeywords, _ file: SourceFile)
        -> (file: String, location: SourceLocation, applyNode: YAMLNode?, applyLocation: SourceLocation?)?
    {
        var (args, locations) = moduleArguments(call, spec: ModuleSpec(name: call.short, freeForm: .rawParams), file)
        if let extra = c.args { for (k, v) in extra where args[k] == nil { args[k] = v; locations[k] = c.argsLocations[k] } }
        if c.argsTemplate != nil {
            error(call.location, "\(call.written) cannot take its arguments from a templated 'args'",
                  notes: ["write its arguments under \(call.written), as a mapping"])
        }
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
        var allowed = KeywordTable.include
        allowed.insert("loop")
        if context.inHandlers { allowed.formUnion(KeywordTable.handlerOnly) }
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
        include.listen = c.listen
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
        allowed.subtract(["loop", "loop_control", "register", "retries", "until", "delay", "failed_when", "changed_when", "async", "poll"])
        if context.inHandlers { allowed.formUnion(KeywordTable.handlerOnly) }
        let c = commonKeywords(fields, file, allowed: allowed, what: "import_tasks")
        guard let arguments = includeArguments(call, c, file) else { return nil }
        if arguments.applyNode != nil {
            error(arguments.applyLocation ?? call.location, "Invalid options for \(call.written): apply",
                  notes: ["apply is for include_tasks; on import_tasks write the keywords on the import itself"])
        }
        guard let name = importName(arguments.file, keyword: "import_tasks", vars: c.vars, at: arguments.location) else { return nil }
        let path = resolve(name, from: file.directory)
        staticScopes.append(c.vars)
        defer { staticScopes.removeLast() }
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
