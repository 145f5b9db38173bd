import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// What the Auto Scaling modules read: groups and launch configurations, in the collections'
/// shapes (`autoscaling_group`'s flattened properties, `autoscaling_group_info`'s snake_case).
struct AutoScalingGroups {
    let client: AWSQueryClient

    static let shape = QueryResultShape(
        integers: ["MinSize", "MaxSize", "DesiredCapacity", "DefaultCooldown", "HealthCheckGracePeriod", "MaxInstanceLifetime",
                   "GlobalTimeout", "HeartbeatTimeout", "VolumeSize", "Iops", "Throughput", "WeightedCapacity"],
        times: ["CreatedTime"],
        lists: ["AvailabilityZones", "LoadBalancerNames", "TargetGroupARNs", "Instances", "SuspendedProcesses", "EnabledMetrics",
                "Tags", "TerminationPolicies", "LifecycleHooks", "TrafficSources", "BlockDeviceMappings", "SecurityGroups",
                "ClassicLinkVPCSecurityGroups", "LaunchConfigurations", "AutoScalingGroups"],
        structures: ["LaunchTemplate", "InstanceMonitoring", "MixedInstancesPolicy", "Ebs"])

    /// The group called `name`, or nil.
    func group(_ name: String) async throws -> XMLTree? {
        try await first("DescribeAutoScalingGroups", names: "AutoScalingGroupNames", name, list: "AutoScalingGroups",
                        doing: "describing auto scaling group '\(name)'")
    }

    func allGroups() async throws -> [XMLTree] {
        try await AWSModuleError.wrapping("describing auto scaling groups") {
            try await client.members(client.request("DescribeAutoScalingGroups"), list: "AutoScalingGroups")
        }
    }

    func launchConfiguration(_ name: String) async throws -> XMLTree? {
        try await first("DescribeLaunchConfigurations", names: "LaunchConfigurationNames", name, list: "LaunchConfigurations",
                        doing: "describing launch configuration '\(name)'")
    }

    private func first(_ action: String, names: String, _ name: String, list: String, doing: String) async throws -> XMLTree? {
        var request = client.request(action)
        request.members(names, [name])
        return try await AWSModuleError.wrapping(doing) { try await client.members(request, list: list) }.first
    }

    /// A member as boto3 returns it (CamelCase keys), for the fields the collection passes through raw.
    static func raw(_ node: XMLTree) -> Value {
        var raw = shape
        raw.snakeKeys = false
        return .dict(raw.dict(node))
    }

    /// `autoscaling_group`'s result: the group flattened into the collection's property names,
    /// with instance counts by health and lifecycle state.
    static func properties(_ group: XMLTree, targetGroupNames: [String]) -> OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        var facts = OrderedDictionary<String, Value>()
        var counts: [String: Int] = ["healthy_instances": 0, "unhealthy_instances": 0, "in_service_instances": 0,
                                     "terminating_instances": 0, "pending_instances": 0, "viable_instances": 0]
        let instances = group.list("Instances", item: "member")
        for instance in instances {
            let health = instance.string("HealthStatus") ?? "", state = instance.string("LifecycleState") ?? ""
            var fact: OrderedDictionary<String, Value> = ["health_status": .string(health), "lifecycle_state": .string(state)]
            if let config = instance.nonEmpty("LaunchConfigurationName") {
                fact["launch_config_name"] = .string(config)
            } else if let template = instance.child("LaunchTemplate") {
                fact["launch_template"] = raw(template)
            }
            facts[instance.string("InstanceId") ?? ""] = .dict(fact)
            if health == "Healthy" && state == "InService" { counts["viable_instances", default: 0] += 1 }
            counts[health == "Healthy" ? "healthy_instances" : "unhealthy_instances", default: 0] += 1
            if state == "InService" { counts["in_service_instances", default: 0] += 1 }
            if state == "Terminating" { counts["terminating_instances", default: 0] += 1 }
            if state == "Pending" { counts["pending_instances", default: 0] += 1 }
        }
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) { out[key] = .int(count) }
        out["instances"] = .list(instances.map { .string($0.string("InstanceId") ?? "") })
        let snake = shape.dict(group)
        out["auto_scaling_group_name"] = snake["auto_scaling_group_name"] ?? .null
        out["auto_scaling_group_arn"] = snake["auto_scaling_group_arn"] ?? .null
        out["availability_zones"] = snake["availability_zones"] ?? .null
        out["created_time"] = snake["created_time"] ?? .null
        out["instance_facts"] = .dict(facts)
        out["load_balancers"] = snake["load_balancer_names"] ?? .null
        if let config = group.nonEmpty("LaunchConfigurationName") {
            out["launch_config_name"] = .string(config)
        } else {
            out["launch_template"] = group.child("LaunchTemplate").map(raw) ?? .null
        }
        out["tags"] = .list(group.list("Tags", item: "member").map(raw))
        out["max_instance_lifetime"] = snake["max_instance_lifetime"] ?? .null
        for key in ["min_size", "max_size", "desired_capacity", "default_cooldown"] { out[key] = snake[key] ?? .null }
        out["healthcheck_grace_period"] = snake["health_check_grace_period"] ?? .null
        out["healthcheck_type"] = snake["health_check_type"] ?? .null
        out["termination_policies"] = snake["termination_policies"] ?? .null
        out["target_group_arns"] = snake["target_group_arns"] ?? .null
        out["vpc_zone_identifier"] = snake["vpc_zone_identifier"] ?? .null
        out["metrics_collection"] = group.child("EnabledMetrics").map { node in
            .list(node.children("member").sorted { ($0.string("Metric") ?? "") < ($1.string("Metric") ?? "") }.map(raw))
        } ?? .null
        out["target_group_names"] = .list(targetGroupNames.map(Value.string))
        return out
    }

    /// The names of target groups by ARN (ELBv2, 20 a call as the collection asks).
    static func targetGroupNames(_ arns: [String], elbv2: ELBv2Client) async throws -> [String] {
        guard !arns.isEmpty else { return [] }
        var names: [String] = []
        var start = 0
        while start < arns.count {
            let chunk = Array(arns[start..<min(start + 20, arns.count)])
            names += try await AWSModuleError.wrapping("describing target groups") {
                try await elbv2.describeTargetGroups(arns: chunk)
            }.map(\.name)
            start += 20
        }
        return names
    }
}
