import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// amazon.aws `autoscaling_group_info`: the groups whose name starts with the `name` pattern (a
/// regular expression anchored at the start) and that carry every one of `tags`, each in boto3's
/// snake_case with `launch_config_name`, `target_group_names` and `lifecycle_hooks`. Returns `results`.
public struct AutoScalingGroupInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "autoscaling_group_info", arguments: [
        ArgumentSpec("name", .string, aliases: ["group_name"]),
        ArgumentSpec("tags", .dict),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let session = try await context.awsSession().session
            let groups = AutoScalingGroups(client: session.autoScaling())
            var pattern: PythonRegex?
            if let name = context.string("name") {
                do { pattern = try PythonRegex(name) } catch { throw AWSModuleError("name is not a valid regular expression: \(error)") }
            }
            let tags = ResourceTags.given(context)
            var results: [Value] = []
            for group in try await groups.allGroups() {
                let name = group.string("AutoScalingGroupName") ?? ""
                if let pattern, !pattern.matchesAtStart(name) { continue }
                let have = Dictionary(group.list("Tags", item: "member").map { ($0.string("Key") ?? "", $0.string("Value") ?? "") }) { a, _ in a }
                guard ResourceTags.matches(have, tags) else { continue }
                var value = AutoScalingGroups.shape.dict(group)
                if let config = value["launch_configuration_name"] { value["launch_config_name"] = config }
                let arns = group.list("TargetGroupARNs", item: "member").map(\.text)
                value["target_group_names"] = .list(try await AutoScalingGroups.targetGroupNames(arns, elbv2: session.elbv2()).map(Value.string))
                var hooks = groups.client.request("DescribeLifecycleHooks")
                hooks.set("AutoScalingGroupName", name)
                let described = try await AWSModuleError.wrapping("Failed to fetch information about ASG lifecycle hooks") {
                    try await groups.client.send(hooks)
                }
                value["lifecycle_hooks"] = .list(described.list("LifecycleHooks", item: "member").map(AutoScalingGroups.raw))
                results.append(.dict(value))
            }
            return .ok(changed: false, ["results": .list(results)])
        }
    }
}
