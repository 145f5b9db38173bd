import OrderedCollections
import PlayBase

/// How roles enter the compiled graph: the variables and names a role gives its tasks, the
/// listing of repeated roles, and `include_role` compiled at run time.
enum RoleExpansion {
    /// The context inside a role's block.
    static func enter(_ role: RoleScope, _ inner: inout InheritedContext) {
        var vars = role.vars
        for (k, v) in role.magicVariables where vars[k] == nil { vars[k] = v }
        // Ansible defines it for a role imported or included from another role's tasks, not for a dependency.
        if !inner.roleNames.isEmpty && !role.isDependency {
            vars["ansible_parent_role_names"] = .list(inner.roleNames.map(Value.string))
        }
        inner.blockVars.append(vars)
        inner.roleDefaults.append(role.defaults)
        if !role.params.isEmpty { inner.roleParams.append(role.params) }
        inner.roleNames.insert(role.name, at: 0)
        inner.role = role
        inner.directory = role.path + "/tasks"
    }

    /// A role's task: its role's variables, and Ansible's `role : name` banner. Handlers also
    /// answer to `role : name` (Ansible accepts either form in `notify`).
    static func attach(_ context: InheritedContext, to task: inout CompiledTask) {
        guard let role = context.role else { return }
        task.role = role
        task.roleDefaults = context.roleDefaults
        task.roleParams = context.roleParams
        task.displayName = "\(role.name) : \(task.displayName)"
        if let name = task.task.name, !name.isEmpty { task.task.listen.append("\(role.name) : \(name)") }
    }

    /// Records the play's role names and, when a role repeats, the sections as Ansible lists them.
    static func annotate(_ compiled: inout CompiledPlay, builder: GraphBuilder, context: InheritedContext) {
        let play = compiled.play
        var names: [String] = []
        var playNames: [String] = []
        var identities: Set<String> = []
        var repeated = false
        func walk(_ items: [BlockItem]) {
            for case .block(let b) in items {
                if let role = b.role, !b.isRepeatedRole {
                    if !names.contains(role.name) { names.append(role.name) }
                    if !role.isDependency && !playNames.contains(role.name) { playNames.append(role.name) }
                    identities.insert(role.identity)
                    if role.isPublic != false {
                        compiled.publicRoleDefaults.append(role.defaults)
                        compiled.publicRoleVars.append(role.exportedVars)
                    }
                }
                if b.isRepeatedRole { repeated = true }
                walk(b.body + b.rescue + b.always)
            }
        }
        walk(play.preTasks + play.roles + play.tasks + play.postTasks)
        compiled.roleNames = names
        compiled.publicRoleDefaults.insert(["ansible_play_role_names": .list(playNames.map(Value.string)),
                                            "ansible_role_names": .list(names.map(Value.string))], at: 0)
        if !identities.isEmpty {
            compiled.sections = compiled.sections.map { giving(identities, to: $0) }
        }
        guard repeated else { return }
        // Listed only: ids past the run's, so they never collide with a task that runs.
        var lister = GraphBuilder(selection: builder.selection, nextID: builder.nextID + 1_000_000, listingRepeatedRoles: true)
        compiled.listedSections = [play.preTasks, play.roles + play.tasks, play.postTasks].enumerated().map { i, list in
            CompiledBlock(id: compiled.sections[i].id, body: lister.items(list, context), name: compiled.sections[i].name,
                          location: compiled.sections[i].location)
        }
    }

    /// The block with every include_role inside told which roles the play runs statically.
    private static func giving(_ identities: Set<String>, to block: CompiledBlock) -> CompiledBlock {
        func walk(_ items: [CompiledItem]) -> [CompiledItem] {
            items.map { item in
                switch item {
                case .task: return item
                case .block(let b): return .block(giving(identities, to: b))
                case .include(var i):
                    if i.include.role != nil { i.childContext.playRoleIdentities = identities }
                    return .include(i)
                }
            }
        }
        var b = block
        b.body = walk(b.body)
        b.rescue = walk(b.rescue)
        b.always = walk(b.always)
        return b
    }
}

extension PlaybookParser {
    /// The role block of an `include_role` at run time (`call.name` already rendered), its
    /// dependencies inside it.
    public func parseRole(_ call: RoleCall, params: OrderedDictionary<String, Value>, from directory: String,
                          playbookDirectory: String, alreadyRun: Set<String> = []) throws(DiagnosticList) -> [BlockItem] {
        let session = ParseSession(catalog: catalog, loader: loader, playbookDirectory: playbookDirectory)
        session.rolesExpanded = alreadyRun
        let items = session.expandRole(call, params: params, from: directory, dynamic: true)
        if session.hasErrors { throw DiagnosticList(session.diagnostics) }
        return items
    }
}

extension PlaybookCompiler {
    /// Compiles the role of an `include_role` at run time. `call` has its name (and `*_from`)
    /// rendered; `params` are the include's `vars` (with the loop item), given as role parameters.
    public func compileRoleInclude(_ call: RoleCall, params: OrderedDictionary<String, Value>,
                                   inheriting context: InheritedContext, selection: TagSelection,
                                   firstID: NodeID) throws(DiagnosticList) -> [CompiledItem] {
        let items = try parser.parseRole(call, params: params, from: context.directory,
                                         playbookDirectory: context.playbookDirectory,
                                         alreadyRun: context.playRoleIdentities)
        var walker = GraphBuilder(selection: selection, nextID: firstID)
        return walker.items(items, context)
    }
}
