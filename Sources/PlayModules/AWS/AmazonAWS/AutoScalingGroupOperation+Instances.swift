import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// The group's instances: waiting until enough are viable (and healthy in the group's target
/// groups), rolling replacement in batches, detaching, and emptying the group before deletion.
extension AutoScalingGroupOperation {
    var waitTimeout: Double { Double(context.int("wait_timeout") ?? 300) }

    /// Waits until `desired` instances are Healthy and InService, then until every one of them is
    /// healthy in each of the group's target groups.
    func waitForViable(_ desired: Int) async throws {
        var loop = PollLoop(timeout: waitTimeout, interval: 2)
        while true {
            guard let group = try await loop.poll({ try await groups.group(name) }) ?? nil else { return }
            let properties = AutoScalingGroups.properties(group, targetGroupNames: [])
            let viable = properties["viable_instances"]?.intValue ?? 0
            if viable >= desired {
                try await waitForTargetHealth(group, loop: &loop)
                return
            }
            if loop.timedOut { throw AWSModuleError("Waited too long for new instances to become viable. \(viable) of \(desired) \(loop.progressSuffix)") }
            context.progress("\(name): \(viable) of \(desired) instances viable \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    private func waitForTargetHealth(_ group: XMLTree, loop: inout PollLoop) async throws {
        let arns = group.list("TargetGroupARNs", item: "member").map(\.text)
        let ids = Set(group.list("Instances", item: "member").compactMap { $0.string("InstanceId") })
        guard !arns.isEmpty, !ids.isEmpty else { return }
        while true {
            var unhealthy = 0
            for arn in arns {
                let health = try await AWSModuleError.wrapping("reading target health") {
                    try await elbv2.describeTargetHealth(targetGroupARN: arn, targets: ids.sorted().map { ELBv2Target(id: $0) })
                }
                unhealthy += health.filter { $0.state != "healthy" }.count
            }
            if unhealthy == 0 { return }
            if loop.timedOut { throw AWSModuleError("Waited too long for ELB instances to be healthy. \(loop.progressSuffix)") }
            context.progress("\(name): \(unhealthy) targets not yet healthy \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    /// `replace_all_instances` / `replace_instances` (terminated in batches of `replace_batch_size`,
    /// each batch replaced before the next; with `lc_check`/`lt_check` only instances not on the
    /// group's current configuration) and `detach_instances`. True when something changed.
    func replaceInstances() async throws -> Bool {
        guard let group = try await groups.group(name) else { return false }
        var changed = false
        let detach = context.list("detach_instances")?.map(\.renderedString) ?? []
        if !detach.isEmpty {
            var request = client.request("DetachInstances")
            request.set("AutoScalingGroupName", name)
            request.members("InstanceIds", detach)
            request.set("ShouldDecrementDesiredCapacity", context.bool("decrement_desired_capacity"))
            _ = try await AWSModuleError.wrapping("detaching instances from \(name)") { try await client.send(request) }
            changed = true
        }
        let named = context.list("replace_instances")?.map(\.renderedString) ?? []
        guard context.bool("replace_all_instances") || !named.isEmpty else { return changed }
        let config = group.string("LaunchConfigurationName")
        let template = group.child("LaunchTemplate")
        let candidates = group.list("Instances", item: "member").filter { instance in
            let id = instance.string("InstanceId") ?? ""
            if !named.isEmpty && !named.contains(id) { return false }
            if let config, context.bool("lc_check", default: true) { return instance.string("LaunchConfigurationName") != config }
            if let template, context.bool("lt_check", default: true) {
                return instance.string("LaunchTemplate", "LaunchTemplateId") != template.string("LaunchTemplateId")
                    || instance.string("LaunchTemplate", "Version") != template.string("Version")
            }
            return true
        }.compactMap { $0.string("InstanceId") }
        let desired = group.int("DesiredCapacity") ?? 0
        let batch = max(1, context.int("replace_batch_size") ?? 1)
        var index = 0
        while index < candidates.count {
            for id in candidates[index..<min(index + batch, candidates.count)] {
                var request = client.request("TerminateInstanceInAutoScalingGroup")
                request.set("InstanceId", id)
                request.set("ShouldDecrementDesiredCapacity", false)
                _ = try await AWSModuleError.wrapping("replacing instance \(id) of \(name)") { try await client.send(request) }
            }
            index += batch
            context.progress("\(name): replaced \(min(index, candidates.count)) of \(candidates.count) instances")
            try await waitForViable(desired)
        }
        return changed || !candidates.isEmpty
    }

    /// Scales to zero (waiting for the instances to go when `wait_for_instances`), then deletes.
    func delete() async throws {
        let wait = context.bool("wait_for_instances", default: true)
        if wait {
            var request = client.request("UpdateAutoScalingGroup")
            request.set("AutoScalingGroupName", name)
            request.set("MinSize", 0)
            request.set("MaxSize", 0)
            request.set("DesiredCapacity", 0)
            _ = try await AWSModuleError.wrapping("scaling \(name) to zero") { try await client.send(request) }
            var loop = PollLoop(timeout: waitTimeout, interval: 2)
            while let group = try await loop.poll({ try await groups.group(name) }) ?? nil,
                  !group.list("Instances", item: "member").isEmpty {
                if loop.timedOut { throw AWSModuleError("Waited too long for old instances to terminate. \(loop.progressSuffix)") }
                context.progress("\(name): waiting for its instances to terminate \(loop.progressSuffix)")
                try await loop.pause()
            }
        }
        var request = client.request("DeleteAutoScalingGroup")
        request.set("AutoScalingGroupName", name)
        request.set("ForceDelete", wait ? nil : true)
        _ = try await AWSModuleError.wrapping("Failed to delete autoscaling group \(name)") { try await client.send(request) }
    }
}
