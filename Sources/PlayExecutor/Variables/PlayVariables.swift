import Foundation
import OrderedCollections
import PlayBase
import PlayLanguage
import PlayTemplating

/// The variables of one play: the precedence layers a task sees on a host, the magic variables,
/// `vars_files`, and the shared `hostvars` snapshot.
struct PlayVariables {
    let play: Play
    let options: RunOptions
    let state: RunState
    var playVars: OrderedDictionary<String, Value>
    var varsFilesVars: OrderedDictionary<String, Value> = [:]
    /// `vars_prompt` answers: Ansible writes them into the play's vars, so they sit just above them.
    var promptedVars: OrderedDictionary<String, Value> = [:]
    var unsafePromptedVars: OrderedDictionary<String, Value> = [:]
    /// Defaults and vars of the play's static roles (`roles:`, `import_role`): the whole play sees them.
    let publicRoleDefaults: [OrderedDictionary<String, Value>]
    let publicRoleVars: [OrderedDictionary<String, Value>]
    /// Roles each host included with `include_role: {public: true}`: their defaults and vars are
    /// visible to the host's later tasks.
    var publicIncludedRoles: [String: [RoleScope]] = [:]
    /// Roles an `include_role` ran, for any host, once per distinct include: Ansible appends them to
    /// the play's roles, so they join `ansible_role_names` (a set) and `ansible_play_role_names`
    /// (a list, repeats kept) for every host from then on.
    var includedRoleNames: [String] = []
    var includedDependencyNames: [String] = []
    /// Identities of the roles include_roles ran on each host: their dependencies do not run again there.
    var includedRoleIdentities: [String: Set<String>] = [:]
    private let hostvarsCache = HostvarsCache()
    private let magic: MagicVariables

    init(compiled: CompiledPlay, options: RunOptions, state: RunState) {
        self.play = compiled.play
        self.options = options
        self.state = state
        self.playVars = compiled.play.vars
        self.publicRoleDefaults = compiled.publicRoleDefaults
        self.publicRoleVars = compiled.publicRoleVars
        self.magic = MagicVariables(play: compiled.play, options: options)
    }

    /// What the play header (name, host pattern, vars_files) is rendered with.
    var headerVariables: TaskVariables {
        TaskVariables(layers: [playVars, promptedVars, unsafePromptedVars, options.extraVars], rawLayers: [2])
    }

    /// Facts or inventory changed: the next lookup of `hostvars` rebuilds it.
    func invalidateHostvars() {
        hostvarsCache.snapshot = nil
    }

    func variables(for host: String, task: CompiledTask, hosts: PlayHosts) -> TaskVariables {
        variables(for: host, blockVars: task.blockVars, taskVars: task.task.vars, hosts: hosts,
                  roleDefaults: task.roleDefaults, roleParams: task.roleParams)
    }

    /// Ansible's precedence, lowest first: magic vars, role defaults, inventory (group < host),
    /// gathered facts, play vars, vars_files, role vars, block vars, task vars, included vars,
    /// facts and registered results,
    /// role parameters, extra vars. Role defaults are the play's static roles', a host's public
    /// included roles', then the task's own roles'; the task's own role vars are among `blockVars`.
    func variables(for host: String, blockVars: [OrderedDictionary<String, Value>],
                   taskVars: OrderedDictionary<String, Value>, hosts: PlayHosts,
                   roleDefaults: [OrderedDictionary<String, Value>] = [],
                   roleParams: [OrderedDictionary<String, Value>] = []) -> TaskVariables {
        let included = publicIncludedRoles[host] ?? []
        var layers: [OrderedDictionary<String, Value>] = []
        layers.reserveCapacity(12 + publicRoleDefaults.count + publicRoleVars.count + 2 * included.count
                               + roleDefaults.count + blockVars.count + roleParams.count)
        layers.append(magic.variables(for: host, hosts: hosts, state: state))
        layers += publicRoleDefaults
        if !includedRoleNames.isEmpty { layers.append(roleNamesWithIncluded) }
        layers += included.map(\.defaults) + roleDefaults
        layers.append(state.inventoryVariables(host))
        var raw: Set<Int> = []
        // Gathered facts sit between inventory and play vars, as in Ansible, where
        // `ansible_facts` exists (empty) before any gathering.
        raw.insert(layers.count)
        layers.append(state.hostFacts[host] ?? Self.noFacts)
        layers += [playVars, promptedVars]
        raw.insert(layers.count)
        layers += [unsafePromptedVars, varsFilesVars]
        layers += publicRoleVars + included.map(\.vars)
        layers += blockVars
        layers.append(taskVars)
        if let included = state.includedVariables[host] {
            raw.insert(layers.count)
            layers.append(included)
        }
        if let facts = state.facts[host] {
            raw.insert(layers.count)
            layers.append(facts)
        }
        layers += roleParams
        layers.append(options.extraVars)
        return TaskVariables(layers: layers, rawLayers: raw, hostvars: hostvarsSnapshot())
    }

