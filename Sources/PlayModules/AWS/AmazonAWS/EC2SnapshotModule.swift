import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_snapshot`: an EBS snapshot of `volume_id` (or of the volume at `device_name` on
/// `instance_id`), tagged with the volume's Name and `snapshot_tags`; with `last_snapshot_min_age`
/// a snapshot younger than that many minutes is reused; with `wait` it waits until completed.
/// `absent` deletes `snapshot_id`; `modify_create_vol_permission` shares it with `user_ids` or
/// `group_names: [all]` (`purge_create_vol_permission` resets first). Returns `snapshot_id`,
/// `volume_id`, `volume_size`, `tags`, `snapshots`.
public struct EC2SnapshotModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_snapshot", arguments: [
        ArgumentSpec("volume_id", .string),
        ArgumentSpec("description", .string),
        ArgumentSpec("instance_id", .string),
        ArgumentSpec("snapshot_id", .string),
        ArgumentSpec("device_name", .string),
        ArgumentSpec("wait", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .int, defaultValue: 600),
        ArgumentSpec("last_snapshot_min_age", .int, defaultValue: 0),
        ArgumentSpec("snapshot_tags", .dict, defaultValue: .emptyDict),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("modify_create_vol_permission", .bool),
        ArgumentSpec("purge_create_vol_permission", .bool, defaultValue: false),
        ArgumentSpec("user_ids", .list, elements: .string),
        ArgumentSpec("group_names", .list, choices: ["all"], elements: .string),
    ] + AWSArguments.specs, mutuallyExclusive: [["instance_id", "snapshot_id", "volume_id"], ["group_names", "user_ids"]],
       requiredOneOf: [["instance_id", "snapshot_id", "volume_id"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            try ArgumentRequirements.requireIf(context, "state", "absent", ["snapshot_id"])
            try ArgumentRequirements.requireIf(context, "purge_create_vol_permission", "true", ["modify_create_vol_permission"])
            if (context.string("instance_id") == nil) != (context.string("device_name") == nil) {
                throw AWSModuleError("parameters are required together: instance_id, device_name")
            }
            let ec2 = try await context.awsSession().ec2
            if context.string("state") == "absent" {
                let id = context.string("snapshot_id") ?? ""
                if context.checkMode {
                    let found = try await snapshots(ec2, ids: [id], filters: [])
                    return found.isEmpty ? .ok(changed: false, ["msg": "snapshot not found"])
                        : .ok(changed: true, ["msg": "Would have deleted snapshot if not in check mode"])
                }
                var delete = EC2Request("DeleteSnapshot")
                delete.set("SnapshotId", id)
                do {
                    _ = try await ec2.send(delete)
                } catch let error as AWSError where error.code == "InvalidSnapshot.NotFound" {
                    return .ok(changed: false, [:])
                } catch let error as AWSError {
                    throw AWSModuleError(error, while: "Failed to delete snapshot")
                }
                return .ok(changed: true, [:])
            }
            if context.args["modify_create_vol_permission"]?.boolValue == true {
                return try await SnapshotPermissions(context: context, ec2: ec2).apply()
            }
            return try await create(context, ec2)
        }
    }

    private func create(_ context: ModuleContext, _ ec2: EC2Client) async throws -> TaskResult {
        var request = EC2Request("DescribeVolumes")
        if let instance = context.string("instance_id") {
            request.filters([EC2Filter("attachment.instance-id", [instance]), EC2Filter("attachment.device", [context.string("device_name") ?? ""])])
        } else {
            request.list("VolumeId", [context.string("volume_id") ?? ""])
        }
        let volumes = try await AWSModuleError.wrapping("Failed to describe Volume") { try await ec2.describeItems(request, set: "volumeSet") }
        guard let volume = volumes.first, let volumeID = volume.string("volumeId") else {
            if let instance = context.string("instance_id") {
                throw AWSModuleError("Could not find volume with name \(context.string("device_name") ?? "") attached to instance \(instance)")
            }
            throw AWSModuleError("Could not find volume with id \(context.string("volume_id") ?? "")")
        }
        var snapshot: XMLTree?
        let minAge = context.int("last_snapshot_min_age") ?? 0
        if minAge > 0 {
            let youngest = try await snapshots(ec2, ids: [], filters: [EC2Filter("volume-id", [volumeID])])
                .max { ($0.string("startTime") ?? "") < ($1.string("startTime") ?? "") }
            if let youngest, let started = youngest.string("startTime").flatMap(Self.date), Date().timeIntervalSince(started) <= Double(minAge * 60) {
                snapshot = youngest
            }
        }
        var changed = false
        if snapshot == nil {
            var tags: [String: String] = [:]
            if let name = volume.tags("tagSet", item: "item")["Name"] { tags["Name"] = name }
            for (key, value) in ResourceTags.given(context, "snapshot_tags") { tags[key] = value }
            if context.checkMode {
                return .ok(changed: true, ["msg": "Would have created a snapshot if not in check mode", "volume_id": .string(volumeID),
                                           "volume_size": volume.int("size").map(Value.int) ?? .null])
            }
            var create = EC2Request("CreateSnapshot")
            create.set("VolumeId", volumeID)
            create.set("Description", context.string("description"))
            create.tagSpecifications(["snapshot"], tags: tags)
            snapshot = try await AWSModuleError.wrapping("Failed to create snapshot") { try await ec2.send(create, idempotent: false) }
            changed = true
        }
        guard let snapshot, let id = snapshot.string("snapshotId") else { throw AWSModuleError("CreateSnapshot returned no snapshot") }
        if context.bool("wait", default: true) {
            _ = try await EC2Waiter.wait("snapshot \(id) to complete", timeout: Double(context.int("wait_timeout") ?? 600),
                                         describe: { try await snapshots(ec2, ids: [id], filters: []).first },
                                         done: { $0?.string("status") == "completed" }, failed: { $0?.string("status") == "error" })
        }
        let shaped = Self.shape(snapshot)
        return .ok(changed: changed, ["snapshot_id": .string(id), "volume_id": shaped["volume_id"] ?? .null,
                                      "volume_size": shaped["volume_size"] ?? .null, "tags": shaped["tags"] ?? .dict([:]),
                                      "snapshots": .list([.dict(shaped)])])
    }

    func snapshots(_ ec2: EC2Client, ids: [String], filters: [EC2Filter]) async throws -> [XMLTree] {
        var request = EC2Request("DescribeSnapshots")
        request.list("SnapshotId", ids)
        request.filters(filters)
        do {
            return try await ec2.describeItems(request, set: "snapshotSet")
        } catch let error as AWSError where error.code == "InvalidSnapshot.NotFound" {
            return []
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "Failed to describe snapshots")
        }
    }

    /// A snapshot as boto3 names it (`status` is `State`), tags as a dictionary.
    static func shape(_ snapshot: XMLTree) -> OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        for (key, value) in EC2ResultShape.dict(snapshot) where key != "request_id" { out[key == "status" ? "state" : key] = value }
        if let size = snapshot.int("volumeSize") { out["volume_size"] = .int(size) }
        if let time = snapshot.string("startTime") { out["start_time"] = .string(EC2ResultShape.isoTime(time)) }
        if out["tags"] == nil { out["tags"] = .dict([:]) }
        return out
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
