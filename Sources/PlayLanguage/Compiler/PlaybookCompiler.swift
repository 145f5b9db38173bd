import OrderedCollections
import PlayBase

/// Turns a parsed playbook into what the executor runs: inheritance resolved (play -> blocks ->
/// imports -> task), tags resolved and unselected tasks removed, node ids assigned.
public struct PlaybookCompiler: Sendable {
    public let parser: PlaybookParser

    public init(catalog: any ModuleCatalog, loader: YAMLLoader = YAMLLoader(),
                importTemplating: (any ImportNameTemplating)? = nil, extraVars: OrderedDictionary<String, Value> = [:]) {
        self.parser = PlaybookParser(catalog: catalog, loader: loader, importTemplating: importTemplating, extraVars: extraVars)
    }

    /// Parses and compiles a playbook; every problem found is thrown at once.
    public func compile(path: String, selection: TagSelection) throws(DiagnosticList) -> CompiledPlaybook {
        compile(try parser.parse(path: path), selection: selection)
    }

    /// Compiles an already parsed playbook.
    public func compile(_ playbook: Playbook, selection: TagSelection) -> CompiledPlaybook {
        var walker = GraphBuilder(selection: selection, nextID: 0)
        let directory = ParseSession.directory(of: playbook.path)
        var plays: [CompiledPlay] = []
        for (index, play) in playbook.plays.enumerated() {
            plays.append(walker.play(play, index: index, playbookDirectory: directory))
        }
        return CompiledPlaybook(path: playbook.path, plays: plays, nodeCount: walker.nextID, warnings: playbook.warnings)
    }

    /// Compiles the tasks file of an `include_tasks` at run time. `path` is the rendered file name
    /// (or what `resolveIncludePath` made of it); a relative one is looked for beside the including
    /// file, then beside the playbook.
    /// Included tasks are tag-filtered with `selection` (Ansible does not give them the include's
    /// own tags). Node ids start at `firstID`.
    public func compileTasksFile(path: String, from reference: SourceLocation, inheriting context: InheritedContext,
                                 selection: TagSelection, firstID: NodeID) throws(DiagnosticList) -> [CompiledItem] {
        let resolved = resolveIncludePath(path, context: context)
        let items = try parser.parseTasksFile(path: resolved, from: reference, playbookDirectory: context.playbookDirectory)
        var walker = GraphBuilder(selection: selection, nextID: firstID)
        var inner = context
        inner.directory = ParseSession.directory(of: resolved)
        return walker.items(items, inner)
    }

    /// Where a (rendered) include path points: absolute as is; else beside the including file if
    /// it exists there, else beside the playbook.
    public func resolveIncludePath(_ path: String, context: InheritedContext) -> String {
        let session = ParseSession(catalog: parser.catalog, loader: parser.loader, playbookDirectory: context.playbookDirectory)
        return session.resolve(path, from: context.directory)
    }
}

/// The walk that assigns ids and resolves inheritance.
struct GraphBuilder {
    let selection: TagSelection
    var nextID: NodeID
    /// Keeps roles repeated with the same arguments (only for `--list-tasks`, which shows them).
    var listingRepeatedRoles = false

    mutating func newID() -> NodeID {
        defer { nextID += 1 }
        return nextID
    }

    mutating func play(_ play: Play, index: Int, playbookDirectory: String) -> CompiledPlay {
        var context = InheritedContext(tags: Set(play.tags), keywords: EffectiveKeywords().overlaid(with: play.keywords),
                                       directory: play.directory, playbookDirectory: playbookDirectory)
        let handlerContext = context
        context.conditions = play.when
        var sections: [CompiledBlock] = []
        for (name, list) in [("pre_tasks", play.preTasks), ("tasks", play.roles + play.tasks), ("post_tasks", play.postTasks)] {
            let id = newID()
            let body = items(list, context)
            sections.append(CompiledBlock(id: id, body: body, name: name, location: list.first?.location ?? play.location))
        }
        var handlers: [CompiledTask] = []
        flattenHandlers(play.handlers, handlerContext, into: &handlers)
        var compiled = CompiledPlay(play: play, index: index, sections: sections, handlers: handlers)
        RoleExpansion.annotate(&compiled, builder: self, context: context)
        return compiled
    }

