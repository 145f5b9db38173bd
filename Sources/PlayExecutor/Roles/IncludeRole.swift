import OrderedCollections
import PlayBase
import PlayLanguage
import PlayTemplating

extension PlaybookExecutor {
    /// The compiled items of an `include_role` for one host and loop item: the role's name and
    /// `*_from` arguments rendered with `vars`, `params` (its `vars:` and the loop item) given as
    /// role parameters. The include path calls this where it would read a tasks file.
    /// `alreadyRun`: identities of roles earlier include_roles ran (their dependencies do not run again).
    func includedRole(_ include: CompiledInclude, vars: TaskVariables, params: OrderedDictionary<String, Value>,
                      selection: TagSelection, firstID: NodeID, alreadyRun: Set<String> = []) throws -> [CompiledItem] {
        guard var call = include.include.role else { return [] }
        func render(_ s: String?) throws -> String? {
            guard let s else { return nil }
            return try templar.renderString(s, vars).renderedString
        }
        call.name = try render(call.name) ?? call.name
        call.tasksFrom = try render(call.tasksFrom)
        call.varsFrom = try render(call.varsFrom)
        call.defaultsFrom = try render(call.defaultsFrom)
        call.handlersFrom = try render(call.handlersFrom)
        var context = include.childContext
        context.playRoleIdentities.formUnion(alreadyRun)
        return try compiler.compileRoleInclude(call, params: params, inheriting: context,
                                               selection: selection, firstID: firstID)
    }
}

extension CompiledItem {
    /// The role an include_role expanded to (its outermost role block), for `public: true`.
    var includedRole: RoleScope? {
        guard case .block(let b) = self else { return nil }
        return b.role
    }

    /// Every role block in this item, outermost first (an included role and its dependencies).
    var roles: [RoleScope] {
        guard case .block(let b) = self else { return [] }
        return (b.role.map { [$0] } ?? []) + (b.body + b.rescue + b.always).flatMap(\.roles)
    }
}
