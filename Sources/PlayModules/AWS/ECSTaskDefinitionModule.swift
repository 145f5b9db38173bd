import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ecs_taskdefinition`: makes the latest revision of a family run the given containers.
/// Either `containers` (full container definitions, camelCase keys as in the ECS API) or `image`
/// (plus `container_name` when the family has several containers) to change one image of the
/// latest revision, everything else carried over. A new revision is registered only when the
/// latest differs (`changed: false` otherwise), so running a deploy again registers nothing.
/// `previous_arn` is the latest revision before this task ran: what a rollback goes back to.
/// `state: absent` deregisters one revision (a rolled-back one, so the next deploy builds on the
/// good revision and the next rollback does not land on the bad one).
public struct ECSTaskDefinitionModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_taskdefinition", arguments: [
        ArgumentSpec("family", .string, required: true),
        ArgumentSpec("containers", .list, elements: .dict),
        ArgumentSpec("image", .string),
        ArgumentSpec("container_name", .string),
        ArgumentSpec("cpu", .string),
        ArgumentSpec("memory", .string),
        ArgumentSpec("network_mode", .string, choices: ["bridge", "host", "awsvpc", "none"]),
        ArgumentSpec("launch_type", .string, choices: ["EC2", "FARGATE"]),
        ArgumentSpec("execution_role_arn", .string),
        ArgumentSpec("task_role_arn", .string),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        // state: absent deregisters one revision: `revision` of `family`, or `arn`.
        ArgumentSpec("revision", .int),
        ArgumentSpec("arn", .string),
    ] + AWSArguments.specs, mutuallyExclusive: [["containers", "image"], ["revision", "arn"]])

    /// Top-level fields a new revision made with `image` keeps from the latest one.
    static let carriedFields = ["cpu", "memory", "networkMode", "requiresCompatibilities", "executionRoleArn",
                                "taskRoleArn", "volumes", "placementConstraints", "pidMode", "ipcMode",
                                "runtimePlatform", "ephemeralStorage", "proxyConfiguration"]

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        guard let family = context.string("family"), !family.isEmpty, !family.contains(":") else {
            throw AWSModuleError("family must be a task definition family name without a revision (\"web\", not \"web:3\")")
        }
        let ecs = try await context.awsSession().session.ecs()
        if context.string("state") == "absent" { return try await deregister(context, ecs, family: family) }
        guard context.args["containers"].map({ !$0.isNull }) ?? false || context.string("image") != nil else {
            throw AWSModuleError("give either containers (full definitions) or image (and container_name) to register a revision")
        }
        let latest = try await AWSModuleError.wrapping("finding the latest active revision of '\(family)'") {
            try await ecs.latestActiveTaskDefinition(family: family)
        }

        var extra = given(context)
        let containers: [Value]
        if let image = context.string("image") {
            guard let latest else {
                throw AWSModuleError("task definition family '\(family)' has no active revision to change the image of: "
                    + "register the first one with 'containers'")
            }
            let index = try containerIndex(in: latest, named: context.string("container_name"))
            if latest.containerDefinitions[index]["image"]?.stringValue == image && matches(extra, latest.raw) {
                return unchanged(latest, "'\(family)' revision \(latest.revision) already runs \(image)")
            }
            var definitions = latest.containerDefinitions
            if case .dict(var fields) = definitions[index] {
                fields["image"] = .string(image)
                definitions[index] = .dict(fields)
            }
            containers = definitions
            for field in Self.carriedFields where extra[field] == nil {
                if let value = latest.raw[field], !value.isNull { extra[field] = value }
            }
        } else {
            containers = context.list("containers") ?? []
            guard !containers.isEmpty else { throw AWSModuleError("containers is empty: give at least one container definition") }
            for (position, container) in containers.enumerated() {
                guard container["name"]?.stringValue?.isEmpty == false, container["image"]?.stringValue?.isEmpty == false else {
                    throw AWSModuleError("container \(position + 1) needs a 'name' and an 'image'")
                }
            }
            if let latest, sameContainers(containers, latest.containerDefinitions), matches(extra, latest.raw) {
                return unchanged(latest, "'\(family)' revision \(latest.revision) already has these containers")
            }
        }

        if context.checkMode {
            return .ok(changed: true, [
                "msg": .string("would register '\(family)' revision \((latest?.revision ?? 0) + 1)"),
                "previous_arn": latest.map { .string($0.arn) } ?? .null,
                "images": .list(containers.compactMap { $0["image"] }),
            ])
        }
        context.progress("registering a new revision of '\(family)'")
        let registered = try await AWSModuleError.wrapping("registering a revision of '\(family)'") {
            try await ecs.registerTaskDefinition(family: family, containerDefinitions: containers, extra: extra)
        }
        return .ok(changed: true, [
            "taskdefinition": registered.resultValue,
            "arn": .string(registered.arn),
            "family": .string(registered.family),
            "revision": .int(registered.revision),
            "images": .list(registered.images.map(Value.string)),
            "previous_arn": latest.map { .string($0.arn) } ?? .null,
            "msg": .string("registered '\(family)' revision \(registered.revision)"),
        ])
    }

    private func deregister(_ context: ModuleContext, _ ecs: ECSClient, family: String) async throws -> TaskResult {
        let target: String
        if let arn = context.string("arn") {
            guard ECSTaskDefinition.family(ofARN: arn) == family, ECSTaskDefinition.revision(ofARN: arn) != nil else {
                throw AWSModuleError("arn '\(arn)' is not a revision of family '\(family)'")
            }
            target = arn
        } else if let revision = context.int("revision") {
            target = "\(family):\(revision)"
        } else {
            throw AWSModuleError("state: absent needs the revision to deregister: give revision or arn")
        }
        let definition: ECSTaskDefinition
        do {
            definition = try await ecs.describeTaskDefinition(target)
        } catch let error as AWSError where error.isUnknownTaskDefinition {
            return .ok(changed: false, ["msg": .string("task definition '\(target)' does not exist")])
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing task definition '\(target)'")
        }
        var result: OrderedDictionary<String, Value> = [
            "arn": .string(definition.arn), "family": .string(definition.family), "revision": .int(definition.revision),
        ]
        if definition.status == "INACTIVE" {
            result["msg"] = .string("'\(family)' revision \(definition.revision) is already inactive")
            return .ok(changed: false, result)
        }
        if context.checkMode {
            result["msg"] = .string("would deregister '\(family)' revision \(definition.revision)")
            return .ok(changed: true, result)
        }
        let done = try await AWSModuleError.wrapping("deregistering '\(target)'") { try await ecs.deregisterTaskDefinition(definition.arn) }
        result["taskdefinition"] = done.resultValue
        result["msg"] = .string("deregistered '\(family)' revision \(definition.revision)")
        return .ok(changed: true, result)
    }

    /// The top-level fields the task gives, with the API's names.
    private func given(_ context: ModuleContext) -> [String: Value] {
        var extra: [String: Value] = [:]
        if let cpu = context.string("cpu") { extra["cpu"] = .string(cpu) }
        if let memory = context.string("memory") { extra["memory"] = .string(memory) }
        if let mode = context.string("network_mode") { extra["networkMode"] = .string(mode) }
        if let launch = context.string("launch_type") { extra["requiresCompatibilities"] = .list([.string(launch)]) }
        if let role = context.string("execution_role_arn") { extra["executionRoleArn"] = .string(role) }
        if let role = context.string("task_role_arn") { extra["taskRoleArn"] = .string(role) }
        return extra
    }

    private func unchanged(_ latest: ECSTaskDefinition, _ message: String) -> TaskResult {
        .ok(changed: false, [
            "taskdefinition": latest.resultValue,
            "arn": .string(latest.arn),
            "family": .string(latest.family),
            "revision": .int(latest.revision),
            "images": .list(latest.images.map(Value.string)),
            "previous_arn": .string(latest.arn),
            "msg": .string(message),
        ])
    }

    private func containerIndex(in definition: ECSTaskDefinition, named name: String?) throws -> Int {
        let names = definition.containerDefinitions.map { $0["name"]?.stringValue ?? "" }
        if let name {
            guard let index = names.firstIndex(of: name) else {
                throw AWSModuleError("'\(definition.family)' revision \(definition.revision) has no container '\(name)'; "
                    + "its containers: \(names.joined(separator: ", "))")
            }
            return index
        }
        guard names.count == 1 else {
            throw AWSModuleError("'\(definition.family)' has \(names.count) containers (\(names.joined(separator: ", "))): "
                + "say which one gets the image with container_name")
        }
        return 0
    }

    /// Every given container exists in the latest revision (by name) with every given field equal.
    /// Fields the task leaves out (AWS fills defaults such as `cpu: 0`) do not count.
    private func sameContainers(_ given: [Value], _ latest: [Value]) -> Bool {
        guard given.count == latest.count else { return false }
        for container in given {
            guard let name = container["name"]?.stringValue,
                  let existing = latest.first(where: { $0["name"]?.stringValue == name }),
                  ECSTaskDefinitionModule.contains(existing, container) else { return false }
        }
        return true
    }

    private func matches(_ extra: [String: Value], _ raw: Value) -> Bool {
        extra.allSatisfy { key, value in raw[key].map { Self.contains($0, value) } ?? false }
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
