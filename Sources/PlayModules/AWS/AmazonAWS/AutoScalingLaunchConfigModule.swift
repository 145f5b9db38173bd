import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `autoscaling_launch_config` (old name `ec2_lc`): a launch configuration by
/// name. Launch configurations cannot change: one that exists is left as it is (and, as the
/// collection does, the result then echoes the requested settings). Security groups may be
/// names (resolved in `vpc_id`). `state: absent` deletes it.
public struct AutoScalingLaunchConfigModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "autoscaling_launch_config", aliases: ["ec2_lc"], arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("image_id", .string),
        ArgumentSpec("instance_id", .string),
        ArgumentSpec("key_name", .string),
        ArgumentSpec("security_groups", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("user_data", .string),
        ArgumentSpec("user_data_path", .path),
        ArgumentSpec("kernel_id", .string),
        ArgumentSpec("volumes", .list, elements: .dict),
        ArgumentSpec("instance_type", .string),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("spot_price", .float),
        ArgumentSpec("ramdisk_id", .string),
        ArgumentSpec("instance_profile_name", .string),
        ArgumentSpec("ebs_optimized", .bool, defaultValue: false),
        ArgumentSpec("instance_monitoring", .bool, defaultValue: false),
        ArgumentSpec("assign_public_ip", .bool),
        ArgumentSpec("classic_link_vpc_security_groups", .list, elements: .string),
        ArgumentSpec("classic_link_vpc_id", .string),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("placement_tenancy", .string, choices: ["default", "dedicated"]),
    ] + AWSArguments.specs, mutuallyExclusive: [["user_data", "user_data_path"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let name = context.string("name") ?? ""
            let session = try await context.awsSession().session
            let groups = AutoScalingGroups(client: session.autoScaling())
            let found = try await groups.launchConfiguration(name)
            if context.string("state") == "absent" {
                guard found != nil else { return .ok(changed: false) }
                if !context.checkMode {
                    var request = groups.client.request("DeleteLaunchConfiguration")
                    request.set("LaunchConfigurationName", name)
                    _ = try await AWSModuleError.wrapping("Failed to delete launch configuration") { try await groups.client.send(request) }
                }
                return .ok(changed: true)
            }
            // The requested configuration, in boto3's member names, as sent and as echoed.
            var wanted = OrderedDictionary<String, Value>()
            for (argument, member) in [("image_id", "ImageId"), ("instance_type", "InstanceType"), ("instance_id", "InstanceId"),
                                       ("placement_tenancy", "PlacementTenancy"), ("key_name", "KeyName"), ("kernel_id", "KernelId"),
                                       ("ramdisk_id", "RamdiskId"), ("spot_price", "SpotPrice")] {
                if let value = context.args[argument], !value.isNull { wanted[member] = .string(value.renderedString) }
            }
            wanted["LaunchConfigurationName"] = .string(name)
            let groupIDs = try await securityGroupIDs(context, session.ec2())
            wanted["SecurityGroups"] = .list(groupIDs.map(Value.string))
            if let id = context.string("classic_link_vpc_id") { wanted["ClassicLinkVPCId"] = .string(id) }
            if let profile = context.string("instance_profile_name") { wanted["IamInstanceProfile"] = .string(profile) }
            if let assign = context.args["assign_public_ip"]?.boolValue { wanted["AssociatePublicIpAddress"] = .bool(assign) }
            var userData = context.string("user_data")
            if let path = context.string("user_data_path") {
                do { userData = try String(contentsOfFile: path, encoding: .utf8) } catch {
                    throw AWSModuleError("Failed to open file for reading: \(path)")
                }
            }
            wanted["EbsOptimized"] = .bool(context.bool("ebs_optimized"))
            let volumes = try (context.list("volumes") ?? []).compactMap { volume -> OrderedDictionary<String, Value>? in
                guard let dict = volume.dictValue else { return nil }
                guard let device = dict["device_name"] else { throw AWSModuleError("Device name must be set for volume") }
                if let size = dict["volume_size"]?.renderedString, Int(size) == 0 { return nil }
                var mapping: OrderedDictionary<String, Value> = ["DeviceName": device]
                if let virtual = dict["ephemeral"] { mapping["VirtualName"] = virtual } else {
                    var ebs = OrderedDictionary<String, Value>()
                    for (key, member) in [("snapshot", "SnapshotId"), ("volume_size", "VolumeSize"), ("volume_type", "VolumeType"),
                                          ("iops", "Iops"), ("throughput", "Throughput"),
                                          ("delete_on_termination", "DeleteOnTermination"), ("encrypted", "Encrypted")] {
                        if let value = dict[key], !value.isNull { ebs[member] = value }
                    }
                    if dict["no_device"]?.isTruthy ?? false { mapping["NoDevice"] = .bool(true) } else { mapping["Ebs"] = .dict(ebs) }
                }
                return mapping
            }

            var changed = false
            var described = found
            if found == nil {
                changed = true
                if context.checkMode { return .ok(changed: true, ["name": .string(name)]) }
                var request = groups.client.request("CreateLaunchConfiguration")
                for (key, value) in wanted {
                    if case .list(let items) = value { request.members(key, items.map(\.renderedString)) } else { request.set(key, value.renderedString) }
                }
                request.members("ClassicLinkVPCSecurityGroups", context.list("classic_link_vpc_security_groups")?.map(\.renderedString) ?? [])
                request.set("InstanceMonitoring.Enabled", context.bool("instance_monitoring"))
                request.set("UserData", userData.map { Data($0.utf8).base64EncodedString() })
                for (i, mapping) in volumes.enumerated() {
                    for (key, value) in mapping {
                        if case .dict(let ebs) = value {
                            for (member, inner) in ebs { request.set("BlockDeviceMappings.member.\(i + 1).Ebs.\(member)", inner.renderedString) }
                        } else {
                            request.set("BlockDeviceMappings.member.\(i + 1).\(key)", value.renderedString)
                        }
                    }
                }
                _ = try await AWSModuleError.wrapping("Failed to create launch configuration") { try await groups.client.send(request, idempotent: false) }
                described = try await groups.launchConfiguration(name)
            }
            return .ok(changed: changed, Self.result(described: found == nil ? described : nil, wanted: wanted,
                                                     monitoring: context.bool("instance_monitoring"), volumes: volumes,
                                                     hideUserData: context.string("user_data_path") != nil, userData: userData))
        }
    }

    /// Security group names resolved to ids (in `vpc_id` when given); ids pass through.
    private func securityGroupIDs(_ context: ModuleContext, _ ec2: EC2Client) async throws -> [String] {
        let given = context.list("security_groups")?.map(\.renderedString) ?? []
        let names = given.filter { !$0.hasPrefix("sg-") }
        guard !names.isEmpty else { return given }
        var request = EC2Request("DescribeSecurityGroups")
        var filters = [EC2Filter("group-name", names)]
        if let vpc = context.string("vpc_id") { filters.append(EC2Filter("vpc-id", [vpc])) }
        request.filters(filters)
        let groups = try await AWSModuleError.wrapping("Failed to get Security Group IDs") { try await ec2.describeItems(request, set: "securityGroupInfo") }
        return try given.map { item in
            if item.hasPrefix("sg-") { return item }
            guard let id = groups.first(where: { $0.string("groupName") == item })?.string("groupId") else {
                throw AWSModuleError("Failed to get Security Group IDs: no security group named '\(item)'")
            }
            return id
        }
    }
}
