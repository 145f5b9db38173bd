import OrderedCollections
import PlayBase

/// `import_role` (expanded here, like `roles:`) and `include_role` (kept for run time).
extension ParseSession {
    /// The arguments of import_role / include_role; nil after reporting.
    func roleCall(_ call: ActionCall, _ c: CommonKeywords, _ file: SourceFile, dynamic: Bool)
        -> (call: RoleCall, applyNode: YAMLNode?)?
    {
        var (args, locations) = moduleArguments(call, spec: ModuleSpec(name: call.short), file)
        if let extra = c.args { for (k, v) in extra where args[k] == nil { args[k] = v; locations[k] = c.argsLocations[k] } }
        if c.argsTemplate != nil {
            error(call.location, "\(call.written) cannot take its arguments from a templated 'args'",
                  notes: ["write its arguments under \(call.written), as a mapping"])
        }
        let valid = dynamic ? KeywordTable.includeRoleArguments : KeywordTable.includeRoleArguments.subtracting(["apply"])
        for key in args.keys where !valid.contains(key) {
            error(locations[key] ?? call.location, "Invalid options for \(call.written): \(key)",
                  notes: Suggestions.didYouMean(key, in: valid), length: key.count)
        }
        guard let name = args["name"]?.renderedString, !name.isEmpty else {
            error(call.location, "'name' is a required field for \(call.written)", length: call.written.count)
            return nil
        }
        var role = RoleCall(name: name, location: locations["name"] ?? call.location)
        role.tasksFrom = args["tasks_from"]?.renderedString
        role.varsFrom = args["vars_from"]?.renderedString
        role.defaultsFrom = args["defaults_from"]?.renderedString
        role.handlersFrom = args["handlers_from"]?.renderedString
        role.isPublic = args["public"].flatMap(Self.ansibleBoolean)
        role.allowDuplicates = args["allow_duplicates"].flatMap(Self.ansibleBoolean)
        if !dynamic {
            for (key, value) in [("name", name), ("tasks_from", role.tasksFrom), ("vars_from", role.varsFrom),
                                 ("defaults_from", role.defaultsFrom), ("handlers_from", role.handlersFrom)]
            where value?.includes("{{") == true {
                error(locations[key] ?? call.location, "import_role cannot use a template in '\(key)' ('\(value!)')",
                      notes: ["use include_role for a role chosen at run time"])
                return nil
            }
        }
        return (role, args["apply"] != nil ? call.valueNode?["apply"] : nil)
    }

    func importRole(_ call: ActionCall, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                    taskLocation: SourceLocation, context: ListContext) -> Block? {
        var allowed = KeywordTable.task
        allowed.subtract(["loop", "loop_control", "register", "retries", "until", "delay", "failed_when", "changed_when", "async", "poll"])
        let c = commonKeywords(fields, file, allowed: allowed, what: "import_role")
        if context.inHandlers {
            error(call.location, "import_role in handlers is not supported", length: call.written.count)
            return nil
        }
        guard let (role, _) = roleCall(call, c, file, dynamic: false) else { return nil }
        // import_role's vars are role vars (below set_fact); include_role's are parameters (above).
        let body = expandRole(role, params: [:], vars: c.vars, when: c.when, tags: c.tags, from: file.directory)
        return Block(name: c.name, body: body, when: c.when, tags: c.tags, notify: c.notify,
                     keywords: c.keywords, location: taskLocation)
    }

    func includeRole(_ call: ActionCall, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                     taskLocation: SourceLocation, context: ListContext) -> IncludeTasks? {
        if context.inHandlers {
            error(call.location, "include_role in handlers is not supported yet; use import_role", length: call.written.count)
            return nil
        }
        var allowed = KeywordTable.include
        allowed.formUnion(["loop", "become", "become_user", "become_method", "environment", "delegate_to", "any_errors_fatal",
                           "check_mode", "diff", "connection", "port", "remote_user"])
        let c = commonKeywords(fields, file, allowed: allowed, what: "include_role")
        guard let (role, applyNode) = roleCall(call, c, file, dynamic: true) else { return nil }
        // A literal name is checked now (a typo is a parse error, as elsewhere), and its handlers
        // join the play's, since handlers are looked up by name before the role runs.
        let templated = [role.name, role.tasksFrom, role.varsFrom, role.defaultsFrom, role.handlersFrom]
            .contains { $0?.includes("{{") ?? false }
        if !templated, findRole(role.name, at: role.location, from: file.directory) != nil {
            let saved = rolesExpanded
            _ = expandRole(role, params: [:], from: file.directory, dynamic: true)
            rolesExpanded = saved
        }
        var include = IncludeTasks(name: c.name, file: role.name, fileLocation: role.location, vars: c.vars,
                                   when: c.when, loop: c.loop, loopKind: c.loopKind, loopControl: c.loopControl,
                                   tags: c.tags, apply: applyNode.flatMap { includeApply($0, file) },
                                   keywords: c.keywords, directory: file.directory, location: taskLocation)
        include.action = call.written
        include.role = role
        return include
    }
}
