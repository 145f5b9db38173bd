import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// `ec2_ami` making a new image: CreateImage from an instance or RegisterImage from snapshots.
struct AMICreation {
    let context: ModuleContext
    let ec2: EC2Client

    /// `launch_permissions` key, the permission's XML member, its Query parameter.
    static let permissionKinds = [("group_names", "group", "Group"), ("user_ids", "userId", "UserId"),
                                  ("org_arns", "organizationArn", "OrganizationArn"),
                                  ("org_unit_arns", "organizationalUnitArn", "OrganizationalUnitArn")]

    func run() async throws -> TaskResult {
        let name = context.string("name") ?? ""
        if context.checkMode {
            var request = EC2Request("DescribeImages")
            request.filters([EC2Filter("name", [name])])
            let found = try await AWSModuleError.wrapping("describing images") { try await ec2.describeItems(request, set: "imagesSet") }
            return found.isEmpty ? .ok(changed: true, ["msg": "Would have created a AMI if not in check mode."])
                : .ok(changed: false, ["msg": "Error registering image: AMI name is already in use by another AMI"])
        }
        let tags = ResourceTags.given(context)
        let fromInstance = context.string("instance_id") != nil
        var spec: OrderedDictionary<String, Value> = ["Name": .string(name)]
        if let description = context.string("description"), !description.isEmpty { spec["Description"] = .string(description) }
        let mappings = (context.list("device_mapping") ?? []).compactMap(\.dictValue).map(Self.mapping)
        if !mappings.isEmpty { spec["BlockDeviceMappings"] = .list(mappings) }
        if fromInstance {
            spec["InstanceId"] = .string(context.string("instance_id") ?? "")
            if context.bool("no_reboot", default: false) { spec["NoReboot"] = true }
            if !tags.isEmpty {
                spec["TagSpecifications"] = .list(["image", "snapshot"].map { .dict(["ResourceType": .string($0), "Tags": EC2QuerySpec.tagList(tags)]) })
            }
        } else {
            for (key, argument) in [("Architecture", "architecture"), ("BootMode", "boot_mode"), ("ImageLocation", "image_location"),
                                    ("KernelId", "kernel_id"), ("RamdiskId", "ramdisk_id"), ("RootDeviceName", "root_device_name"),
                                    ("SriovNetSupport", "sriov_net_support"), ("TpmSupport", "tpm_support"), ("UefiData", "uefi_data"),
                                    ("VirtualizationType", "virtualization_type")] {
                if let value = context.string(argument), !value.isEmpty { spec[key] = .string(value) }
            }
            if context.bool("enhanced_networking", default: false) { spec["EnaSupport"] = true }
        }
        var request = EC2QuerySpec.request(fromInstance ? "CreateImage" : "RegisterImage", spec)
        if !fromInstance { request.list("BillingProduct", (context.list("billing_products") ?? []).map(\.renderedString)) }
        let root = try await AWSModuleError.wrapping("Error registering/creating image") { try await ec2.send(request, idempotent: false) }
        guard let id = root.string("imageId") else { throw AWSModuleError("Error registering/creating image: no image id in the answer") }
        if context.bool("wait", default: false), let timeout = context.int("wait_timeout"), timeout > 0 {
            _ = try await EC2Waiter.wait("image \(id) to be available", timeout: Double(timeout), describe: { try await AMIInfo.image(ec2, id) },
                                         done: { $0?.string("imageState") == "available" }, failed: { $0?.string("imageState") == "failed" })
        }
        if !fromInstance && !tags.isEmpty {
            let snapshots = try await AMIInfo.image(ec2, id)?.list("blockDeviceMapping", item: "item").compactMap { $0.nonEmpty("ebs", "snapshotId") } ?? []
            try await AWSModuleError.wrapping("tagging \(id)") { try await ec2.createTags(resourceIDs: [id] + snapshots, tags: tags) }
        }
        if let permissions = context.args["launch_permissions"]?.dictValue {
            var modify = EC2Request("ModifyImageAttribute")
            modify.set("ImageId", id)
            modify.set("Attribute", "launchPermission")
            var n = 0
            for (argument, _, parameter) in Self.permissionKinds {
                for value in permissions[argument]?.listValue ?? [] {
                    n += 1
                    modify.set("LaunchPermission.Add.\(n).\(parameter)", value.renderedString)
                }
            }
            if n > 0 { _ = try await AWSModuleError.wrapping("Error setting launch permissions for image \(id)") { try await ec2.send(modify) } }
        }
        guard let image = try await AMIInfo.image(ec2, id) else { throw AWSModuleError("image \(id) disappeared after its creation") }
        var result: OrderedDictionary<String, Value> = ["msg": "AMI creation operation complete."]
        for (key, value) in try await AMIInfo.info(ec2, image) { result[key] = value }
        return .ok(changed: true, result)
    }

    /// One `device_mapping` entry as the SDK's BlockDeviceMapping.
    static func mapping(_ device: OrderedDictionary<String, Value>) -> Value {
        var out = OrderedDictionary<String, Value>(), ebs = OrderedDictionary<String, Value>()
        for (key, value) in device where !value.isNull {
            switch key {
            case "device_name": out["DeviceName"] = value
            case "virtual_name": out["VirtualName"] = value
            case "no_device": if value.boolValue == true || value.renderedString.lowercased() == "true" { out["NoDevice"] = "" }
            case "delete_on_termination": ebs["DeleteOnTermination"] = value
            case "encrypted": ebs["Encrypted"] = value
            case "iops": ebs["Iops"] = value
            case "size", "volume_size": ebs["VolumeSize"] = value
            case "snapshot_id": ebs["SnapshotId"] = value
            case "volume_type": ebs["VolumeType"] = value
            default: break
            }
        }
        if !ebs.isEmpty { out["Ebs"] = .dict(ebs) }
        return .dict(out)
    }
}
