import Foundation
import PlayAWS
import PlayBase
import PlayExecutor

/// The collections' `tags`/`purge_tags` on one EC2 resource: the task's tags added or changed,
/// and with `purge_tags` the others removed (never AWS's `aws:` ones). Without `tags` nothing
/// changes. `extra` joins the task's tags (ec2_vpc_net's `Name`).
enum EC2TagSync {
    static func sync(_ context: ModuleContext, _ ec2: EC2Client, id: String, have: [String: String],
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
}
