import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The steps of `ec2_vol`: finding the volume, creating or modifying it, attaching and detaching.
struct VolumeWork {
    let context: ModuleContext
    let ec2: EC2Client

    /// The volume with `id`, else the one Name-tagged `name`; nil when there is none (an unknown
    /// `id` fails when `required`).
    func find(id: String?, required: Bool = false) async throws -> XMLTree? {
        var request = EC2Request("DescribeVolumes")
        if let id { request.list("VolumeId", [id]) } else if let name = context.string("name") {
            request.filters([EC2Filter("tag:Name", [name])])
        } else { return nil }
        let volumes: [XMLTree]
        do {
            volumes = try await ec2.describeItems(request, set: "volumeSet")
        } catch let error as AWSError where error.code == "InvalidVolume.NotFound" {
            volumes = []
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing EBS volumes")
        }
        if volumes.isEmpty, required, let id { throw AWSModuleError("Could not find volume with id: \(id)") }
        if volumes.count > 1 {
            throw AWSModuleError("Found more than one volume in zone (if specified) with name: \(context.string("name") ?? "")",
                                 ["found": .list(volumes.map { .string($0.string("volumeId") ?? "") })])
        }
        return volumes.first
    }

    func present(_ found: XMLTree?) async throws -> TaskResult {
        var instanceID = context.string("instance")
        let detaching = instanceID == "None" || instanceID == ""
        if detaching { instanceID = nil }
        var zone = context.string("zone")
        var device = context.string("device_name")
        if instanceID == nil && zone == nil && !detaching { throw AWSModuleError("You must specify either instance or zone") }
        var instance: XMLTree?
        if let instanceID {
            instance = try await self.instance(instanceID)
            zone = instance?.string("placement", "availabilityZone")
            if device == nil { device = instance?.string("platform") == "windows" ? "/dev/xvdf" : "/dev/sdf" }
            if let mapped = mapping(instance, device), mapped.string("ebs", "volumeId") != found?.string("volumeId") {
                return .ok(changed: false, ["msg": .string("Volume mapping for \(device ?? "") already exists on instance \(instanceID)"),
                                            "volume_id": .string(mapped.string("ebs", "volumeId") ?? ""),
                                            "found_volume": found.map { .dict(EC2ResultShape.dict($0)) } ?? .null,
                                            "device": .string(device ?? "")])
            }
        }
        var changed = false
        var volume: XMLTree
        if let found {
            if let modified = try await modify(found) {
                if context.checkMode { return .ok(changed: true, ["msg": "Would have updated volume if not in check mode."]) }
                volume = modified
                changed = true
            } else { volume = found }
            changed = try await ensureTags(volume, volume.tags("tagSet", item: "item")) || changed
        } else {
            if context.checkMode { return .ok(changed: true, ["msg": "Would have created a volume if not in check mode."]) }
            volume = try await create(zone: zone ?? "")
            changed = true
        }
        if detaching {
            changed = try await detach(volume) || changed
        } else if let instance, let device {
            changed = try await attach(volume, instance, device) || changed
        }
        guard let after = try await find(id: volume.string("volumeId"), required: true) else { throw AWSModuleError("the volume disappeared") }
        let info = Self.info(after)
        return .ok(changed: changed, ["volume": .dict(info), "device": device.map(Value.string) ?? .null,
                                      "volume_id": info["id"] ?? .null, "volume_type": info["type"] ?? .null])
    }

    private func ensureTags(_ volume: XMLTree, _ have: [String: String]) async throws -> Bool {
        // A name alone keeps the other tags: the wanted set is then the current one with Name.
        let tagsGiven = context.args["tags"].map { !$0.isNull } ?? false
        guard tagsGiven || context.string("name") != nil else { return false }
        var wanted = tagsGiven ? ResourceTags.given(context) : have
        if let name = context.string("name") { wanted["Name"] = name }
        let (add, remove) = ResourceTags.changes(have, wanted, purge: context.bool("purge_tags", default: true))
        if add.isEmpty && remove.isEmpty { return false }
        if !context.checkMode {
            let id = volume.string("volumeId") ?? ""
            try await AWSModuleError.wrapping("tagging \(id)") {
                try await ec2.createTags(resourceIDs: [id], tags: add)
                try await ec2.deleteTags(resourceIDs: [id], keys: remove)
            }
        }
        return true
    }

