import Foundation
import OrderedCollections
import PlayBase

/// Finding roles on disk and expanding them into blocks: `roles:` entries, `import_role`, and
/// (through `PlaybookParser.parseRole`) `include_role` at run time.
extension ParseSession {
    /// Where a role name is looked for, in Ansible's order: `roles/` beside the playbook, the
    /// roles path (ANSIBLE_ROLES_PATH, else ansible.cfg's roles_path, else Ansible's default), then
    /// the playbook's directory itself.
    var roleSearchPaths: [String] {
        var paths = [Self.join(playbookDirectory, "roles")]
        paths += configuredPaths("DEFAULT_ROLES_PATH")
        paths.append(playbookDirectory)
        return paths
    }

    /// Collection roots (each holding `ansible_collections/`): ANSIBLE_COLLECTIONS_PATH, else
    /// ansible.cfg's collections_path, else Ansible's default.
    var collectionSearchPaths: [String] { configuredPaths("COLLECTIONS_PATHS") }

    /// A path list of the process's configuration; a config file that cannot be read was
    /// reported when the run started, so its defaults apply here.
    private func configuredPaths(_ name: String) -> [String] {
        let configuration = (try? Configuration.forProcess()) ?? Configuration.defaults(home: NSHomeDirectory())
        return configuration.strings(name).filter { !$0.isEmpty }
    }

    static func expandingTilde(_ path: String) -> String {
        path.hasPrefix("~/") ? NSHomeDirectory() + String(path.dropFirst(1)) : path
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// The role's directory, or nil after reporting where it was looked for.
    func findRole(_ name: String, at location: SourceLocation, from directory: String) -> String? {
        var searched: [String] = []
        if name.hasPrefix("/") {
            if Self.isDirectory(name) { return name }
            searched = [name]
        } else if name.contains("/") {
            // A path-like name is a path (relative to the including file, then the playbook).
            for c in [Self.join(directory, name), Self.join(playbookDirectory, name)] {
                if Self.isDirectory(c) { return c }
                searched.append(c)
            }
        } else {
            let parts = name.split(separator: ".").map(String.init)
            if parts.count == 3 {
                for root in collectionSearchPaths {
                    let base = root.hasSuffix("ansible_collections") ? root : Self.join(root, "ansible_collections")
                    let c = "\(base)/\(parts[0])/\(parts[1])/roles/\(parts[2])"
                    if Self.isDirectory(c) { return c }
                    searched.append(c)
                }
            }
            // Also `roles/` beside an imported playbook, and the roles directory holding the role
            // whose meta/main.yml names this one.
            var roots = roleSearchPaths
            if directory.hasSuffix("/meta") {
                roots.insert(Self.directory(of: Self.directory(of: directory)), at: 1)
            } else if directory != playbookDirectory && !directory.hasSuffix("/tasks") {
                roots.insert(Self.join(directory, "roles"), at: 0)
            }
            for root in roots {
                let c = Self.join(root, name)
                if Self.isDirectory(c) { return c }
                searched.append(c)
            }
        }
        let known = roleSearchPaths.flatMap { root in
            ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
                Self.isDirectory(Self.join(root, $0)) && Self.isDirectory(Self.join(Self.join(root, $0), "tasks"))
            }
        }
        error(location, "the role '\(name)' was not found",
              notes: ["searched: " + searched.joined(separator: ":")] + Suggestions.didYouMean(name, in: known),
              length: name.count)
        return nil
    }

    /// `<role>/<kind>/<name>` with Ansible's extensions tried (`main` -> main.yml, main.yaml, main).
    static func roleFile(_ rolePath: String, _ kind: String, _ name: String) -> String? {
        let base = "\(rolePath)/\(kind)/\(name)"
        for c in [base + ".yml", base + ".yaml", base, base + ".json"] where FileManager.default.fileExists(atPath: c) && !isDirectory(c) {
            return c
        }
        return nil
    }

    /// A role's `defaults/` or `vars/` file as a dict (empty when absent and not asked for by name).
    func roleVariables(_ rolePath: String, _ kind: String, from: String?, at location: SourceLocation) -> OrderedDictionary<String, Value> {
        guard let path = Self.roleFile(rolePath, kind, from ?? "main") else {
            if let from { error(location, "could not find '\(from)' in the role's \(kind)/ directory (\(rolePath)/\(kind))") }
            return [:]
        }
        do {
            let v = try loader.loadValue(path: path, from: location)
            if v.isNull { return [:] }
            guard let d = v.dictValue else {
                error(SourceLocation(file: path, line: 1, column: 1), "'\(path)' must hold a mapping of variables, not \(Self.describe(v))")
                return [:]
            }
            return d
        } catch {
            record(error, at: location)
            return [:]
        }
    }

