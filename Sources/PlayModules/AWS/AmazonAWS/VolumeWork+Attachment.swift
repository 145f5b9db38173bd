import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// `ec2_vol`'s attachments, and the volume summary the collection returns.
extension VolumeWork {
    func instance(_ id: String) async throws -> XMLTree? {
        var request = EC2Request("DescribeInstances")
        request.list("InstanceId", [id])
        return try await AWSModuleError.wrapping("Error while getting instance_id with id \(id)") {
            try await ec2.describeItems(request, set: "reservationSet")
        }.first?["instancesSet", "item"]
    }

    func mapping(_ instance: XMLTree?, _ device: String?) -> XMLTree? {
        instance?.list("blockDeviceMapping", item: "item").first { $0.string("deviceName") == device }
    }

    /// Attaches `volume` at `device` unless it is attached there already (another instance's
    /// volume is an error unless multi-attach is on), then sets `delete_on_termination`.
    func attach(_ volume: XMLTree, _ instance: XMLTree, _ device: String) async throws -> Bool {
        let id = volume.string("volumeId") ?? "", instanceID = instance.string("instanceId") ?? ""
        if let attached = volume.list("attachmentSet", item: "item").first(where: { $0.string("status") == "attached" }) {
            if context.checkMode, ["attached", "attaching"].contains(attached.string("status") ?? "") { return false }
            if volume.string("multiAttachEnabled") != "true" {
                if attached.string("instanceId") != instanceID {
                    throw AWSModuleError("Volume \(id) is already attached to another instance: \(attached.string("instanceId") ?? "None").")
                }
                return false
            }
        }
        if context.checkMode { return true }
        var request = EC2Request("AttachVolume")
        request.set("Device", device)
        request.set("InstanceId", instanceID)
        request.set("VolumeId", id)
        _ = try await AWSModuleError.wrapping("Error while attaching EBS volume") { try await ec2.send(request) }
        _ = try await EC2Waiter.wait("volume \(id) to be in use", describe: { try await find(id: id) }, done: { $0?.string("status") == "in-use" })
        var mapped: XMLTree?
        for _ in 0..<3 {
            mapped = mapping(try await self.instance(instanceID), device)
            if mapped != nil { break }
            try await Task.sleep(for: .seconds(1))
        }
        guard let mapped else { throw AWSModuleError("Unable to find device on instance", ["device": .string(device)]) }
        let wanted = context.bool("delete_on_termination", default: false)
        if mapped.bool("ebs", "deleteOnTermination") != wanted {
            var modify = EC2Request("ModifyInstanceAttribute")
            modify.set("InstanceId", instanceID)
            modify.set("BlockDeviceMapping.1.DeviceName", device)
            modify.set("BlockDeviceMapping.1.Ebs.DeleteOnTermination", wanted)
            _ = try await AWSModuleError.wrapping("Error while modifying Block Device Mapping of instance \(instanceID)") { try await ec2.send(modify) }
        }
        return true
    }

    /// Detaches `volume` from every instance it is attached to.
    func detach(_ volume: XMLTree) async throws -> Bool {
        let id = volume.string("volumeId") ?? ""
        let attachments = volume.list("attachmentSet", item: "item").filter { $0.string("status") == "attached" }
        if attachments.isEmpty { return false }
        if context.checkMode { return true }
        for attachment in attachments {
            var request = EC2Request("DetachVolume")
            request.set("VolumeId", id)
            request.set("InstanceId", attachment.string("instanceId"))
            _ = try await AWSModuleError.wrapping("Error while detaching volume") { try await ec2.send(request) }
        }
        _ = try await EC2Waiter.wait("volume \(id) to be available", describe: { try await find(id: id) }, done: { $0?.string("status") == "available" })
        return true
    }

    /// The collection's summary of a volume (`get_volume_info`).
    static func info(_ volume: XMLTree) -> OrderedDictionary<String, Value> {
        func int(_ name: String) -> Value { volume.int(name).map(Value.int) ?? .null }
        func bool(_ name: String) -> Value { volume[name].map { .bool($0.text == "true") } ?? .null }
        func string(_ name: String) -> Value { volume.string(name).map(Value.string) ?? .null }
        let attachments: [Value] = volume.list("attachmentSet", item: "item").map { item in
            .dict(["attach_time": item.string("attachTime").map { .string(EC2ResultShape.isoTime($0)) } ?? .null,
                   "device": item.string("device").map(Value.string) ?? .null,
                   "instance_id": item.string("instanceId").map(Value.string) ?? .null,
                   "status": item.string("status").map(Value.string) ?? .null,
                   "delete_on_termination": item["deleteOnTermination"].map { .bool($0.text == "true") } ?? .null])
        }
        return [
            "create_time": volume.string("createTime").map { .string(EC2ResultShape.isoTime($0)) } ?? .null,
            "encrypted": bool("encrypted"), "id": string("volumeId"), "iops": int("iops"), "size": int("size"),
            "snapshot_id": string("snapshotId"), "status": string("status"), "type": string("volumeType"),
            "zone": string("availabilityZone"), "attachment_set": .list(attachments),
            "multi_attach_enabled": bool("multiAttachEnabled"),
            "tags": ResourceTags.value(volume.tags("tagSet", item: "item")), "throughput": int("throughput"),
        ]
    }
}
