import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

extension EC2InstanceModule {
    /// Instances found: tags brought in line, then the state asked for.
    func handleExisting(_ context: ModuleContext, _ ec2: EC2Client, _ instances: [Value], state: String) async throws -> TaskResult {
        let ids = instances.map(\.instanceID)
        var changed = try await syncTags(context, ec2, instances)
        var result: OrderedDictionary<String, Value> = ["changes": .list([]), "instance_ids": .list(ids.map(Value.string)),
                                                        "instances": .list(instances)]
        let stateResult = try await changeStates(context, ec2, instances, to: state)
        if let stateResult {
            changed = changed || stateResult.changed
            result.merge(stateResult.data) { $1 }
        }
        return .ok(changed: changed, result)
    }

    /// `state: terminated/absent` on the instances found.
    func changeState(_ context: ModuleContext, _ ec2: EC2Client, _ instances: [Value], to state: String) async throws -> TaskResult {
        var result: OrderedDictionary<String, Value> = ["instances": .list(instances)]
        let outcome = try await changeStates(context, ec2, instances, to: state)
        if let outcome {
            result.merge(outcome.data) { $1 }
            // The collection reports terminated instances as they are after the call.
            if !context.checkMode { result["instances"] = .list(try await describe(ec2, ids: instances.map(\.instanceID))) }
        }
        return .ok(changed: outcome?.changed ?? false, result)
    }

    struct StateOutcome {
        var changed: Bool
        var data: OrderedDictionary<String, Value>
    }

    /// Starts, stops, reboots or terminates the instances not yet in `state`; nil when nothing
    /// had to be done. Reports `msg` and `<verb>_success`/`<verb>_failed` as the collection does.
    func changeStates(_ context: ModuleContext, _ ec2: EC2Client, _ instances: [Value], to state: String) async throws -> StateOutcome? {
        let (verbs, target, message): ([String], String, String)
        switch state {
        case "stopped": (verbs, target, message) = (["stop"], "stopped", "Instances stopped")
        case "terminated", "absent": (verbs, target, message) = (["terminate"], "terminated", "Instances terminated")
        case "restarted", "rebooted": (verbs, target, message) = (["reboot"], "running", "Instances restarted")
        default: (verbs, target, message) = (["reboot", "start"], "running", "Instances started")
        }
        let pending = instances.filter { instance in
            let current = instance.instanceStateName
            switch target {
            case "stopped": return current != "stopped" && current != "stopping"
            case "terminated": return current != "terminated" && current != "shutting-down"
            default: return state == "restarted" || state == "rebooted" || (current != "running" && current != "pending")
            }
        }.map(\.instanceID)
        guard !pending.isEmpty else {
            if context.bool("wait", default: true) && !context.checkMode {
                _ = try await waitFor(context, ec2, ids: instances.map(\.instanceID), state: target)
            }
            return nil
        }
        var data: OrderedDictionary<String, Value> = ["msg": .string(message)]
        if context.checkMode {
            data["msg"] = .string("Would have \(message.dropFirst("Instances ".count)) instances if not in check_mode.")
            return StateOutcome(changed: true, data: data)
        }
        let ids = pending
        try await AWSModuleError.wrapping("\(verbs.last!)ing \(ids.joined(separator: ", "))") {
            switch target {
            case "stopped": _ = try await ec2.stopInstances(ids)
            case "terminated": _ = try await ec2.terminateInstances(ids)
            default:
                if state == "restarted" || state == "rebooted" {
                    var request = EC2Request("RebootInstances")
                    request.list("InstanceId", ids)
                    _ = try await ec2.send(request)
                } else {
                    _ = try await ec2.startInstances(ids)
                }
            }
        }
        for verb in verbs {
            data["\(verb)_failed"] = .list([])
            data["\(verb)_success"] = .list(ids.map(Value.string))
        }
        if context.bool("wait", default: true) { _ = try await waitFor(context, ec2, ids: ids, state: target) }
        return StateOutcome(changed: true, data: data)
    }