    /// An include_role's roles (the role, then its dependencies) for the play's role names.
    mutating func noteIncluded(_ roles: [RoleScope], host: String, newInclude: Bool) {
        includedRoleIdentities[host, default: []].formUnion(roles.map(\.identity))
        guard newInclude else { return }
        for role in roles {
            if role.isDependency {
                if !includedDependencyNames.contains(role.name) { includedDependencyNames.append(role.name) }
            } else {
                includedRoleNames.append(role.name)
            }
        }
    }

    private var roleNamesWithIncluded: OrderedDictionary<String, Value> {
        var layer: OrderedDictionary<String, Value> = [:]
        func merged(_ key: String, _ added: [String], repeats: Bool) {
            var names = publicRoleDefaults.first?[key]?.listValue ?? []
            for name in added where repeats || !names.contains(.string(name)) { names.append(.string(name)) }
            layer[key] = .list(names)
        }
        merged("ansible_role_names", includedRoleNames + includedDependencyNames, repeats: false)
        merged("ansible_play_role_names", includedRoleNames, repeats: true)
        merged("ansible_dependent_role_names", includedDependencyNames, repeats: false)
        return layer
    }

    private static let noFacts: OrderedDictionary<String, Value> = ["ansible_facts": .dict([:])]

    /// One `hostvars` snapshot per state of the run: rebuilt lazily after facts or inventory change.
    private func hostvarsSnapshot() -> HostvarsSnapshot {
        if let current = hostvarsCache.snapshot { return current }
        let inventory = state.inventory
        let gathered = state.hostFacts
        let included = state.includedVariables
        let variables = state.facts
        let snapshot = HostvarsSnapshot {
            var facts = gathered
            for (host, vars) in included { facts[host, default: [:]].merge(vars) { _, new in new } }
            for (host, vars) in variables { facts[host, default: [:]].merge(vars) { _, new in new } }
            return HostvarsSource.build(inventory: inventory, facts: facts)
        }
        hostvarsCache.snapshot = snapshot
        return snapshot
    }

    /// Loads `vars_files` in order; each entry may list candidates, the first existing one wins.
    mutating func loadVarsFiles(templar: Templar, loader: YAMLLoader) throws {
        let vars = headerVariables
        var merged: OrderedDictionary<String, Value> = [:]
        for entry in play.varsFiles {
            let candidates = (entry.listValue ?? [entry]).map { $0.renderedString }
            var loadedOne = false
            for candidate in candidates {
                let file = try templar.renderString(candidate, vars).renderedString
                let path = file.hasPrefix("/") ? file : (play.directory as NSString).appendingPathComponent(file)
                guard FileManager.default.fileExists(atPath: path) else { continue }
                let value = try loader.loadValue(path: path, from: play.location)
                guard case .dict(let d) = value else {
                    if value.isNull { loadedOne = true; break }
                    throw Diagnostic.error(at: play.location, "vars file '\(path)' must contain a dictionary of variables")
                }
                merged.merge(d) { _, new in new }
                loadedOne = true
                break
            }
            if !loadedOne {
                throw Diagnostic.error(at: play.location, "vars file \(candidates.joined(separator: ", ")) was not found",
                                       notes: ["paths are relative to the playbook's directory \(play.directory)"])
            }
        }
        varsFilesVars = merged
    }
}
