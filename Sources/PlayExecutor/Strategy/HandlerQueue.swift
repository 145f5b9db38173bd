import OrderedCollections
import PlayLanguage

/// The handler names and `listen` topics each host has been notified of, until a flush runs them.
struct HandlerQueue: Sendable {
    private(set) var notified: [String: OrderedSet<String>] = [:]

    mutating func notify(_ host: String, _ names: [String]) {
        for name in names { notified[host, default: []].append(name) }
    }

    /// The hosts among `eligible` that notified `handler` by name or by one of its `listen` topics;
    /// their notifications for it are consumed.
    mutating func take(_ handler: CompiledTask, eligible: [String]) -> [String] {
        let names = Set([handler.task.name].compactMap { $0 } + handler.task.listen)
        let targets = eligible.filter { host in notified[host]?.contains { names.contains($0) } ?? false }
        for host in targets { notified[host]?.removeAll { names.contains($0) } }
        return targets
    }
}

/// A flush in progress: the hosts it serves (fixed when it starts, as in Ansible) and the next
/// handler to consider, in definition order.
struct HandlerFlush: Sendable {
    var eligible: [String]
    var nextHandler = 0
}
