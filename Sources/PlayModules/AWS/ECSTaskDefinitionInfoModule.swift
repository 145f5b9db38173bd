import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `ecs_taskdefinition_info`: one revision (a family means its latest active
/// revision) with the API's fields in snake_case at the top level, as the collection returns them
/// (nothing but `changed` when there is no such revision). play adds `exists`, `arn`, `images`,
/// `revisions` (the family's active ARNs, newest first) and `previous`: the newest active
/// revision older than this one, which is where a rollback goes. Never changes anything.
public struct ECSTaskDefinitionInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_taskdefinition_info", arguments: [
        ArgumentSpec("task_definition", .string, required: true, aliases: ["family", "arn"]),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await look(context) }
    }

    private func look(_ context: ModuleContext) async throws -> TaskResult {
        let requested = context.string("task_definition") ?? ""
        let ecs = try await context.awsSession().session.ecs()
        let found: ECSTaskDefinition?
        do {
            found = try await Self.resolve(ecs, requested)
        } catch let error as AWSError where error.isUnknownTaskDefinition {
            found = nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing task definition '\(requested)'")
        }
        guard let definition = found else {
            return .ok(changed: false, ["exists": false, "msg": .string("task definition '\(requested)' not found in \(ecs.region)")])
        }
        let revisions = try await AWSModuleError.wrapping("listing the revisions of '\(definition.family)'") {
            try await ecs.listTaskDefinitions(family: definition.family)
        }
        let previous = revisions.first { (ECSTaskDefinition.revision(ofARN: $0) ?? 0) < definition.revision }
        var result = LaunchTemplateShape.snaked(ECSResultShape.jsonized(definition.raw)).dictValue ?? [:]
        result["exists"] = true
        result["arn"] = .string(definition.arn)
        result["images"] = .list(definition.images.map(Value.string))
        result["previous"] = previous.map(Value.string) ?? .null
        result["revisions"] = .list(revisions.map(Value.string))
        return .ok(changed: false, result)
    }

    /// A bare family means its newest ACTIVE revision (nil when it has none); `family:revision`
    /// and ARNs are described as given.
    static func resolve(_ ecs: ECSClient, _ requested: String) async throws -> ECSTaskDefinition? {
        if requested.hasPrefix("arn:") || requested.contains(":") { return try await ecs.describeTaskDefinition(requested) }
        return try await ecs.latestActiveTaskDefinition(family: requested)
    }
}
