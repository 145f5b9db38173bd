import Foundation
import OrderedCollections
import PlayBase
import PlayLanguage
import PlayTemplating

extension PlayRun {
    /// Performs `include_tasks` for each host: its conditions, its loop, compiling each file.
    /// Included files get node ids above the playbook's own; their order comes from the
    /// include's `StepKey` and the loop item index (see `HostIterator.expand(parts:key:)`).
    mutating func expand(_ include: CompiledInclude, hosts: [String], playHosts: PlayHosts,
                         kind: TaskInfo.Kind = .include) -> [(host: String, result: IncludeResult)] {
        events.emit(.taskStarted(TaskInfo(name: include.displayName, kind: kind, location: include.include.location)))
        // (path, item label) -> hosts, in the order Ansible prints "included:" lines.
        var loaded: OrderedDictionary<[String?], [String]> = [:]
        var results: [(host: String, result: IncludeResult)] = []
        for host in hosts {
            let vars = variables.variables(for: host, blockVars: include.blockVars, taskVars: include.include.vars,
                                           hosts: playHosts, roleDefaults: include.childContext.roleDefaults,
                                           roleParams: include.childContext.roleParams)
            var parts: [[CompiledItem]] = []
            do {
                if let falseCondition = try include.conditions.first(where: { !(try templar.condition($0.expression, vars)) }) {
                    events.emit(.hostResult(HostResult(host: host, task: include.displayName, status: .skipped,
                        result: TaskResult(["changed": false, "false_condition": .string(falseCondition.expression),
                                            "skip_reason": "Conditional result was False", "skipped": true]),
                        module: "include_tasks", runsOnController: true)))
                    results.append((host, .skipped))
                    continue
                }
                let loopItems: [Value?]
                if let loop = include.include.loop {
                    loopItems = try LoopItems.items(try templar.render(loop, vars), kind: include.include.loopKind,
                                                    baseDirectory: include.include.directory) { plugin, terms in
                        try templar.loopQuery(plugin, terms: terms, action: include.include.action, vars)
                    }
                } else {
                    loopItems = [nil]
                }
                let loopVar = include.include.loopControl?.loopVar ?? "item"
                for item in loopItems {
                    var extra = include.include.vars
                    var itemVars = vars
                    if let item {
                        extra[loopVar] = item
                        itemVars = vars.adding([loopVar: item])
                    }
                    let file = try templar.renderString(include.include.file, itemVars).renderedString
                    if let role = include.include.role {
                        // include_role: the role's items; Ansible's "included:" line names the role.
                        let roleItems = try executor.includedRole(include, vars: itemVars, params: extra,
                                                                  selection: options.selection,
                                                                  firstID: executor.playbook.nodeCount,
                                                                  alreadyRun: variables.includedRoleIdentities[host] ?? [])
                        parts.append(roleItems)
                        variables.noteIncluded(roleItems.flatMap(\.roles), host: host,
                                               newInclude: loaded[[file, item?.renderedString]] == nil)
                        if role.isPublic == true {
                            variables.publicIncludedRoles[host, default: []] += roleItems.compactMap(\.includedRole)
                        }
                        loaded[[file, item?.renderedString], default: []].append(host)
                        continue
                    }
                    var context = include.childContext
                    context.blockVars.append(extra)
                    let path = executor.compiler.resolveIncludePath(file, context: context)
                    parts.append(try executor.compiler.compileTasksFile(path: path, from: include.include.location,
                                                                        inheriting: context, selection: options.selection,
                                                                        firstID: executor.playbook.nodeCount))
                    let shown = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
                    loaded[[shown, item?.renderedString], default: []].append(host)
                }
                results.append((host, .loaded(parts)))
            } catch {
                events.emit(.hostResult(HostResult(host: host, task: include.displayName, status: .failed,
                    result: .failed("\(error)"), module: "include_tasks", runsOnController: true,
                    location: include.include.location)))
                results.append((host, .failed(loadedBefore: parts.count)))
            }
        }
        for (key, hosts) in loaded { events.emit(.included(path: key[0] ?? "", hosts: hosts, item: key[1])) }
        return results
    }
}
