import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// The group's secondary settings: tags, attached target groups and load balancers, suspended
/// processes, metrics and notifications. Each returns whether it changed something.
extension AutoScalingGroupOperation {
    func updateTags(_ group: XMLTree) async throws -> Bool {
        let have = group.list("Tags", item: "member").map {
            (key: $0.string("Key") ?? "", value: $0.string("Value") ?? "", propagate: $0.bool("PropagateAtLaunch") ?? false)
        }
        let want = wantedTags
        let wantedKeys = Set(want.map(\.key))
        var changed = false
        let purge = context.bool("purge_tags")
        let dead = have.filter { !wantedKeys.contains($0.key) }
        if !dead.isEmpty && (purge || !want.isEmpty) {
            if purge {
                var request = client.request("DeleteTags")
                encodeTags(dead, into: &request)
                _ = try await AWSModuleError.wrapping("deleting tags of \(name)") { try await client.send(request) }
            }
            changed = true
        }
        let update = want.filter { wanted in !have.contains { $0.key == wanted.key && $0.value == wanted.value && $0.propagate == wanted.propagate } }
        if !update.isEmpty {
            var request = client.request("CreateOrUpdateTags")
            encodeTags(update, into: &request)
            _ = try await AWSModuleError.wrapping("tagging \(name)") { try await client.send(request) }
            changed = true
        }
        return changed
    }

    /// Attaches what the argument lists and the group lacks, detaches what it has beyond the list.
    func updateAttachments(_ group: XMLTree, list: String, argument: String,
                           attach: (action: String, member: String), detach: (action: String, member: String)) async throws -> Bool {
        guard let wanted = context.list(argument)?.map(\.renderedString) else { return false }
        let have = group.list(list, item: "member").map(\.text)
        let missing = wanted.filter { !have.contains($0) }, extra = have.filter { !wanted.contains($0) }
        for (call, items) in [(attach, missing), (detach, extra)] where !items.isEmpty {
            var request = client.request(call.action)
            request.set("AutoScalingGroupName", name)
            request.members(call.member, items)
            _ = try await AWSModuleError.wrapping("\(call.action) on \(name)") { try await client.send(request) }
        }
        return !missing.isEmpty || !extra.isEmpty
    }

    func suspendProcesses(_ group: XMLTree) async throws -> Bool {
        let wanted = Set(context.list("suspend_processes")?.map(\.renderedString) ?? [])
        let have = Set(group.list("SuspendedProcesses", item: "member").compactMap { $0.string("ProcessName") })
        guard wanted != have else { return false }
        let resume = have.subtracting(wanted).sorted(), suspend = wanted.subtracting(have).sorted()
        for (action, processes) in [("ResumeProcesses", resume), ("SuspendProcesses", suspend)] where !processes.isEmpty {
            var request = client.request(action)
            request.set("AutoScalingGroupName", name)
            request.members("ScalingProcesses", processes)
            _ = try await AWSModuleError.wrapping("\(action) on \(name)") { try await client.send(request) }
        }
        return true
    }

    func setMetrics(enabled: Bool) async throws {
        var request = client.request(enabled ? "EnableMetricsCollection" : "DisableMetricsCollection")
        request.set("AutoScalingGroupName", name)
        if enabled { request.set("Granularity", context.string("metrics_granularity") ?? "1Minute") }
        request.members("Metrics", context.list("metrics_list")?.map(\.renderedString) ?? [])
        _ = try await AWSModuleError.wrapping("setting metrics collection on \(name)") { try await client.send(request) }
    }

    func putNotifications() async throws {
        guard let topic = context.string("notification_topic") else { return }
        var request = client.request("PutNotificationConfiguration")
        request.set("AutoScalingGroupName", name)
        request.set("TopicARN", topic)
        request.members("NotificationTypes", context.list("notification_types")?.map(\.renderedString) ?? [])
        _ = try await AWSModuleError.wrapping("configuring notifications of \(name)") { try await client.send(request) }
    }
}
