import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// `ec2_snapshot`'s `modify_create_vol_permission`: who may create volumes from a snapshot.
struct SnapshotPermissions {
    let context: ModuleContext
    let ec2: EC2Client

    func apply() async throws -> TaskResult {
        let id = context.string("snapshot_id") ?? ""
        let users = (context.list("user_ids") ?? []).map(\.renderedString)
        let groups = (context.list("group_names") ?? []).map(\.renderedString)
        let purge = context.bool("purge_create_vol_permission", default: false)
        var describe = EC2Request("DescribeSnapshotAttribute")
        describe.set("SnapshotId", id)
        describe.set("Attribute", "createVolumePermission")
        let existing = try await AWSModuleError.wrapping("Failed to describe snapshot attribute") { try await ec2.send(describe) }
            .list("createVolumePermission", item: "item")
        let haveGroups = Set(existing.compactMap { $0.string("group") })
        let haveUsers = Set(existing.compactMap { $0.string("userId") })
        let needed: Bool
        if haveGroups.contains("all") && !purge { needed = false }
        else if !groups.isEmpty { needed = Set(groups) != haveGroups }
        else if !users.isEmpty { needed = Set(users) != haveUsers }
        else { needed = !(purge && existing.isEmpty) }
        if !needed { return .ok(changed: false, ["msg": "Supplied CreateVolumePermission already applied, update not needed"]) }
        if purge {
            if context.checkMode { return .ok(changed: true, ["msg": "Would have reset CreateVolumePermission"]) }
            var reset = EC2Request("ResetSnapshotAttribute")
            reset.set("SnapshotId", id)
            reset.set("Attribute", "createVolumePermission")
            _ = try await AWSModuleError.wrapping("Failed to reset createVolumePermission") { try await ec2.send(reset) }
            if users.isEmpty && groups.isEmpty { return .ok(changed: true, ["msg": "Reset createVolumePermission successfully"]) }
        }
        if users.isEmpty && groups.isEmpty { throw AWSModuleError("Please provide either Group IDs or User IDs to modify permissions") }
        if context.checkMode { return .ok(changed: true, ["msg": "Would have modified CreateVolumePermission"]) }
        var modify = EC2Request("ModifySnapshotAttribute")
        modify.set("SnapshotId", id)
        modify.set("Attribute", "createVolumePermission")
        modify.set("OperationType", "add")
        modify.list("UserGroup", groups)
        modify.list("UserId", users)
        _ = try await AWSModuleError.wrapping("Failed to modify createVolumePermission") { try await ec2.send(modify) }
        return .ok(changed: true, ["msg": "Successfully modified CreateVolumePermission"])
    }
}
