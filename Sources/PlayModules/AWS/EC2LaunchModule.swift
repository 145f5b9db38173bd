import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ec2_launch`: makes sure `count` instances with the given app+version+deployment tags exist and
/// run. Instances already there (pending, running, stopping, stopped) count; stopped ones are
/// started; only the missing number is launched, tagged at launch. With `wait`, waits for every
/// instance to run with both status checks passed. Every instance is added to the inventory
/// as a host named by its id (`addedHosts`; `add_hosts` in the result shows them).
public struct EC2LaunchModule: Module {
    public init() {}

    /// Tags that identify a deployment's instances; the lookup matches on these three.
    static let identityTags = ["app", "version", "deployment"]
    static let liveStates = ["pending", "running", "stopping", "stopped"]

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_launch", arguments: [
        ArgumentSpec("image_id", .string, required: true),
        ArgumentSpec("instance_type", .string, defaultValue: "t3.micro"),
        ArgumentSpec("key_name", .string),
        ArgumentSpec("security_group_ids", .list, elements: .string),
        ArgumentSpec("subnet_id", .string),
        ArgumentSpec("count", .int, defaultValue: 1),
        ArgumentSpec("tags", .dict, required: true),
        ArgumentSpec("user_data", .string),
        ArgumentSpec("wait", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .float, defaultValue: 300),
        ArgumentSpec("group", .string, defaultValue: "launched"),
        ArgumentSpec("host_vars", .dict, defaultValue: .emptyDict),
        ArgumentSpec("address", .string, choices: ["private", "public"], defaultValue: "private"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await launch(context) }
    }

    private func launch(_ context: ModuleContext) async throws -> TaskResult {
        guard let imageID = context.string("image_id"), !imageID.isEmpty else { throw AWSModuleError("image_id is required") }
        let count = context.int("count") ?? 1
        guard count >= 1 else { throw AWSModuleError("count must be at least 1, got \(count)") }
        var tags: [String: String] = [:]
        for (key, value) in context.args["tags"]?.dictValue ?? [:] where !value.isNull { tags[key] = value.renderedString }
        let missingTags = Self.identityTags.filter { (tags[$0] ?? "").isEmpty }
        guard missingTags.isEmpty else {
            throw AWSModuleError("tags must contain app, version and deployment (missing: \(missingTags.joined(separator: ", "))): they are how ec2_launch finds a deployment's instances again")
        }
        let wait = context.bool("wait", default: true)
        let address = context.string("address") ?? "private"
        if address == "public" && !wait {
            throw AWSModuleError("address: public needs wait: true (AWS assigns public addresses as instances start)")
        }
        let session = try await context.awsSession()
        let ec2 = session.ec2
        let identity = Self.identityTags.map { "\($0)=\(tags[$0]!)" }.joined(separator: ", ")

        let found = try await AWSModuleError.wrapping("looking up instances tagged \(identity)") {
            try await ec2.findInstances(tags: tags.filter { Self.identityTags.contains($0.key) }, states: Self.liveStates)
        }.sorted(by: EC2Instance.launchOrder)
        let toStart = found.filter { $0.state.name == "stopped" || $0.state.name == "stopping" }.map(\.instanceID)
        let missing = max(0, count - found.count)

        if context.checkMode {
            var result = found.resultEntries
            result["launched"] = []
            result["would_launch"] = .int(missing)
            result["would_start"] = .list(toStart.map(Value.string))
            let additions = try hosts(found, context, address: address, strict: false)
            result["add_hosts"] = .list(additions.map(\.asValue))
            result["msg"] = .string(plan(found: found.count, missing: missing, starting: toStart.count, identity, check: true))
            var checked = TaskResult.ok(changed: missing > 0 || !toStart.isEmpty, result)
            checked.addedHosts = additions
            return checked
        }

        var launched: [EC2Instance] = []
        if missing > 0 {
            context.progress("launching \(missing) instance\(missing == 1 ? "" : "s") of \(imageID) (\(identity))")
            let request = EC2RunInstancesRequest(
                imageID: imageID, instanceType: context.string("instance_type") ?? "t3.micro", count: missing,
                subnetID: context.string("subnet_id"),
                securityGroupIDs: (context.list("security_group_ids") ?? []).map(\.renderedString),
                keyName: context.string("key_name"), userData: context.string("user_data"), tags: tags,
                // Makes a retry after a lost answer safe on AWS: the same token never launches twice.
                clientToken: "play-" + UUID().uuidString.lowercased())
            launched = try await AWSModuleError.wrapping("launching \(missing) instances (\(identity))") {
                try await ec2.runInstances(request)
            }
        }
        var started: [String] = []
        let stoppedNow = found.filter { $0.state.name == "stopped" }.map(\.instanceID)
        if !stoppedNow.isEmpty {
            context.progress("starting \(stoppedNow.count) stopped instances (\(identity))")
            _ = try await AWSModuleError.wrapping("starting stopped instances \(stoppedNow.joined(separator: ", "))") {
                try await ec2.startInstances(stoppedNow)
            }
            started = stoppedNow
        }

        let ids = found.map(\.instanceID) + launched.map(\.instanceID)
        var instances = found + launched
        var base: OrderedDictionary<String, Value> = [:]
        base["launched"] = .list(launched.map { .string($0.instanceID) })
        base["started"] = .list(started.map(Value.string))
        let changed = !launched.isEmpty || !toStart.isEmpty
        let waitingToStart = Set(toStart).subtracting(started)
        if wait || !waitingToStart.isEmpty {
            // Instances still stopping are started once stopped, even without `wait`.
            var pending = waitingToStart
            let outcome = try await waitUntilReady(ids, ec2: ec2, context: context, startWhenStopped: &pending,
                                                   statusChecks: wait)
            started += waitingToStart.subtracting(pending).sorted()
            base["started"] = .list(started.map(Value.string))
            if let failure = outcome.failure {
                instances = outcome.instances ?? instances
                var data = instances.resultEntries
                data.merge(base) { $1 }
                data["changed"] = .bool(changed)
                return .failed(failure, data)
            }
            if let fresh = outcome.instances { instances = fresh }
        }
        var result = instances.resultEntries
        result.merge(base) { $1 }
        let additions: [HostAddition]
        do {
            additions = try hosts(instances, context, address: address, strict: true)
            result["add_hosts"] = .list(additions.map(\.asValue))
        } catch let error as AWSModuleError {
            result["changed"] = .bool(changed)
            return .failed(error.message, result)
        }
        result["msg"] = .string(plan(found: found.count, missing: launched.count, starting: started.count, identity, check: false)
            + (found.count > count ? "; \(found.count - count) more than count \(count) exist and were left alone" : ""))
        var done = TaskResult.ok(changed: changed, result)
        done.addedHosts = additions
        return done
    }

    private func plan(found: Int, missing: Int, starting: Int, _ identity: String, check: Bool) -> String {
        var parts: [String] = []
        if found > 0 { parts.append("\(found) found") }
        if starting > 0 { parts.append("\(starting) \(check ? "to start" : "started")") }
        if missing > 0 { parts.append("\(missing) \(check ? "to launch" : "launched")") }
        return "instances tagged \(identity): " + (parts.isEmpty ? "none" : parts.joined(separator: ", "))
    }

    /// The hosts to add: named by instance id, `ansible_host` their address, then `host_vars`.
    private func hosts(_ instances: [EC2Instance], _ context: ModuleContext, address: String,
                       strict: Bool) throws -> [HostAddition] {
        let group = context.string("group") ?? "launched"
        let extra = context.args["host_vars"]?.dictValue ?? [:]
        return try instances.sorted(by: EC2Instance.launchOrder).compactMap { instance in
            let ip = address == "public" ? instance.publicIPAddress : instance.privateIPAddress
            guard let ip else {
                if !strict { return nil }
                throw AWSModuleError("instance \(instance.instanceID) has no \(address) IP address"
                    + (address == "public" ? " (launch it in a subnet that assigns public addresses, or use address: private)" : ""))
            }
            var vars: OrderedDictionary<String, Value> = [
                "ansible_host": .string(ip), "instance_id": .string(instance.instanceID),
                "private_ip": instance.privateIPAddress.map(Value.string) ?? .null,
            ]
            if let publicIP = instance.publicIPAddress { vars["public_ip"] = .string(publicIP) }
            for (key, value) in extra { vars[key] = value }
            return HostAddition(name: instance.instanceID, groups: [group], variables: vars)
        }
    }

    private struct WaitOutcome {
        var instances: [EC2Instance]?
        var failure: String?
    }

    /// Polls DescribeInstanceStatus for all instances at once until each runs with both checks
    /// `ok` (or just runs, without `statusChecks`); instances listed in `startWhenStopped` are
    /// started, in one call, as soon as they have stopped. Ends with one DescribeInstances for the
    /// final addresses.
    private func waitUntilReady(_ ids: [String], ec2: EC2Client, context: ModuleContext,
                                startWhenStopped: inout Set<String>, statusChecks: Bool) async throws -> WaitOutcome {
        var loop = PollLoop(timeout: context.double("wait_timeout") ?? 300)
        var last: [String: EC2InstanceStatus] = [:]
        while true {
            let statuses: [EC2InstanceStatus]?
            do {
                statuses = try await loop.poll {
                    try await ec2.describeInstanceStatus(instanceIDs: ids, includeAllInstances: true)
                }
            } catch let error as AWSError where error.code == "InvalidInstanceID.NotFound" {
                statuses = nil // new instances can take a moment to be visible to Describe calls
            } catch let error as AWSError {
                throw AWSModuleError(error, while: "waiting for instances \(ids.joined(separator: ", "))")
            }
            if let statuses { for status in statuses { last[status.instanceID] = status } }

            let stopped = startWhenStopped.filter { last[$0]?.state.name == "stopped" }.sorted()
            if !stopped.isEmpty {
                _ = try await AWSModuleError.wrapping("starting instances \(stopped.joined(separator: ", "))") {
                    try await ec2.startInstances(stopped)
                }
                startWhenStopped.subtract(stopped)
            }
            let gone = ids.filter { last[$0]?.state.isTerminal == true }
            if !gone.isEmpty {
                let instances = try? await ec2.describeInstances(instanceIDs: ids)
                let reasons = gone.map { id in
                    let reason = instances?.first { $0.instanceID == id }?.stateReason
                    return "\(id) is \(last[id]!.state.name)" + (reason.map { " (\($0))" } ?? "")
                }
                return WaitOutcome(instances: instances, failure: "instances ended while starting: " + reasons.joined(separator: ", "))
            }
            let ready = ids.filter { id in
                guard let status = last[id] else { return false }
                return statusChecks ? status.isHealthy : status.state.isRunning
            }
            if ready.count == ids.count && startWhenStopped.isEmpty {
                let instances = try await AWSModuleError.wrapping("reading instances \(ids.joined(separator: ", "))") {
                    try await ec2.describeInstances(instanceIDs: ids)
                }
                return WaitOutcome(instances: instances)
            }
            if !statusChecks && startWhenStopped.isEmpty {
                // Without `wait` only the stopping instances mattered; they have been started.
                return WaitOutcome(instances: nil)
            }
            let notReady = ids.filter { !ready.contains($0) }
            if loop.timedOut {
                let instances = try? await ec2.describeInstances(instanceIDs: ids)
                return WaitOutcome(instances: instances, failure: "\(notReady.count) of \(ids.count) instances not ready after \(Int(loop.elapsed))s: "
                    + notReady.map { describe($0, last[$0]) }.joined(separator: ", "))
            }
            context.progress("\(ready.count) of \(ids.count) instances ready; waiting for "
                + notReady.prefix(4).map { describe($0, last[$0]) }.joined(separator: ", ")
                + (notReady.count > 4 ? ", ..." : "") + " \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    private func describe(_ id: String, _ status: EC2InstanceStatus?) -> String {
        guard let status else { return "\(id) (not visible yet)" }
        guard status.state.isRunning else { return "\(id) (\(status.state.name))" }
        return "\(id) (status checks: system \(status.systemStatus ?? "?"), instance \(status.instanceStatus ?? "?"))"
    }
}
