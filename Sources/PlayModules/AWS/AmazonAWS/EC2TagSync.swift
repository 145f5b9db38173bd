import Foundation
import PlayAWS
import PlayBase
import PlayExecutor

/// The collections' `ensure_ec2_tags`: brings one EC2 resource's tags to the task's `tags`
/// (removing the others with `purge_tags`), nothing when `tags` is not given; and
/// `describe_ec2_tags`, a resource's tags read back as a dictionary.
enum EC2TagSync {
    /// Changes the tags of `resource` from `have` to the task's; true when something changed (or
    /// would, in check mode).
    static func ensure(_ context: ModuleContext, _ ec2: EC2Client, resource: String, have: [String: String]) async throws -> Bool {
        guard context.args["tags"].map({ !$0.isNull }) ?? false else { return false }
        let (add, remove) = ResourceTags.changes(have, ResourceTags.given(context), purge: context.bool("purge_tags", default: true))
        if add.isEmpty && remove.isEmpty { return false }
        if !context.checkMode {
            try await AWSModuleError.wrapping("tagging \(resource)") {
                try await ec2.createTags(resourceIDs: [resource], tags: add)
                try await ec2.deleteTags(resourceIDs: [resource], keys: remove)
            }
        }
        return true
    }

    /// The tags of `resource`, read with DescribeTags.
    static func describe(_ ec2: EC2Client, resource: String) async throws -> [String: String] {
        var request = EC2Request("DescribeTags")
        request.filters([EC2Filter("resource-id", [resource])])
        let items = try await AWSModuleError.wrapping("reading the tags of \(resource)") {
            try await ec2.describeItems(request, set: "tagSet")
        }
        var tags: [String: String] = [:]
        for item in items { if let key = item.string("key") { tags[key] = item.string("value") ?? "" } }
        return tags
    }
}
