import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `autoscaling_group` (old name `ec2_asg`): a group from a launch configuration or a
/// launch template, its size, subnets or zones, load balancers and target groups, health check,
/// tags (`propagate_at_launch`), suspended processes and metrics; `replace_all_instances` rolls
/// the instances onto the current configuration in batches; `wait_for_instances` waits until
/// the desired number are healthy and in service (and healthy in their target groups). Returns
/// the collection's flattened group properties.
public struct AutoScalingGroupModule: Module {
    public init() {}

    static let notificationTypes = ["autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
                                    "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"]
    static let metrics = ["GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances",
                          "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]

    public let spec = ModuleSpec(groups: ["aws"], name: "autoscaling_group", aliases: ["ec2_asg"], arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["group_name"]),
        ArgumentSpec("load_balancers", .list, elements: .string),
        ArgumentSpec("target_group_arns", .list, elements: .string),
        ArgumentSpec("availability_zones", .list, elements: .string),
        ArgumentSpec("launch_config_name", .string),
        ArgumentSpec("launch_template", .dict),
        ArgumentSpec("min_size", .int),
        ArgumentSpec("max_size", .int),
        ArgumentSpec("max_instance_lifetime", .int),
        ArgumentSpec("mixed_instances_policy", .dict),
        ArgumentSpec("placement_group", .string),
        ArgumentSpec("desired_capacity", .int),
        ArgumentSpec("vpc_zone_identifier", .list, elements: .string),
        ArgumentSpec("replace_batch_size", .int, defaultValue: 1),
        ArgumentSpec("replace_all_instances", .bool, defaultValue: false),
        ArgumentSpec("replace_instances", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("detach_instances", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("decrement_desired_capacity", .bool, defaultValue: false),
        ArgumentSpec("lc_check", .bool, defaultValue: true),
        ArgumentSpec("lt_check", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .int, defaultValue: 300),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("tags", .list, defaultValue: .list([]), elements: .dict),
        ArgumentSpec("purge_tags", .bool, defaultValue: false),
        ArgumentSpec("health_check_period", .int, defaultValue: 300),
        ArgumentSpec("health_check_type", .string, choices: ["EC2", "ELB"], defaultValue: "EC2"),
        ArgumentSpec("default_cooldown", .int, defaultValue: 300),
        ArgumentSpec("wait_for_instances", .bool, defaultValue: true),
        ArgumentSpec("termination_policies", .list, defaultValue: .list(["Default"]), elements: .string),
        ArgumentSpec("notification_topic", .string),
        ArgumentSpec("notification_types", .list, defaultValue: .list(notificationTypes.map(Value.string)), elements: .string),
        ArgumentSpec("suspend_processes", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("metrics_collection", .bool, defaultValue: false),
        ArgumentSpec("metrics_granularity", .string, defaultValue: "1Minute"),
        ArgumentSpec("metrics_list", .list, defaultValue: .list(metrics.map(Value.string)), elements: .string),
    ] + AWSArguments.specs, mutuallyExclusive: [["replace_all_instances", "replace_instances"],
                                                ["replace_all_instances", "detach_instances"],
                                                ["launch_config_name", "launch_template"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let session = try await context.awsSession().session
            let group = AutoScalingGroupOperation(context: context, groups: AutoScalingGroups(client: session.autoScaling()),
                                                  ec2: session.ec2(), elbv2: session.elbv2())
            let found = try await group.groups.group(group.name)
            if context.string("state") == "absent" {
                guard found != nil else { return .ok(changed: false) }
                if !context.checkMode { try await group.delete() }
                return .ok(changed: true)
            }
            if found == nil {
                if context.checkMode { return .ok(changed: true, ["msg": "Would have created AutoScalingGroup if not in check_mode."]) }
                try await group.create()
                return try await group.result(changed: true)
            }
            if context.checkMode {
                return .ok(changed: true, ["msg": "Would have modified AutoScalingGroup if required if not in check_mode."])
            }
            guard let found else { return .ok(changed: false) }
            var changed = try await group.update(found)
            changed = try await group.replaceInstances() || changed
            return try await group.result(changed: changed)
        }
    }
}