    /// The block a role contributes where it is used: its dependencies (from meta/main.yml), each
    /// a role block, then its tasks. Handlers go to `roleHandlers`. A role already expanded in
    /// this play with the same arguments comes back marked `isRepeatedRole` (listed, not run);
    /// a `dynamic` one (include_role) always runs, though its dependencies may not.
    /// `vars` are the `vars:` of the role entry or import (role-vars precedence, over vars/main.yml);
    /// `when` and `tags` of the entry count in the role's identity, as in Ansible.
    func expandRole(_ call: RoleCall, params: OrderedDictionary<String, Value>, vars entryVars: OrderedDictionary<String, Value> = [:],
                    when: [Condition] = [], tags: [String] = [], from directory: String,
                    dynamic: Bool = false) -> [BlockItem] {
        guard let path = findRole(call.name, at: call.location, from: directory) else { return [] }
        if roleStack.contains(path) {
            error(call.location, "the role '\(call.name)' depends on itself (\(roleStack.joined(separator: " -> ")))")
            return []
        }
        roleStack.append(path)
        defer { roleStack.removeLast() }

        var allowDuplicates = call.allowDuplicates ?? false
        var dependencies: [BlockItem] = []
        if let metaPath = Self.roleFile(path, "meta", "main") {
            dependencies = roleDependencies(metaPath, rolePath: path, allowDuplicates: &allowDuplicates)
        }
        let name = call.name.contains("/") ? (call.name as NSString).lastPathComponent : call.name
        var scope = RoleScope(name: name, path: path, params: params)
        scope.isPublic = call.isPublic
        scope.defaults = roleVariables(path, "defaults", from: call.defaultsFrom, at: call.location)
        scope.vars = roleVariables(path, "vars", from: call.varsFrom, at: call.location)
        scope.exportedVars = scope.vars
        for (k, v) in entryVars { scope.vars[k] = v }

        var body: [BlockItem] = []
        if let tasksPath = Self.roleFile(path, "tasks", call.tasksFrom ?? "main") {
            body = tasksFile(tasksPath, from: call.location, context: .init(inHandlers: false))
        } else if let from = call.tasksFrom {
            error(call.location, "could not find '\(from)' in the role's tasks/ directory (\(path)/tasks)")
        }
        // Ansible's role identity: the role, its *_from files and its parameters.
        let files = [call.tasksFrom, call.varsFrom, call.defaultsFrom, call.handlersFrom].map { $0 ?? "main" }
        let key = [path, files.joined(separator: "|"), Value.dict(params).pythonRepr, Value.dict(entryVars).pythonRepr,
                   when.map(\.expression).joined(separator: " and "), tags.joined(separator: ",")].joined(separator: "|")
        scope.identity = key
        // Dependencies run first, inside the role's block: as in Ansible, they see the role's
        // defaults, vars and parameters (its own win) and inherit its tags and conditions.
        var block = Block(body: dependencies + body, location: call.location)
        block.role = scope
        block.importedFile = Self.roleFile(path, "tasks", call.tasksFrom ?? "main") ?? "\(path)/tasks/main.yml"
        if !dynamic {
            block.isRepeatedRole = rolesExpanded.contains(key) && !allowDuplicates
            rolesExpanded.insert(key)
        }


        // include_role's handlers are read by the parser when the name is literal (see includeRole).
        if !roleHandlersLoaded.contains(path + "|" + (call.handlersFrom ?? "main")) {
            roleHandlersLoaded.insert(path + "|" + (call.handlersFrom ?? "main"))
            if let handlersPath = Self.roleFile(path, "handlers", call.handlersFrom ?? "main") {
                var handlers = Block(body: tasksFile(handlersPath, from: call.location, context: .init(inHandlers: true)),
                                     importedFile: handlersPath, location: call.location)
                handlers.role = scope
                roleHandlers.append(.block(handlers))
            } else if let from = call.handlersFrom {
                error(call.location, "could not find '\(from)' in the role's handlers/ directory (\(path)/handlers)")
            }
        }
        return [.block(block)]
    }

