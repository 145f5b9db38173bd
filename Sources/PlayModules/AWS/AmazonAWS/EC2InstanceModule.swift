import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_instance`: finds the instances a task means (`instance_ids`, `filters`, or by
/// default the `Name` tag, subnet and image among the live states), then launches, counts
/// (`exact_count`), retags, starts, stops, reboots or terminates them, and reports what it saw in
/// the collection's shape (`instance_ids`, `instances`, `changes`, `spec`, `*_success`/`*_failed`).
public struct EC2InstanceModule: Module {
    public init() {}

    static let liveStates = ["pending", "running", "stopping", "stopped"]
    /// Arguments the collection takes that play does not act on yet: refused, never ignored.
    static let notYetSupported = ["aap_callback", "license_specifications", "network_interfaces", "network_interfaces_ids",
                                  "source_dest_check"]

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_instance", arguments: [
        ArgumentSpec("state", .string, choices: ["present", "started", "running", "stopped", "restarted", "rebooted",
                                                 "terminated", "absent"], defaultValue: "present"),
        ArgumentSpec("wait", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .int, defaultValue: 600),
        ArgumentSpec("count", .int),
        ArgumentSpec("exact_count", .int),
        ArgumentSpec("image", .dict),
        ArgumentSpec("image_id", .string),
        ArgumentSpec("instance_type", .string),
        ArgumentSpec("user_data", .string),
        ArgumentSpec("aap_callback", .dict, aliases: ["tower_callback"]),
        ArgumentSpec("ebs_optimized", .bool),
        ArgumentSpec("vpc_subnet_id", .string, aliases: ["subnet_id"]),
        ArgumentSpec("availability_zone", .string),
        ArgumentSpec("security_groups", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("security_group", .string),
        ArgumentSpec("iam_instance_profile", .string, aliases: ["instance_role"]),
        ArgumentSpec("name", .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("filters", .dict),
        ArgumentSpec("launch_template", .dict),
        ArgumentSpec("license_specifications", .list, elements: .dict),
        ArgumentSpec("key_name", .string),
        ArgumentSpec("cpu_credit_specification", .string, choices: ["standard", "unlimited"]),
        ArgumentSpec("cpu_options", .dict),
        ArgumentSpec("tenancy", .string, choices: ["dedicated", "default"]),
        ArgumentSpec("placement_group", .string),
        ArgumentSpec("placement", .dict),
        ArgumentSpec("instance_initiated_shutdown_behavior", .string, choices: ["stop", "terminate"]),
        ArgumentSpec("termination_protection", .bool),
        ArgumentSpec("hibernation_options", .bool, defaultValue: false),
        ArgumentSpec("detailed_monitoring", .bool),
        ArgumentSpec("instance_ids", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("network", .dict),
        ArgumentSpec("volumes", .list, elements: .dict),
        ArgumentSpec("metadata_options", .dict),
        ArgumentSpec("additional_info", .string),
        ArgumentSpec("network_interfaces_ids", .list, elements: .dict),
        ArgumentSpec("network_interfaces", .list, elements: .dict),
        ArgumentSpec("source_dest_check", .bool),
    ] + AWSArguments.specs, mutuallyExclusive: [
        ["security_groups", "security_group"], ["availability_zone", "vpc_subnet_id"], ["aap_callback", "user_data"],
        ["image_id", "image"], ["exact_count", "count"], ["exact_count", "instance_ids"], ["tenancy", "placement"],
        ["placement_group", "placement"], ["network", "network_interfaces"], ["network", "network_interfaces_ids"],
        ["security_group", "network_interfaces_ids"], ["security_groups", "network_interfaces_ids"],
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let refused = Self.notYetSupported.filter { !(context.args[$0]?.isNull ?? true) }
            if !refused.isEmpty { throw AWSModuleError("ec2_instance: \(refused.joined(separator: ", ")) not supported by play yet") }
            let ec2 = try await context.awsSession().ec2
            let state = context.string("state") ?? "present"
            let filters = context.args["filters"].map(EC2Filters.given) ?? defaultFilters(context)
            var existing: [Value] = []
            if !filters.isEmpty { existing = try await describe(ec2, filters: filters) }
            if state == "terminated" || state == "absent" {
                if existing.isEmpty { return .ok(changed: false, ["msg": "No matching instances found"]) }
                return try await changeState(context, ec2, existing, to: state)
            }
            if let exact = context.int("exact_count") {
                return try await enforceCount(context, ec2, existing, exact: exact, state: state, filters: filters)
            }
            if !existing.isEmpty && context.int("count") == nil {
                return try await handleExisting(context, ec2, existing, state: state)
            }
            return try await launch(context, ec2, count: context.int("count") ?? 1, state: state, existing: existing)
        }
    }

    /// The collection's default lookup when neither `filters` nor a launch template is given.
    func defaultFilters(_ context: ModuleContext) -> [EC2Filter] {
        let ids = (context.list("instance_ids") ?? []).map(\.renderedString)
        if !ids.isEmpty { return [EC2Filter("instance-id", ids), EC2Filter("instance-state-name", Self.liveStates)] }
        var filters: [EC2Filter] = []
        if context.args["launch_template"]?.isNull ?? true, let subnet = context.string("vpc_subnet_id") {
            filters.append(EC2Filter("subnet-id", [subnet]))
        }
        if let name = context.string("name") ?? context.args["tags"]?["Name"]?.renderedString {
            filters.append(EC2Filter("tag:Name", [name]))
        }
        if let image = context.string("image_id") ?? context.args["image"]?["id"]?.renderedString {
            filters.append(EC2Filter("image-id", [image]))
        }
        if !filters.isEmpty { filters.append(EC2Filter("instance-state-name", Self.liveStates)) }
        return filters
    }

    func describe(_ ec2: EC2Client, filters: [EC2Filter] = [], ids: [String] = []) async throws -> [Value] {
        var request = EC2Request("DescribeInstances")
        request.list("InstanceId", ids)
        request.filters(filters)
        let reservations = try await AWSModuleError.wrapping("describing instances") {
            try await ec2.describeItems(request, set: "reservationSet")
        }
        return reservations.flatMap { EC2ResultShape.instances($0) }
    }

    /// The tags a task asks for: `tags` plus `Name` from `name`.
    func desiredTags(_ context: ModuleContext) -> [String: String]? {
        var tags = context.args["tags"].map { _ in ResourceTags.given(context) }
        if let name = context.string("name") { tags = (tags ?? [:]).merging(["Name": name]) { $1 } }
        return tags
    }
}

extension Value {
    /// `instance_id` of an instance result.
    var instanceID: String { self["instance_id"]?.renderedString ?? "" }
    var instanceStateName: String { self["state"]?["name"]?.renderedString ?? "" }
}
