import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ec2_state`: brings instances to `running`, `stopped` or `terminated` with one
/// Start/Stop/TerminateInstances call for all that need it, then (with `wait`) polls one
/// DescribeInstances for all of them until each has arrived. Instances in a transition the call
/// cannot interrupt (stopping when asked to run, pending when asked to stop) get their call as
/// soon as they settle. `changed` is true only when some instance's state was changed.
public struct EC2StateModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_state", arguments: [
        ArgumentSpec("instance_ids", .list, required: true, elements: .string),
        ArgumentSpec("state", .string, required: true, choices: ["running", "stopped", "terminated"]),
        ArgumentSpec("wait", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .float, defaultValue: 300),
    ] + AWSArguments.specs)

    /// What to do with an instance in a given state to reach the wanted one.
    enum Step: Equatable {
        /// Already there or on its way by itself.
        case none
        /// Call now.
        case act
        /// Call once the current transition is over.
        case later
        /// Cannot get there (a terminated instance does not start).
        case impossible
    }

    static func step(from current: String, to wanted: String) -> Step {
        switch (wanted, current) {
        case ("running", "running"), ("running", "pending"): return .none
        case ("running", "stopped"): return .act
        case ("running", "stopping"): return .later
        case ("stopped", "stopped"), ("stopped", "stopping"): return .none
        case ("stopped", "running"): return .act
        case ("stopped", "pending"): return .later
        case ("terminated", "terminated"), ("terminated", "shutting-down"): return .none
        case ("terminated", _): return .act
        default: return .impossible
        }
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await change(context) }
    }

    private func change(_ context: ModuleContext) async throws -> TaskResult {
        var ids: [String] = []
        for id in (context.list("instance_ids") ?? []).map(\.renderedString) where !id.isEmpty && !ids.contains(id) { ids.append(id) }
        let wanted = context.string("state") ?? "running"
        if ids.isEmpty { return .ok(changed: false, ["instances": [], "instance_ids": [], "changed_ids": [], "msg": "no instances given"]) }
        let session = try await context.awsSession()
        let ec2 = session.ec2
        func describe() async throws -> [String: EC2Instance] {
            let found = try await AWSModuleError.wrapping("describing instances \(ids.joined(separator: ", "))") {
                try await ec2.describeInstances(instanceIDs: ids)
            }
            return Dictionary(found.map { ($0.instanceID, $0) }, uniquingKeysWith: { a, _ in a })
        }

        var current = try await describe()
        let unknown = ids.filter { current[$0] == nil }
        if !unknown.isEmpty { throw AWSModuleError("instances not found: \(unknown.joined(separator: ", "))") }
        let impossible = ids.filter { Self.step(from: current[$0]!.state.name, to: wanted) == .impossible }
        if !impossible.isEmpty {
            throw AWSModuleError("cannot make \(wanted): " + impossible.map { "\($0) is \(current[$0]!.state.name)" }.joined(separator: ", "),
                                 ids.compactMap { current[$0] }.resultEntries)
        }
        var toChange = Set(ids.filter { Self.step(from: current[$0]!.state.name, to: wanted) != .none })
        if context.checkMode {
            var result = ids.compactMap { current[$0] }.resultEntries
            result["changed_ids"] = .list(ids.filter(toChange.contains).map(Value.string))
            result["msg"] = .string(toChange.isEmpty ? "all \(ids.count) instances are \(wanted)" : "would make \(toChange.count) instances \(wanted)")
            return .ok(changed: !toChange.isEmpty, result)
        }
        let changedIDs = ids.filter(toChange.contains)
        let wait = context.bool("wait", default: true)
        var loop = PollLoop(timeout: context.double("wait_timeout") ?? 300)
        while true {
            let now = ids.filter { toChange.contains($0) && Self.step(from: current[$0]!.state.name, to: wanted) == .act }
            if !now.isEmpty {
                context.progress("\(verbing(wanted)) \(now.count) instances")
                let answers = try await AWSModuleError.wrapping("\(verbing(wanted)) \(now.joined(separator: ", "))") {
                    switch wanted {
                    case "running": return try await ec2.startInstances(now)
                    case "stopped": return try await ec2.stopInstances(now)
                    default: return try await ec2.terminateInstances(now)
                    }
                }
                toChange.subtract(now)
                for answer in answers {
                    if let state = answer.currentState { current[answer.instanceID]?.state = state }
                }
            }
            let arrived = ids.filter { current[$0]!.state.name == wanted }
            if arrived.count == ids.count || (!wait && toChange.isEmpty) { break }
            if loop.timedOut {
                var data = ids.compactMap { current[$0] }.resultEntries
                data["changed_ids"] = .list(changedIDs.map(Value.string))
                data["changed"] = .bool(!changedIDs.isEmpty)
                let late = ids.filter { current[$0]!.state.name != wanted }
                return .failed("\(late.count) of \(ids.count) instances not \(wanted) after \(Int(loop.elapsed))s: "
                    + late.map { "\($0) is \(current[$0]!.state.name)" }.joined(separator: ", "), data)
            }
            // Right after a call, look at once (moto and fast transitions are done already); then poll.
            if now.isEmpty {
                context.progress("\(arrived.count) of \(ids.count) instances \(wanted) \(loop.progressSuffix)")
                try await loop.pause()
            }
            if let fresh = try await loop.poll(describe) {
                for (id, instance) in fresh { current[id] = instance }
            }
            let ended = ids.filter { toChange.contains($0) && Self.step(from: current[$0]!.state.name, to: wanted) == .impossible }
            if !ended.isEmpty {
                throw AWSModuleError("cannot make \(wanted): " + ended.map { "\($0) is \(current[$0]!.state.name)" }.joined(separator: ", "),
                                     ids.compactMap { current[$0] }.resultEntries)
            }
        }
        var result = ids.compactMap { current[$0] }.resultEntries
        result["changed_ids"] = .list(changedIDs.map(Value.string))
        result["msg"] = .string(changedIDs.isEmpty ? "all \(ids.count) instances are \(wanted)"
            : "\(verb(wanted)) \(changedIDs.count) of \(ids.count) instances" + (wait ? "" : " (not waiting)"))
        return .ok(changed: !changedIDs.isEmpty, result)
    }

    private func verbing(_ state: String) -> String {
        switch state {
        case "running": return "starting"
        case "stopped": return "stopping"
        default: return "terminating"
        }
    }

    private func verb(_ state: String) -> String {
        switch state {
        case "running": return "started"
        case "stopped": return "stopped"
        default: return "terminated"
        }
    }
}
