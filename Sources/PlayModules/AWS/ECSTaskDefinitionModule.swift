import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `ecs_taskdefinition`: registers a revision of `family` from `containers` unless
/// an ACTIVE revision already has them (then `changed: false` and that revision), with the
/// collection's arguments, defaults (`network_mode: bridge`, `runtime_platform` Linux/x86-64) and
/// checks; `revision` pins the number the result must have; `state: absent` deregisters `arn`
/// or `family` + `revision`. Returns `taskdefinition` as ECS answers it.
/// play's additions: `image` (+ `container_name`) registers the latest revision again with one
/// container's image changed, everything else carried over (`ECSTaskDefinitionModule+Image`);
/// the results also carry `arn`, `family`, `revision`, `images` and `previous_arn` (the latest
/// revision before the task ran: what a rollback goes back to). Where the collection only compares
/// containers, volumes, the task role and the launch type, play also compares `cpu`, `memory`,
/// `network_mode` and `execution_role_arn`, and compares list items by value (the collection lets
/// two lists of the same length pass).
public struct ECSTaskDefinitionModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_taskdefinition", arguments: [
        // The collection requires state; play defaults it to present.
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("arn", .string),
        ArgumentSpec("family", .string),
        ArgumentSpec("revision", .int),
        ArgumentSpec("force_create", .bool, defaultValue: false),
        ArgumentSpec("containers", .list, elements: .dict),
        ArgumentSpec("network_mode", .string, choices: ["default", "bridge", "host", "none", "awsvpc"]),
        ArgumentSpec("task_role_arn", .string, defaultValue: ""),
        ArgumentSpec("execution_role_arn", .string, defaultValue: ""),
        ArgumentSpec("volumes", .list, elements: .dict),
        ArgumentSpec("launch_type", .string, choices: ["EC2", "FARGATE"]),
        ArgumentSpec("cpu", .string),
        ArgumentSpec("memory", .string),
        ArgumentSpec("placement_constraints", .list, elements: .dict),
        ArgumentSpec("runtime_platform", .dict),
        // play's: a new revision of the latest one with this image.
        ArgumentSpec("image", .string),
        ArgumentSpec("container_name", .string),
    ] + AWSArguments.specs, mutuallyExclusive: [["containers", "image"]])

    /// The collection's defaults for the arguments whose default play applies only to `containers`
    /// (an `image` update keeps what the latest revision has).
    static let defaultNetworkMode = "bridge"
    static let defaultRuntimePlatform: Value = ["operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"]

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        try ArgumentRequirements.requireIf(context, "launch_type", "FARGATE", ["cpu", "memory"])
        let ecs = try await context.awsSession().session.ecs()
        if context.string("state") == "absent" { return try await deregister(context, ecs) }
        guard let family = context.string("family"), !family.isEmpty else {
            throw AWSModuleError("To use task definitions, a family must be specified")
        }
        if family.contains(":") {
            throw AWSModuleError("family must be a task definition family name without a revision (\"web\", not \"web:3\")")
        }
        if context.string("image") != nil { return try await registerImage(context, ecs, family: family) }
        let containers = ECSContainerDefinitions.coerced(context.list("containers") ?? [])
        guard !containers.isEmpty else { throw AWSModuleError("To use task definitions, a list of containers must be specified") }
        let networkMode = context.string("network_mode") ?? Self.defaultNetworkMode
        try ECSContainerDefinitions.validate(containers, networkMode: networkMode, launchType: context.string("launch_type"),
                                             placementConstraints: !(context.list("placement_constraints") ?? []).isEmpty)

        let revisions = try await AWSModuleError.wrapping("listing the revisions of '\(family)'") {
            try await ecs.listTaskDefinitions(family: family, status: nil)
        }
        let latest = try await AWSModuleError.wrapping("finding the latest active revision of '\(family)'") {
            try await ecs.latestActiveTaskDefinition(family: family)
        }
        var existing: Value?
        if let wanted = context.int("revision"), wanted > 0 {
            existing = try await pinnedRevision(ecs, family: family, wanted: wanted, revisions: revisions)
        } else {
            // The oldest ACTIVE revision with everything asked for, as the collection looks.
            for arn in revisions.reversed() {
                let definition = try await AWSModuleError.wrapping("describing '\(arn)'") { try await ecs.describeTaskDefinition(arn) }
                if definition.status == "ACTIVE", matches(definition.raw, containers: containers, context) {
                    existing = definition.raw
                    break
                }
            }
        }
        if let existing, !context.bool("force_create") {
            return .ok(changed: false, Self.result(existing, previous: latest))
        }
        if context.checkMode {
            return .ok(changed: true, ["previous_arn": latest.map { .string($0.arn) } ?? .null,
                                       "images": .list(containers.compactMap { $0["image"] })])
        }
        var extra = given(context)
        // Sent even when empty, as the collection sends it.
        extra["taskRoleArn"] = .string(context.string("task_role_arn") ?? "")
        if networkMode != "default" { extra["networkMode"] = .string(networkMode) }
        extra["runtimePlatform"] = context.args["runtime_platform"].flatMap { $0.isNull ? nil : $0 } ?? Self.defaultRuntimePlatform
        if let volumes = context.list("volumes") { extra["volumes"] = .list(volumes) }
        if let constraints = context.list("placement_constraints"), !constraints.isEmpty { extra["placementConstraints"] = .list(constraints) }
        context.progress("registering a new revision of '\(family)'")
        let registered = try await AWSModuleError.wrapping("Failed to register task") {
            try await ecs.registerTaskDefinition(family: family, containerDefinitions: containers, extra: extra)
        }
        return .ok(changed: true, Self.result(registered.raw, previous: latest))
    }

    /// With `revision`: that revision when it exists and is ACTIVE, nil when registering now makes it.
    private func pinnedRevision(_ ecs: ECSClient, family: String, wanted: Int, revisions: [String]) async throws -> Value? {
        if let arn = revisions.first(where: { ECSTaskDefinition.revision(ofARN: $0) == wanted }) {
            let definition = try await AWSModuleError.wrapping("describing '\(arn)'") { try await ecs.describeTaskDefinition(arn) }
            guard definition.status == "ACTIVE" else {
                throw AWSModuleError("A task in family '\(family)' already exists for revision \(wanted), but it is inactive")
            }
            return definition.raw
        }
        let next = (revisions.compactMap(ECSTaskDefinition.revision(ofARN:)).max() ?? 0) + 1
        if next != wanted { throw AWSModuleError("You have specified a revision of \(wanted) but a created revision would be \(next)") }
        return nil
    }

    /// Whether a registered revision has the containers, volumes, roles, launch type and sizes asked for.
    private func matches(_ raw: Value, containers: [Value], _ context: ModuleContext) -> Bool {
        if (context.string("task_role_arn") ?? "") != (raw["taskRoleArn"]?.stringValue ?? "") { return false }
        if let launch = context.string("launch_type"), !(raw["requiresCompatibilities"]?.listValue ?? []).contains(.string(launch)) { return false }
        let volumes = context.list("volumes") ?? [], existingVolumes = raw["volumes"]?.listValue ?? []
        guard volumes.count == existingVolumes.count,
              volumes.allSatisfy({ wanted in existingVolumes.contains { ECSContainerDefinitions.has($0, wanted) } }) else { return false }
        let existing = raw["containerDefinitions"]?.listValue ?? []
        guard containers.count == existing.count,
              containers.allSatisfy({ wanted in existing.contains { ECSContainerDefinitions.has($0, wanted) } }) else { return false }
        var sizes = given(context)
        sizes.removeValue(forKey: "taskRoleArn")
        sizes.removeValue(forKey: "requiresCompatibilities")
        if let mode = context.string("network_mode"), mode != "default" { sizes["networkMode"] = .string(mode) }
        return sizes.allSatisfy { key, value in raw[key].map { Self.contains($0, value) } ?? false }
    }

    private func deregister(_ context: ModuleContext, _ ecs: ECSClient) async throws -> TaskResult {
        let target: String
        if let arn = context.string("arn") {
            target = arn
        } else if let family = context.string("family"), let revision = context.int("revision") {
            target = "\(family):\(revision)"
        } else {
            throw AWSModuleError("To use task definitions, an arn or family and revision must be specified")
        }
        let definition: ECSTaskDefinition
        do {
            definition = try await ecs.describeTaskDefinition(target)
        } catch let error as AWSError where error.isUnknownTaskDefinition {
            return .ok(changed: false, [:])
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing task definition '\(target)'")
        }
        let result: OrderedDictionary<String, Value> = ["taskdefinition": ECSResultShape.jsonized(definition.raw)]
        if definition.status == "INACTIVE" || context.checkMode { return .ok(changed: definition.status != "INACTIVE", result) }
        try await AWSModuleError.wrapping("deregistering '\(target)'") { try await ecs.deregisterTaskDefinition(definition.arn) }
        return .ok(changed: true, result)
    }

    /// The top-level fields the task gives, with the API's names (network mode apart: it has a default).
    func given(_ context: ModuleContext) -> [String: Value] {
        var extra: [String: Value] = [:]
        if let cpu = context.string("cpu") { extra["cpu"] = .string(cpu) }
        if let memory = context.string("memory") { extra["memory"] = .string(memory) }
        if let launch = context.string("launch_type") { extra["requiresCompatibilities"] = .list([.string(launch)]) }
        if let role = context.string("execution_role_arn"), !role.isEmpty { extra["executionRoleArn"] = .string(role) }
        if let role = context.string("task_role_arn"), !role.isEmpty { extra["taskRoleArn"] = .string(role) }
        return extra
    }

    /// `taskdefinition` as ECS answers it, and play's handles on it.
    static func result(_ raw: Value, previous: ECSTaskDefinition?) -> OrderedDictionary<String, Value> {
        let definition = ECSTaskDefinition(json: raw)
        return [
            "taskdefinition": ECSResultShape.jsonized(raw),
            "arn": .string(definition.arn),
            "family": .string(definition.family),
            "revision": .int(definition.revision),
            "images": .list(definition.images.map(Value.string)),
            "previous_arn": previous.map { .string($0.arn) } ?? .null,
        ]
    }

    /// Whether `actual` has everything `wanted` says: dictionaries by their given keys, lists item by
    /// item, scalars by their text (a templated "256" equals AWS's 256).
    static func contains(_ actual: Value, _ wanted: Value) -> Bool {
        switch (actual, wanted) {
        case (.dict(let have), .dict(let want)):
            return want.allSatisfy { key, value in have[key].map { contains($0, value) } ?? value.isNull }
        case (.list(let have), .list(let want)):
            return have.count == want.count && zip(have, want).allSatisfy { contains($0, $1) }
        case (.dict, _), (_, .dict), (.list, _), (_, .list):
            return false
        default:
            return actual.renderedString == wanted.renderedString
        }
    }
}