    /// `dependencies:` of a role's meta/main.yml, expanded (each a string or a `role:` entry).
    private func roleDependencies(_ metaPath: String, rolePath: String, allowDuplicates: inout Bool) -> [BlockItem] {
        let nodes: [YAMLNode]
        do { nodes = try documents(metaPath, from: nil) } catch {
            record(error, at: SourceLocation(file: metaPath, line: 1, column: 1))
            return []
        }
        guard let root = nodes.first, case .mapping(let m) = root.content else { return [] }
        let file = SourceFile(path: metaPath)
        var items: [BlockItem] = []
        for (key, _, valueNode) in entries(m, file) {
            switch key {
            case "allow_duplicates":
                if let v = boolish(valueNode, file, keyword: key), case .bool(let b) = v { allowDuplicates = b }
            case "dependencies":
                guard case .sequence(let deps) = valueNode.content else {
                    if let v = value(valueNode, file), !v.isNull {
                        error(location(valueNode, file), "'dependencies' must be a list of roles")
                    }
                    continue
                }
                for dep in deps { items += roleEntry(dep, file).map(Self.markingDependency) }
            default:
                break  // galaxy_info, argument_specs, collections: not used to run
            }
        }
        return items
    }

    /// A dependency's role block (possibly inside the block of its entry's tags and when).
    private static func markingDependency(_ item: BlockItem) -> BlockItem {
        guard case .block(var b) = item else { return item }
        if b.role != nil { b.role!.isDependency = true } else { b.body = b.body.map(markingDependency) }
        return .block(b)
    }

    /// One entry of `roles:` (or of `dependencies:`): `name`, or a mapping with `role:`/`name:`,
    /// `vars:` (role vars), `tags:`, `when:`, inheritable keywords, and any other key as a role
    /// parameter (above set_fact).
    func roleEntry(_ node: YAMLNode, _ file: SourceFile, dynamic: Bool = false) -> [BlockItem] {
        let loc = location(node, file)
        switch node.content {
        case .scalar:
            guard let name = scalarText(node, file, what: "a role"), !name.isEmpty else {
                error(loc, "a role entry needs a role name")
                return []
            }
            return expandRole(RoleCall(name: name, location: loc), params: [:], from: file.directory, dynamic: dynamic)
        case .sequence:
            error(loc, "a role entry must be a role name or a mapping with 'role:', not a list")
            return []
        case .mapping(let m):
            var name: String?
            var nameLocation = loc
            var params = OrderedDictionary<String, Value>()
            var vars = OrderedDictionary<String, Value>()
            var outer = Block(location: loc)
            for (key, keyNode, valueNode) in entries(m, file) {
                switch key {
                case "role", "name":
                    name = scalarText(valueNode, file, what: "'\(key)'")
                    nameLocation = location(valueNode, file)
                case "vars": vars = varsDict(valueNode, file)
                case "tags": outer.tags = nameList(valueNode, file, keyword: key, splitCommas: true)
                case "when": outer.when = conditions(valueNode, file, keyword: key)
                case "collections": break
                default:
                    if KeywordTable.unsupported[key] != nil {
                        unknownKeyword(key, keyNode, file, in: "a role", valid: [])
                    } else if applyInheritable(key, valueNode, file, to: &outer.keywords) {
                        continue  // become, delegate_to...: keywords of the role's tasks
                    } else if let v = value(valueNode, file) {
                        params[key] = v  // Ansible's role params: any other key
                    }
                }
            }
            guard let name, !name.isEmpty else {
                error(loc, "a role entry needs 'role:' (the role's name)")
                return []
            }
            if name.includes("{{") {
                error(nameLocation, "a role in 'roles:' cannot have a templated name ('\(name)')",
                      notes: ["use include_role for a role chosen at run time"])
                return []
            }
            outer.body = expandRole(RoleCall(name: name, location: nameLocation), params: params, vars: vars,
                                    when: outer.when, tags: outer.tags, from: file.directory, dynamic: dynamic)
            return outer.body.isEmpty ? [] : [.block(outer)]
        }
    }

    /// The play's `roles:` list.
    func rolesSection(_ node: YAMLNode, _ file: SourceFile) -> [BlockItem] {
        switch node.content {
        case .sequence(let entries): return entries.flatMap { roleEntry($0, file) }
        default:
            if let v = value(node, file), v.isNull { return [] }
            error(location(node, file), "'roles' must be a list")
            return []
        }
    }
}