    /// `exact_count`: launches the missing instances or terminates the oldest extra ones, then
    /// brings every match in line as for existing instances (that result wins when it changed).
    func enforceCount(_ context: ModuleContext, _ ec2: EC2Client, _ existing: [Value], exact: Int, state: String,
                      filters: [EC2Filter]) async throws -> TaskResult {
        if existing.count == exact {
            let result = try await handleExisting(context, ec2, existing, state: state)
            if result.changed { return result }
            return .ok(changed: false, ["instances": .list(existing), "instance_ids": .list(existing.map { .string($0.instanceID) }),
                                        "msg": .string("\(exact) instances already \(state), nothing to do.")])
        }
        var result: TaskResult
        if existing.count < exact {
            result = try await launch(context, ec2, count: exact - existing.count, state: state, existing: existing)
        } else {
            let oldestFirst = existing.sorted { ($0["launch_time"]?.renderedString ?? "") < ($1["launch_time"]?.renderedString ?? "") }
            let all = oldestFirst.map(\.instanceID)
            let extra = Array(all.prefix(existing.count - exact))
            if context.checkMode {
                return .ok(changed: true, ["terminated_ids": .list(extra.map(Value.string)), "instance_ids": .list(all.map(Value.string)),
                                           "msg": .string("Would have terminated following instances if not in check mode \(extra)")])
            }
            _ = try await AWSModuleError.wrapping("terminating \(extra.joined(separator: ", "))") { try await ec2.terminateInstances(extra) }
            _ = try await waitFor(context, ec2, ids: extra, state: "terminated")
            result = .ok(changed: true, ["msg": "Successfully terminated instances.", "terminated_ids": .list(extra.map(Value.string)),
                                         "instance_ids": .list(all.map(Value.string)), "instances": .list(oldestFirst)])
        }
        if context.checkMode || result.failed { return result }
        let refreshed = try await describe(ec2, filters: filters)
        let updated = try await handleExisting(context, ec2, refreshed, state: state)
        return updated.changed ? updated : result
    }

    /// Adds and (with `purge_tags`) removes tags so each instance carries exactly the task's.
    func syncTags(_ context: ModuleContext, _ ec2: EC2Client, _ instances: [Value]) async throws -> Bool {
        guard let wanted = desiredTags(context) else { return false }
        var changed = false
        for instance in instances {
            var have: [String: String] = [:]
            for (key, value) in instance["tags"]?.dictValue ?? [:] { have[key] = value.renderedString }
            let (add, remove) = ResourceTags.changes(have, wanted, purge: context.bool("purge_tags", default: true))
            guard !add.isEmpty || !remove.isEmpty else { continue }
            changed = true
            if context.checkMode { continue }
            let id = instance.instanceID
            try await AWSModuleError.wrapping("tagging \(id)") {
                try await ec2.createTags(resourceIDs: [id], tags: add)
                try await ec2.deleteTags(resourceIDs: [id], keys: remove)
            }
        }
        return changed
    }

    /// Polls DescribeInstances until every instance is in `state`; fails after `wait_timeout`.
    func waitFor(_ context: ModuleContext, _ ec2: EC2Client, ids: [String], state: String) async throws -> [Value] {
        var loop = PollLoop(timeout: Double(context.int("wait_timeout") ?? 600))
        while true {
            let instances = try await loop.poll { try await describe(ec2, ids: ids) } ?? []
            let behind = instances.filter { $0.instanceStateName != state }
            if behind.isEmpty && instances.count >= ids.count { return instances }
            if loop.timedOut {
                throw AWSModuleError("timed out after \(Int(loop.elapsed))s waiting for instances to be \(state): "
                    + behind.map { "\($0.instanceID) is \($0.instanceStateName)" }.joined(separator: ", "))
            }
            context.progress("waiting for \(behind.count) instance(s) to be \(state) \(loop.progressSuffix)")
            try await loop.pause()
        }
    }
}
