import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_tag`: the tags of any EC2 resource. `state: present` adds or updates `tags`
/// (and with `purge_tags` removes the others), `absent` removes the listed keys (only where the
/// value matches, when one is given). Returns `tags` (after), `added_tags`, `removed_tags`.
public struct EC2TagModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_tag", arguments: [
        ArgumentSpec("resource", .string, required: true),
        ArgumentSpec("tags", .dict),
        ArgumentSpec("purge_tags", .bool, defaultValue: false),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let resource = context.string("resource") ?? ""
            let ec2 = try await context.awsSession().ec2
            var request = EC2Request("DescribeTags")
            request.filters([EC2Filter("resource-id", [resource])])
            let items = try await AWSModuleError.wrapping("reading the tags of \(resource)") {
                try await ec2.describeItems(request, set: "tagSet")
            }
            var have: [String: String] = [:]
            for item in items { if let key = item.string("key") { have[key] = item.string("value") ?? "" } }
            let given = context.args["tags"]?.dictValue
            var add: [String: String] = [:], remove: [String] = []
            if context.string("state") == "absent" {
                for (key, value) in given ?? [:] where have[key] != nil {
                    if value.isNull || value.renderedString == have[key] { remove.append(key) }
                }
            } else {
                (add, remove) = ResourceTags.changes(have, ResourceTags.given(context), purge: context.bool("purge_tags", default: false))
            }
            remove.sort()
            var result: OrderedDictionary<String, Value> = [:]
            var after = have
            for (key, value) in add { after[key] = value }
            for key in remove { after.removeValue(forKey: key) }
            if !add.isEmpty { result["added_tags"] = ResourceTags.value(add) }
            if !remove.isEmpty {
                result["removed_tags"] = ResourceTags.value(have.filter { remove.contains($0.key) })
            }
            if !context.checkMode {
                try await AWSModuleError.wrapping("tagging \(resource)") {
                    try await ec2.createTags(resourceIDs: [resource], tags: add)
                    try await ec2.deleteTags(resourceIDs: [resource], keys: remove)
                }
            }
            result["tags"] = ResourceTags.value(after)
            return .ok(changed: !add.isEmpty || !remove.isEmpty, result)
        }
    }
}