    mutating func items(_ list: [BlockItem], _ context: InheritedContext) -> [CompiledItem] {
        var out: [CompiledItem] = []
        out.reserveCapacity(list.count)
        for item in list {
            switch item {
            case .task(let task):
                if let t = compiledTask(task, context, filter: true) { out.append(.task(t)) }
            case .block(let block):
                if block.isRepeatedRole && !listingRepeatedRoles { continue }
                let id = newID()
                let inner = Self.entering(block, context)
                var compiled = CompiledBlock(id: id, body: items(block.body, inner), rescue: items(block.rescue, inner),
                                             always: items(block.always, inner), name: block.name, location: block.location)
                compiled.role = block.role
                // As Ansible's filter_tagged_tasks: a block left without tasks disappears.
                if !compiled.isEmpty { out.append(.block(compiled)) }
            case .include(let include):
                if let compiled = compiledInclude(include, context, filter: true) { out.append(.include(compiled)) }
            }
        }
        return out
    }

    mutating func compiledInclude(_ include: IncludeTasks, _ context: InheritedContext, filter: Bool) -> CompiledInclude? {
        let tags = context.tags.union(include.tags)
        if filter && !selection.selects(tags) { return nil }
        var child = context
        child.directory = include.directory
        // include_role's vars are role parameters, given to the role at run time.
        if !include.vars.isEmpty && include.role == nil { child.blockVars.append(include.vars) }
        if let apply = include.apply {
            child.tags.formUnion(apply.tags)
            child.conditions += apply.when
            if !apply.vars.isEmpty { child.blockVars.append(apply.vars) }
            child.keywords = child.keywords.overlaid(with: apply.keywords)
        }
        var compiled = CompiledInclude(
            id: newID(), include: include, tags: tags, conditions: context.conditions + include.when,
            blockVars: context.blockVars, keywords: context.keywords.overlaid(with: include.keywords),
            displayName: Self.displayName(include.name, include.action), childContext: child)
        if let call = include.role, include.name?.isEmpty ?? true {
            compiled.displayName = "\(include.action) : \(call.name)"  // Ansible's IncludeRole.get_name
        }
        if let role = context.role {
            compiled.roleName = role.name
            // IncludeRole.get_name has no role prefix; include_tasks' has.
            if include.role == nil { compiled.displayName = "\(role.name) : \(compiled.displayName)" }
        }
        return compiled
    }

    /// The context inside a block (or an import, which is a block with `importedFile`).
    static func entering(_ block: Block, _ context: InheritedContext) -> InheritedContext {
        var inner = context
        inner.tags.formUnion(block.tags)
        inner.conditions += block.when
        if !block.vars.isEmpty { inner.blockVars.append(block.vars) }
        inner.keywords = inner.keywords.overlaid(with: block.keywords)
        if !block.notify.isEmpty { inner.notify = block.notify }
        if let file = block.importedFile { inner.directory = ParseSession.directory(of: file) }
        if let role = block.role { RoleExpansion.enter(role, &inner) }
        return inner
    }

    mutating func compiledTask(_ task: PlaybookTask, _ context: InheritedContext, filter: Bool) -> CompiledTask? {
        let tags = context.tags.union(task.tags)
        if filter && !selection.selects(tags) { return nil }
        var compiled = CompiledTask(id: newID(), task: task, tags: tags, conditions: context.conditions + task.when,
                                    blockVars: context.blockVars, keywords: context.keywords.overlaid(with: task.keywords),
                                    notify: task.notify.isEmpty ? (context.notify ?? []) : task.notify,
                                    displayName: Self.displayName(task.name, task.moduleAsWritten))
        if context.role != nil { RoleExpansion.attach(context, to: &compiled) }
        return compiled
    }

    /// Handlers are never tag-filtered; blocks and imports among them contribute their tasks.
    mutating func flattenHandlers(_ list: [BlockItem], _ context: InheritedContext, into out: inout [CompiledTask]) {
        for item in list {
            switch item {
            case .task(let t):
                if let c = compiledTask(t, context, filter: false) { out.append(c) }
            case .block(let b):
                flattenHandlers(b.body, Self.entering(b, context), into: &out)
            case .include(let include):
                // Runs as a handler: notified by its name or topics, it loads its file then.
                guard let compiled = compiledInclude(include, context, filter: false) else { break }
                var task = PlaybookTask(name: include.name, module: include.action, moduleAsWritten: include.action,
                                        moduleLocation: include.location, location: include.location)
                task.listen = include.listen
                var handler = CompiledTask(id: compiled.id, task: task, tags: compiled.tags, conditions: [], blockVars: [],
                                           keywords: compiled.keywords, notify: [], displayName: compiled.displayName)
                handler.include = compiled
                out.append(handler)
            }
        }
    }

    /// What Ansible prints for a task: its name, or the action as written.
    static func displayName(_ name: String?, _ action: String) -> String {
        if let name, !name.isEmpty { return name }
        return action
    }
}
