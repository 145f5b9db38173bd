import Foundation
import PlayAWS
import PlayBase
import PlayExecutor

/// The collections' `tags`/`purge_tags` on one resource: the task's tags added or changed, and
/// with `purge_tags` the others removed (never AWS's `aws:` ones). Without `tags` nothing changes.
/// Each returns whether something changed (in check mode: would have).
enum CollectionTags {
    /// An EC2 resource; `extra` joins the task's tags (ec2_vpc_net's `Name`).
    static func syncEC2(_ context: ModuleContext, _ ec2: EC2Client, id: String, have: [String: String],
                     extra: [String: String] = [:]) async throws -> Bool {
        guard context.args["tags"]?.isNull == false || !extra.isEmpty else { return false }
        let given = context.args["tags"]?.isNull == false ? ResourceTags.given(context) : [:]
        let purge = context.args["tags"]?.isNull == false && context.bool("purge_tags", default: true)
        let (add, remove) = ResourceTags.changes(have, given.merging(extra) { $1 }, purge: purge)
        guard !add.isEmpty || !remove.isEmpty else { return false }
        if context.checkMode { return true }
        try await AWSModuleError.wrapping("tagging \(id)") {
            if !add.isEmpty { try await ec2.createTags(resourceIDs: [id], tags: add) }
            if !remove.isEmpty { try await ec2.deleteTags(resourceIDs: [id], keys: remove) }
        }
        return true
    }

    /// The `tags` of a result in the collections' shape as plain strings.
    static func strings(_ tags: Value?) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in tags?.dictValue ?? [:] { out[key] = value.renderedString }
        return out
    }

    /// An ELBv2 resource (load balancer, target group).
    static func syncELBv2(_ context: ModuleContext, _ elb: ELBv2Client, arn: String) async throws -> Bool {
        guard context.args["tags"]?.isNull == false else { return false }
        let have = try await AWSModuleError.wrapping("reading the tags of \(arn)") { try await elb.describeTags(resourceARNs: [arn])[arn] ?? [:] }
        let (add, remove) = ResourceTags.changes(have, ResourceTags.given(context), purge: context.bool("purge_tags", default: true))
        guard !add.isEmpty || !remove.isEmpty else { return false }
        if context.checkMode { return true }
        try await AWSModuleError.wrapping("tagging \(arn)") {
            if !add.isEmpty { try await elb.addTags(resourceARNs: [arn], tags: add) }
            if !remove.isEmpty { try await elb.removeTags(resourceARNs: [arn], keys: remove) }
        }
        return true
    }
}
