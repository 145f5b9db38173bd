import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// One `autoscaling_group` task's calls: the group's wanted settings from the arguments, create,
/// update (only what differs), instance replacement, deletion, and the waits between.
struct AutoScalingGroupOperation {
    let context: ModuleContext
    let groups: AutoScalingGroups
    let ec2: EC2Client
    let elbv2: ELBv2Client

    var name: String { context.string("name") ?? "" }
    var client: AWSQueryClient { groups.client }
    private func strings(_ key: String) -> [String]? { context.list(key)?.map(\.renderedString) }

    /// `tags` as (key, value, propagate) triples, sorted by key.
    var wantedTags: [(key: String, value: String, propagate: Bool)] {
        var out: [(key: String, value: String, propagate: Bool)] = []
        for item in context.list("tags") ?? [] {
            guard let dict = item.dictValue else { continue }
            let propagate = dict["propagate_at_launch"].map { $0.isTruthy } ?? true
            for (key, value) in dict where key != "propagate_at_launch" { out.append((key, value.renderedString, propagate)) }
        }
        return out.sorted { $0.key < $1.key }
    }

    func encodeTags(_ tags: [(key: String, value: String, propagate: Bool)], into request: inout AWSQueryRequest) {
        for (i, tag) in tags.enumerated() {
            let prefix = "Tags.member.\(i + 1)"
            request.set("\(prefix).Key", tag.key)
            request.set("\(prefix).Value", tag.value)
            request.set("\(prefix).PropagateAtLaunch", tag.propagate)
            request.set("\(prefix).ResourceId", name)
            request.set("\(prefix).ResourceType", "auto-scaling-group")
        }
    }

    /// The `launch_template` argument resolved: its name or id, and its version (the template's
    /// latest when none is given).
    func wantedTemplate() async throws -> (name: String?, id: String?, version: String)? {
        guard let template = context.args["launch_template"]?.dictValue else { return nil }
        let templateName = template["launch_template_name"]?.stringValue, templateID = template["launch_template_id"]?.stringValue
        if let version = template["version"], !version.isNull { return (templateName, templateID, version.renderedString) }
        var describe = EC2Request("DescribeLaunchTemplates")
        if let templateID { describe.list("LaunchTemplateId", [templateID]) } else { describe.list("LaunchTemplateName", [templateName ?? ""]) }
        let found = try await AWSModuleError.wrapping("looking up launch template \(templateName ?? templateID ?? "")") {
            try await ec2.describeItems(describe, set: "launchTemplates")
        }.first
        guard let latest = found?.string("latestVersionNumber") else {
            throw AWSModuleError("Could not find launch template \(templateName ?? templateID ?? "")")
        }
        return (templateName, templateID, latest)
    }

    /// The launch configuration or template parameters (a mixed instances policy wraps the template).
    func encodeLaunch(into request: inout AWSQueryRequest) async throws {
        if let config = context.string("launch_config_name") {
            request.set("LaunchConfigurationName", config)
            return
        }
        guard let template = try await wantedTemplate() else { return }
        var prefix = "LaunchTemplate"
        if let policy = context.args["mixed_instances_policy"]?.dictValue {
            prefix = "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification"
            for (i, type) in (policy["instance_types"]?.listValue ?? []).enumerated() {
                request.set("MixedInstancesPolicy.LaunchTemplate.Overrides.member.\(i + 1).InstanceType", type.renderedString)
            }
            for (key, value) in policy["instances_distribution"]?.dictValue ?? [:] where !value.isNull {
                let member = key.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
                request.set("MixedInstancesPolicy.InstancesDistribution.\(member)", value.renderedString)
            }
        }
        request.set("\(prefix).LaunchTemplateName", template.id == nil ? template.name : nil)
        request.set("\(prefix).LaunchTemplateId", template.id)
        request.set("\(prefix).Version", template.version)
    }

    func create() async throws {
        guard context.int("min_size") != nil, context.int("max_size") != nil,
              context.string("launch_config_name") != nil || context.args["launch_template"]?.dictValue != nil else {
            let missing = ["min_size", "max_size"].filter { context.int($0) == nil }
                + (context.string("launch_config_name") == nil && context.args["launch_template"]?.dictValue == nil ? ["launch_config_name or launch_template"] : [])
            throw AWSModuleError("Missing required arguments for autoscaling group create: \(missing.joined(separator: ","))")
        }
        var request = client.request("CreateAutoScalingGroup")
        request.set("AutoScalingGroupName", name)
        request.set("MinSize", context.int("min_size"))
        request.set("MaxSize", context.int("max_size"))
        request.set("DesiredCapacity", context.int("desired_capacity") ?? context.int("min_size"))
        encodeTags(wantedTags, into: &request)
        request.set("HealthCheckGracePeriod", context.int("health_check_period"))
        request.set("HealthCheckType", context.string("health_check_type"))
        request.set("DefaultCooldown", context.int("default_cooldown"))
        request.members("TerminationPolicies", strings("termination_policies") ?? [])
        let subnets = strings("vpc_zone_identifier") ?? []
        var zones = strings("availability_zones") ?? []
        if subnets.isEmpty && zones.isEmpty {
            zones = try await AWSModuleError.wrapping("listing availability zones") {
                try await ec2.describeItems(EC2Request("DescribeAvailabilityZones"), set: "availabilityZoneInfo")
            }.compactMap { $0.string("zoneName") }
        }
        if !subnets.isEmpty { request.set("VPCZoneIdentifier", subnets.joined(separator: ",")) }
        request.members("AvailabilityZones", zones)
        request.set("PlacementGroup", context.string("placement_group"))
        request.members("LoadBalancerNames", strings("load_balancers") ?? [])
        request.members("TargetGroupARNs", strings("target_group_arns") ?? [])
        request.set("MaxInstanceLifetime", context.int("max_instance_lifetime"))
        try await encodeLaunch(into: &request)
        _ = try await AWSModuleError.wrapping("Failed to create Autoscaling Group.") { try await client.send(request, idempotent: false) }
        if context.bool("metrics_collection") { try await setMetrics(enabled: true) }
        if let created = try await groups.group(name) { _ = try await suspendProcesses(created) }
        if context.bool("wait_for_instances", default: true) {
            try await waitForViable(context.int("desired_capacity") ?? context.int("min_size") ?? 0)
        }
        try await putNotifications()
    }

