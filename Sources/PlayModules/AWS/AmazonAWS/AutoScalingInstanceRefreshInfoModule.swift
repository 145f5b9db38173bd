import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `autoscaling_instance_refresh_info`: the instance refreshes of the group `name`
/// (newest first; only `ids` when given), every page unless `max_records` limits it to one.
/// Returns `instance_refreshes` in boto3's snake_case and `next_token` ("" on the last page).
public struct AutoScalingInstanceRefreshInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "autoscaling_instance_refresh_info", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["group_name"]),
        ArgumentSpec("ids", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("next_token", .string),
        ArgumentSpec("max_records", .int),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let refreshes = InstanceRefreshes(client: try await context.awsSession().session.autoScaling())
            let name = context.string("name") ?? ""
            let ids = (context.list("ids") ?? []).map(\.renderedString)
            let maxRecords = context.int("max_records")
            var (nodes, next) = try await refreshes.describe(group: name, ids: ids, nextToken: context.string("next_token"),
                                                             maxRecords: maxRecords)
            var all = nodes
            while maxRecords == nil, let token = next {
                (nodes, next) = try await refreshes.describe(group: name, ids: ids, nextToken: token)
                all += nodes
            }
            return .ok(changed: false, ["instance_refreshes": .list(InstanceRefreshes.shape.members(all)),
                                        "next_token": .string(next ?? "")])
        }
    }
}
