import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ec2_info`: finds instances by EC2 filters (`{"tag:app": th3, "instance-state-name": [running]}`),
/// by `tags` + `states`, and/or by `instance_ids`, in one paginated DescribeInstances. Read-only, so
/// it runs in check mode too.
public struct EC2InfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_info", arguments: [
        ArgumentSpec("filters", .dict, defaultValue: .emptyDict),
        ArgumentSpec("tags", .dict, defaultValue: .emptyDict),
        ArgumentSpec("states", .list, elements: .string),
        ArgumentSpec("instance_ids", .list, elements: .string),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            var filters: [EC2Filter] = []
            for (name, value) in context.args["filters"]?.dictValue ?? [:] {
                let values = ValueCoercion.list(value).map(\.renderedString)
                guard !values.isEmpty else { throw AWSModuleError("filters: '\(name)' has no value") }
                filters.append(EC2Filter(name, values))
            }
            var tags: [String: String] = [:]
            for (key, value) in context.args["tags"]?.dictValue ?? [:] { tags[key] = value.renderedString }
            filters += EC2Filter.tags(tags)
            let states = (context.list("states") ?? []).map(\.renderedString)
            if !states.isEmpty { filters.append(EC2Filter("instance-state-name", states)) }
            let ids = (context.list("instance_ids") ?? []).map(\.renderedString)

            let session = try await context.awsSession()
            let instances = try await AWSModuleError.wrapping("describing instances") {
                try await session.ec2.describeInstances(instanceIDs: ids, filters: filters)
            }
            var result = instances.resultEntries
            result["changed"] = false
            return TaskResult(result)
        }
    }
}