    /// Brings an existing group to the arguments; true when something changed.
    func update(_ group: XMLTree) async throws -> Bool {
        var changed = try await suspendProcesses(group)
        changed = try await updateTags(group) || changed
        changed = try await updateAttachments(group, list: "TargetGroupARNs", argument: "target_group_arns",
                                              attach: ("AttachLoadBalancerTargetGroups", "TargetGroupARNs"),
                                              detach: ("DetachLoadBalancerTargetGroups", "TargetGroupARNs")) || changed
        changed = try await updateAttachments(group, list: "LoadBalancerNames", argument: "load_balancers",
                                              attach: ("AttachLoadBalancers", "LoadBalancerNames"),
                                              detach: ("DetachLoadBalancers", "LoadBalancerNames")) || changed

        var request = client.request("UpdateAutoScalingGroup")
        request.set("AutoScalingGroupName", name)
        var differs = false
        func compare(_ member: String, _ wanted: Int?) {
            guard let wanted, group.int(member) != wanted else { return }
            request.set(member, wanted)
            differs = true
        }
        compare("MinSize", context.int("min_size"))
        compare("MaxSize", context.int("max_size"))
        compare("DesiredCapacity", context.int("desired_capacity"))
        compare("HealthCheckGracePeriod", context.int("health_check_period"))
        compare("DefaultCooldown", context.int("default_cooldown"))
        compare("MaxInstanceLifetime", context.int("max_instance_lifetime"))
        if let type = context.string("health_check_type"), group.string("HealthCheckType") != type {
            request.set("HealthCheckType", type)
            differs = true
        }
        if let subnets = strings("vpc_zone_identifier"), !subnets.isEmpty,
           Set((group.string("VPCZoneIdentifier") ?? "").split(separator: ",").map(String.init)) != Set(subnets) {
            request.set("VPCZoneIdentifier", subnets.joined(separator: ","))
            differs = true
        }
        if let zones = strings("availability_zones"), !zones.isEmpty,
           Set(group.list("AvailabilityZones", item: "member").map(\.text)) != Set(zones) {
            request.members("AvailabilityZones", zones)
            differs = true
        }
        if let policies = strings("termination_policies"), group.list("TerminationPolicies", item: "member").map(\.text) != policies {
            request.members("TerminationPolicies", policies)
            differs = true
        }
        if let config = context.string("launch_config_name"), group.string("LaunchConfigurationName") != config {
            request.set("LaunchConfigurationName", config)
            differs = true
        } else if let wanted = try await wantedTemplate() {
            let have = group.child("LaunchTemplate")
            let sameTemplate = wanted.id.map { $0 == have?.string("LaunchTemplateId") } ?? (wanted.name == have?.string("LaunchTemplateName"))
            if have == nil || !sameTemplate || have?.string("Version") != wanted.version {
                try await encodeLaunch(into: &request)
                differs = true
            }
        }
        if differs {
            _ = try await AWSModuleError.wrapping("Failed to update Autoscaling Group.") { try await client.send(request) }
        }
        let metricsEnabled = !(group.child("EnabledMetrics")?.children("member").isEmpty ?? true)
        if context.bool("metrics_collection") != metricsEnabled {
            try await setMetrics(enabled: context.bool("metrics_collection"))
            changed = true
        }
        try await putNotifications()
        if context.bool("wait_for_instances", default: true) {
            try await waitForViable(context.int("desired_capacity") ?? group.int("DesiredCapacity") ?? 0)
        }
        return changed || differs
    }

    func result(changed: Bool) async throws -> TaskResult {
        guard let group = try await groups.group(name) else { throw AWSModuleError("No auto scaling group found with the name \(name)") }
        let arns = group.list("TargetGroupARNs", item: "member").map(\.text)
        let names = try await AutoScalingGroups.targetGroupNames(arns, elbv2: elbv2)
        return .ok(changed: changed, AutoScalingGroups.properties(group, targetGroupNames: names))
    }
}
