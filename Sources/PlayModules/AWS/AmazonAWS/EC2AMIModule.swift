import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_ami`: without `image_id`, creates an image from `instance_id` (CreateImage) or
/// registers one from `device_mapping` snapshots (RegisterImage), then tags it and its snapshots
/// and adds `launch_permissions`; with `image_id`, brings its launch permissions, tags and
/// description to the task's; `absent` deregisters it (with `delete_snapshot`, deletes its
/// snapshots too, returned as `snapshots_deleted`). Returns the image as the collection describes it.
public struct EC2AMIModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_ami", arguments: [
        ArgumentSpec("architecture", .string, defaultValue: "x86_64"),
        ArgumentSpec("billing_products", .list, elements: .string),
        ArgumentSpec("boot_mode", .string, choices: ["legacy-bios", "uefi", "uefi-preferred"]),
        ArgumentSpec("delete_snapshot", .bool, defaultValue: false),
        ArgumentSpec("description", .string, defaultValue: ""),
        ArgumentSpec("device_mapping", .list, elements: .dict),
        ArgumentSpec("enhanced_networking", .bool),
        ArgumentSpec("image_id", .string),
        ArgumentSpec("image_location", .string),
        ArgumentSpec("instance_id", .string),
        ArgumentSpec("kernel_id", .string),
        ArgumentSpec("launch_permissions", .dict),
        ArgumentSpec("name", .string),
        ArgumentSpec("no_reboot", .bool, defaultValue: false),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("ramdisk_id", .string),
        ArgumentSpec("root_device_name", .string),
        ArgumentSpec("sriov_net_support", .string),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("tpm_support", .string),
        ArgumentSpec("uefi_data", .string),
        ArgumentSpec("virtualization_type", .string, defaultValue: "hvm"),
        ArgumentSpec("wait", .bool, defaultValue: false),
        ArgumentSpec("wait_timeout", .int, defaultValue: 1200),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            try ArgumentRequirements.requireIf(context, "state", "absent", ["image_id"])
            let imageID = context.string("image_id")
            if imageID == nil && context.string("name") == nil { throw AWSModuleError("one of the following is required: name, image_id") }
            if context.string("tpm_support") != nil && context.string("boot_mode") != "uefi" {
                throw AWSModuleError("To specify 'tpm_support', 'boot_mode' must be 'uefi'.")
            }
            if context.string("state") == "present", imageID == nil, context.string("instance_id") == nil, context.list("device_mapping")?.isEmpty ?? true {
                throw AWSModuleError("The parameters instance_id or device_mapping (register from EBS snapshot) are required for a new image.")
            }
            let ec2 = try await context.awsSession().ec2
            if let imageID {
                return try await context.string("state") == "absent" ? deregister(context, ec2, imageID) : update(context, ec2, imageID)
            }
            return try await AMICreation(context: context, ec2: ec2).run()
        }
    }

    private func deregister(_ context: ModuleContext, _ ec2: EC2Client, _ id: String) async throws -> TaskResult {
        guard let image = try await AMIInfo.image(ec2, id) else { return .ok(changed: false, [:]) }
        if context.checkMode { return .ok(changed: true, ["msg": "Would have deregistered AMI if not in check mode."]) }
        var request = EC2Request("DeregisterImage")
        request.set("ImageId", id)
        _ = try await AWSModuleError.wrapping("Error deregistering image") { try await ec2.send(request) }
        if context.bool("wait", default: false) {
            _ = try await EC2Waiter.wait("image \(id) to be deregistered", timeout: Double(context.int("wait_timeout") ?? 1200),
                                         describe: { try await AMIInfo.image(ec2, id) }, done: { $0 == nil })
        }
        var result: OrderedDictionary<String, Value> = ["msg": "AMI deregister operation complete."]
        if context.bool("delete_snapshot", default: false) {
            var deleted: [Value] = []
            for snapshot in image.list("blockDeviceMapping", item: "item").compactMap({ $0.nonEmpty("ebs", "snapshotId") }) {
                var delete = EC2Request("DeleteSnapshot")
                delete.set("SnapshotId", snapshot)
                _ = try await AWSModuleError.wrapping("Failed to delete snapshot.") { try await ec2.send(delete) }
                deleted.append(.string(snapshot))
            }
            result["snapshots_deleted"] = .list(deleted)
        }
        return .ok(changed: true, result)
    }

    private func update(_ context: ModuleContext, _ ec2: EC2Client, _ id: String) async throws -> TaskResult {
        guard let image = try await AMIInfo.image(ec2, id) else { throw AWSModuleError("Image \(id) does not exist") }
        var changed = try await setLaunchPermissions(context, ec2, id)
        if let tags = context.args["tags"]?.dictValue, !tags.isEmpty {
            changed = try await EC2TagSync.ensure(context, ec2, resource: id, have: image.tags("tagSet", item: "item")) || changed
        }
        if let description = context.string("description"), !description.isEmpty, description != image.string("description") {
            changed = true
            if !context.checkMode {
                var request = EC2Request("ModifyImageAttribute")
                request.set("ImageId", id)
                request.set("Description.Value", description)
                _ = try await AWSModuleError.wrapping("Error setting description for image \(id)") { try await ec2.send(request) }
            }
        }
        if changed && context.checkMode { return .ok(changed: true, ["msg": "Would have updated AMI if not in check mode."]) }
        var result: OrderedDictionary<String, Value> = ["msg": .string(changed ? "AMI updated." : "AMI not updated.")]
        let after = changed ? try await AMIInfo.image(ec2, id) ?? image : image
        for (key, value) in try await AMIInfo.info(ec2, after) { result[key] = value }
        return .ok(changed: changed, result)
    }

    /// Makes the image's launch permissions exactly `launch_permissions` (when given).
    private func setLaunchPermissions(_ context: ModuleContext, _ ec2: EC2Client, _ id: String) async throws -> Bool {
        guard let wanted = context.args["launch_permissions"]?.dictValue else { return false }
        let current = try await AMIInfo.attribute(ec2, id, "launchPermission")
        var add: [(String, String)] = [], remove: [(String, String)] = []
        for (argument, field, parameter) in AMICreation.permissionKinds {
            let have = Set(current.compactMap { $0.string(field) })
            let want = Set((wanted[argument]?.listValue ?? []).map(\.renderedString))
            add += want.subtracting(have).sorted().map { (parameter, $0) }
            remove += have.subtracting(want).sorted().map { (parameter, $0) }
        }
        if add.isEmpty && remove.isEmpty { return false }
        if !context.checkMode {
            var request = EC2Request("ModifyImageAttribute")
            request.set("ImageId", id)
            request.set("Attribute", "launchPermission")
            for (i, (parameter, value)) in add.enumerated() { request.set("LaunchPermission.Add.\(i + 1).\(parameter)", value) }
            for (i, (parameter, value)) in remove.enumerated() { request.set("LaunchPermission.Remove.\(i + 1).\(parameter)", value) }
            _ = try await AWSModuleError.wrapping("Error updating launch permissions of image \(id)") { try await ec2.send(request) }
        }
        return true
    }
}
