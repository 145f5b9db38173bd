import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_vol`: an EBS volume found by `id` or `name` (its Name tag). `present` creates
/// it (in `zone`, or the zone of `instance`) when none is found, with `modify_volume` changes its
/// size, type, IOPS, throughput or multi-attach, sets its tags, then attaches it to `instance` at
/// `device_name` (setting `delete_on_termination`) or, with `instance: None`, detaches it.
/// `absent` detaches and deletes it. Returns `volume` (the collection's summary), `volume_id`,
/// `volume_type` and `device`.
public struct EC2VolumeModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vol", arguments: [
        ArgumentSpec("instance", .string),
        ArgumentSpec("id", .string),
        ArgumentSpec("name", .string),
        ArgumentSpec("volume_size", .int),
        ArgumentSpec("volume_type", .string, choices: ["standard", "gp2", "io1", "st1", "sc1", "gp3", "io2"], defaultValue: "standard"),
        ArgumentSpec("iops", .int),
        ArgumentSpec("encrypted", .bool, defaultValue: false),
        ArgumentSpec("kms_key_id", .string),
        ArgumentSpec("device_name", .string),
        ArgumentSpec("delete_on_termination", .bool, defaultValue: false),
        ArgumentSpec("zone", .string, aliases: ["availability_zone", "aws_zone", "ec2_zone"]),
        ArgumentSpec("snapshot", .string),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("modify_volume", .bool, defaultValue: false),
        ArgumentSpec("throughput", .int),
        ArgumentSpec("outpost_arn", .string),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("multi_attach", .bool),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            try checkArguments(context)
            let ec2 = try await context.awsSession().ec2
            let work = VolumeWork(context: context, ec2: ec2)
            let volume = try await work.find(id: context.string("id"))
            if context.string("state") == "absent" {
                if context.string("name") == nil && context.string("id") == nil {
                    throw AWSModuleError("A volume name or id is required for deletion")
                }
                guard let volume, !["deleting", "deleted"].contains(volume.string("status") ?? "") else { return .ok(changed: false, [:]) }
                if context.checkMode { return .ok(changed: true, ["msg": "Would have deleted volume if not in check mode."]) }
                let id = volume.string("volumeId") ?? ""
                _ = try await work.detach(volume)
                var delete = EC2Request("DeleteVolume")
                delete.set("VolumeId", id)
                _ = try await AWSModuleError.wrapping("deleting \(id)") { try await ec2.send(delete) }
                _ = try await EC2Waiter.wait("volume \(id) to be deleted", describe: { try await work.find(id: id, required: false) },
                                             done: { $0 == nil || $0?.string("status") == "deleted" })
                return .ok(changed: true, [:])
            }
            return try await work.present(volume)
        }
    }

    private func checkArguments(_ context: ModuleContext) throws(AWSModuleError) {
        try ArgumentRequirements.requireIf(context, "volume_type", "io1", ["iops"])
        try ArgumentRequirements.requireIf(context, "volume_type", "io2", ["iops"])
        let type = context.string("volume_type") ?? "standard"
        if let iops = context.int("iops"), iops != 0 {
            if ["gp2", "st1", "sc1", "standard"].contains(type) { throw AWSModuleError("IOPS is not supported for gp2, st1, sc1, or standard volumes.") }
            if type == "gp3" && !(3000...16000).contains(iops) { throw AWSModuleError("For a gp3 volume type, IOPS values must be between 3000 and 16000.") }
            if ["io1", "io2"].contains(type) && !(100...64000).contains(iops) {
                throw AWSModuleError("For io1 and io2 volume types, IOPS values must be between 100 and 64000.")
            }
        }
        if let throughput = context.int("throughput"), throughput != 0 {
            if type != "gp3" { throw AWSModuleError("Throughput is only supported for gp3 volume.") }
            if !(125...1000).contains(throughput) { throw AWSModuleError("Throughput values must be between 125 and 1000.") }
        }
        if context.bool("multi_attach", default: false) && !["io1", "io2"].contains(type) {
            throw AWSModuleError("multi_attach is only supported for io1 and io2 volumes.")
        }
        if (context.int("volume_size") ?? 0) == 0 && context.string("id") == nil && context.string("name") == nil && context.string("snapshot") == nil {
            throw AWSModuleError("You must specify volume_size or identify an existing volume by id, name, or snapshot")
        }
    }
}
