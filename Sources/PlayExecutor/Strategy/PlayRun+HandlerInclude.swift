import PlayLanguage

extension PlayRun {
    /// A notified handler written as `include_tasks`: its file loads per host (with Ansible's
    /// "included:" lines), then its tasks run as handlers, in order, on the hosts that loaded
    /// the same file; a host that fails one runs no more of them. Reports, in order: an ok per
    /// file loaded (as Ansible counts includes), then each task's result.
    mutating func runIncludedHandler(_ include: CompiledInclude, hosts: [String], playHosts: PlayHosts) async -> [HostReport] {
        var reports: [HostReport] = []
        // Hosts grouped by what they loaded (task places: ids restart in every loaded file).
        var groups: [(items: [CompiledItem], signature: [String], hosts: [String])] = []
        for (host, result) in expand(include, hosts: hosts, playHosts: playHosts, kind: .handler) {
            switch result {
            case .skipped:
                reports.append(HostReport(host: host, status: .skipped))
            case .failed:
                reports.append(HostReport(host: host, status: .failed, failed: true))
            case .loaded(let parts):
                let items = parts.flatMap { $0 }
                let signature = Self.signature(items)
                if let i = groups.firstIndex(where: { $0.signature == signature }) {
                    groups[i].hosts.append(host)
                } else {
                    groups.append((items, signature, [host]))
                }
                reports += parts.map { _ in HostReport(host: host, status: .ok) }
            }
        }
        var stopped: Set<String> = []
        for group in groups {
            await runHandlerItems(group.items, hosts: group.hosts, playHosts: playHosts, stopped: &stopped, reports: &reports)
        }
        return reports
    }

    /// Runs loaded handler items in order. As ansible-core 2.19 does in a handler: a block's body
    /// only (its rescue and always sections do not run), and includes inside load and run in turn.
    private mutating func runHandlerItems(_ items: [CompiledItem], hosts: [String], playHosts: PlayHosts,
                                          stopped: inout Set<String>, reports: inout [HostReport]) async {
        for item in items {
            let live = hosts.filter { !stopped.contains($0) }
            guard !live.isEmpty else { return }
            switch item {
            case .task(let task):
                events.emit(.taskStarted(TaskInfo(name: bannerName(task, host: live[0], hosts: playHosts),
                                                  kind: .handler, location: task.task.location)))
                let outcomes = await run(task, on: live, hosts: playHosts, kind: .handler)
                for host in live {
                    guard let outcome = outcomes[host] else { continue }
                    record(outcome, task)
                    reports.append(HostReport(outcome))
                    if outcome.failed || outcome.unreachable { stopped.insert(host) }
                }
            case .block(let block):
                await runHandlerItems(block.body, hosts: live, playHosts: playHosts, stopped: &stopped, reports: &reports)
            case .include(let nested):
                let inner = await runIncludedHandler(nested, hosts: live, playHosts: playHosts)
                reports += inner
                for r in inner where r.failed || r.unreachable { stopped.insert(r.host) }
            }
        }
    }

    private static func signature(_ items: [CompiledItem]) -> [String] {
        items.flatMap { item -> [String] in
            switch item {
            case .task(let task): return [task.task.location.description]
            case .block(let block): return ["block"] + signature(block.body) + ["end"]
            case .include(let include): return ["include " + include.include.location.description]
            }
        }
    }
}