    /// With `modify_volume`, ModifyVolume for what differs; the volume as modified, nil when nothing does.
    private func modify(_ volume: XMLTree) async throws -> XMLTree? {
        guard context.bool("modify_volume", default: false) else { return nil }
        var request = EC2Request("ModifyVolume")
        request.set("VolumeId", volume.string("volumeId"))
        var differs = false
        let type = context.string("volume_type")
        let typeChanged = type != nil && type != volume.string("volumeType")
        if typeChanged { request.set("VolumeType", type); differs = true }
        if let iops = context.int("iops"), iops != 0 {
            if iops != volume.int("iops") { differs = true }
            request.set("Iops", iops)
        } else if typeChanged && type == "gp3", !(3000...16000).contains(volume.int("iops") ?? 0) {
            request.set("Iops", 3000)
            differs = true
        }
        if let size = context.int("volume_size"), size != 0, size != volume.int("size") { request.set("Size", size); differs = true }
        if let throughput = context.int("throughput"), throughput != 0, throughput != volume.int("throughput") {
            request.set("Throughput", throughput)
            differs = true
        }
        if let multi = context.args["multi_attach"]?.boolValue, multi != (volume.bool("multiAttachEnabled") ?? false) {
            request.set("MultiAttachEnabled", multi)
            differs = true
        }
        guard differs else { return nil }
        if context.checkMode { return volume }
        _ = try await AWSModuleError.wrapping("modifying \(volume.string("volumeId") ?? "")") { try await ec2.send(request) }
        return try await find(id: volume.string("volumeId"), required: true)
    }

    private func create(zone: String) async throws -> XMLTree {
        var request = EC2Request("CreateVolume")
        request.set("AvailabilityZone", zone)
        request.set("Encrypted", context.bool("encrypted", default: false))
        let type = context.string("volume_type") ?? "standard"
        request.set("VolumeType", type)
        if let size = context.int("volume_size"), size != 0 { request.set("Size", size) }
        request.set("KmsKeyId", context.string("kms_key_id"))
        request.set("SnapshotId", context.string("snapshot"))
        let iops = context.int("iops") ?? 0
        if iops != 0 { request.set("Iops", iops) } else if type == "gp3" { request.set("Iops", 3000) }
        if let throughput = context.int("throughput"), throughput != 0 { request.set("Throughput", throughput) }
        if context.bool("multi_attach", default: false) { request.set("MultiAttachEnabled", true) }
        if let outpost = context.string("outpost_arn") {
            guard outpost.range(of: #"^arn:aws([a-z-]+)?:outposts:[a-z\d-]+:\d{12}:outpost/op-[a-f0-9]{17}$"#, options: .regularExpression) != nil else {
                throw AWSModuleError("OutpostArn does not match the pattern specified in API specifications.")
            }
            request.set("OutpostArn", outpost)
        }
        var tags = ResourceTags.given(context)
        if let name = context.string("name") { tags["Name"] = name }
        request.tagSpecifications(["volume"], tags: tags)
        let root = try await AWSModuleError.wrapping("creating an EBS volume") { try await ec2.send(request, idempotent: false) }
        guard let id = root.string("volumeId") else { throw AWSModuleError("CreateVolume returned no volume id") }
        let ready = try await EC2Waiter.wait("volume \(id) to be available", describe: { try await find(id: id) },
                                             done: { $0?.string("status") == "available" }, failed: { $0?.string("status") == "error" })
        return ready ?? root
    }
}
