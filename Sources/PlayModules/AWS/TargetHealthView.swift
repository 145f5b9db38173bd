import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// One DescribeTargetHealth answer seen from the targets a module asked about: each target's
/// health (a target missing from the answer is `unused`/`Target.NotRegistered`), counts and
/// progress text.
struct TargetHealthView {
    let targets: [ELBv2Target]
    let names: [ELBv2Target: String]
    private(set) var health: [ELBv2Target: ELBv2TargetHealth] = [:]

    init(targets: [ELBv2Target], answer: [ELBv2TargetHealth]) {
        self.targets = targets
        self.names = TargetArgument.names(targets)
        for target in targets {
            // AWS fills in the group's port when the request had none: match on it only when asked with one.
            let match = answer.first { $0.target.id == target.id && (target.port == nil || $0.target.port == target.port) }
            health[target] = match ?? ELBv2TargetHealth(target: target, state: ELBv2TargetHealth.unused,
                                                        reason: "Target.NotRegistered")
        }
    }

    /// Uses these answers instead of the ones read (failures remembered from earlier polls).
    mutating func replace(_ answers: [ELBv2Target: ELBv2TargetHealth]) {
        for (target, answer) in answers where health[target] != nil { health[target] = answer }
    }

    func state(_ target: ELBv2Target) -> String { health[target]?.state ?? ELBv2TargetHealth.unused }

    func name(_ target: ELBv2Target) -> String { names[target] ?? target.id }

    /// Registered in the group (draining ones are on their way out, so not counted).
    func isRegistered(_ target: ELBv2Target) -> Bool {
        guard let h = health[target] else { return false }
        return h.isRegistered && h.state != ELBv2TargetHealth.draining
    }

    /// Not listed, or `unused`: what "drained" means (no traffic goes to it and none will).
    func isGone(_ target: ELBv2Target) -> Bool {
        guard let h = health[target] else { return true }
        return h.state == ELBv2TargetHealth.unused
    }

    /// A registered target that will not become healthy by waiting: failed checks, or the
    /// instance is not running (`unused` with `Target.InvalidState`).
    func hasFailed(_ target: ELBv2Target) -> Bool {
        guard let h = health[target] else { return false }
        return h.state == ELBv2TargetHealth.unhealthy
            || (h.state == ELBv2TargetHealth.unused && h.reason == "Target.InvalidState")
    }

    func isHealthy(_ target: ELBv2Target) -> Bool { health[target]?.isHealthy ?? false }

    /// `{name: state}` for results.
    var states: Value {
        var out = OrderedDictionary<String, Value>()
        for target in targets { out[name(target)] = .string(state(target)) }
        return .dict(out)
    }

    /// "2 healthy, 1 initial, 1 unhealthy" in a fixed order of states.
    var summary: String {
        var counts: [String: Int] = [:]
        for target in targets { counts[state(target), default: 0] += 1 }
        let order = ["healthy", "initial", "unhealthy", "draining", "unused", "unavailable"]
        let known = order.compactMap { state in counts[state].map { "\($0) \(state)" } }
        let other = counts.keys.filter { !order.contains($0) }.sorted().map { "\(counts[$0]!) \($0)" }
        return (known + other).joined(separator: ", ")
    }

    /// "i-1 (unhealthy: Target.ResponseCodeMismatch, Health checks failed with these codes: [500])".
    func explain(_ target: ELBv2Target) -> String {
        guard let h = health[target] else { return name(target) }
        var detail = h.state
        if let reason = h.reason { detail += ": \(reason)" }
        if let description = h.description { detail += ", \(description)" }
        return "\(name(target)) (\(detail))"
    }
}
