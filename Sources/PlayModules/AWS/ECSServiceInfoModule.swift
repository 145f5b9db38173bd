import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ecs_service_info`: a service's task definition, counts and deployments (`exists: false` when
/// the cluster has no such active service). Never changes anything.
public struct ECSServiceInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_service_info", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["service"]),
        ArgumentSpec("cluster", .string, defaultValue: "default"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let name = context.string("name") ?? ""
            let cluster = context.string("cluster") ?? "default"
            let ecs = try await context.awsSession().session.ecs()
            guard let service = try await ECSServiceModule.describe(ecs, cluster: cluster, name: name) else {
                return .ok(changed: false, ["exists": false, "service": .null,
                                            "msg": .string("no active service '\(name)' in cluster '\(cluster)'")])
            }
            return .ok(changed: false, ["exists": true, "service": service.resultValue])
        }
    }
}
