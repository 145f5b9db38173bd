import OrderedCollections
import PlayLanguage

/// Which handlers each host has been notified for, until a flush runs them. As in Ansible, a
/// notification marks every handler it names, by name or by a `listen` topic, when it is made: a
/// handler named `x` and another listening to `x` both run, and running one consumes only its own.
struct HandlerQueue: Sendable {
    /// Per host, the indexes (in the play's handler list) of the handlers notified.
    private(set) var pending: [String: OrderedSet<Int>] = [:]

    mutating func notify(_ host: String, _ names: [String], among handlers: [CompiledTask]) {
        guard !names.isEmpty else { return }
        for (index, handler) in handlers.enumerated() {
            let answers = [handler.task.name].compactMap { $0 } + handler.task.listen
            if answers.contains(where: names.contains) { pending[host, default: []].append(index) }
        }
    }

    /// The hosts among `eligible` that notified the handler at `index`; their mark is consumed.
    mutating func take(_ index: Int, eligible: [String]) -> [String] {
        let targets = eligible.filter { pending[$0]?.contains(index) ?? false }
        for host in targets { pending[host]?.remove(index) }
        return targets
    }
}

/// A flush in progress: the hosts it serves (fixed when it starts, as in Ansible) and the next
/// handler to consider, in definition order.
struct HandlerFlush: Sendable {
    var eligible: [String]
    var nextHandler = 0
}
