import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// play's `image` mode of `ecs_taskdefinition`: the latest ACTIVE revision of the family again,
/// with one container's image changed (`container_name` says which when there are several) and
/// everything else carried over. Nothing is registered when the latest already runs that image
/// with the sizes and roles given.
extension ECSTaskDefinitionModule {
    /// Top-level fields a new revision made with `image` keeps from the latest one.
    static let carriedFields = ["cpu", "memory", "networkMode", "requiresCompatibilities", "executionRoleArn",
                                "taskRoleArn", "volumes", "placementConstraints", "pidMode", "ipcMode",
                                "runtimePlatform", "ephemeralStorage", "proxyConfiguration"]

    func registerImage(_ context: ModuleContext, _ ecs: ECSClient, family: String) async throws -> TaskResult {
        let image = context.string("image") ?? ""
        let latest = try await AWSModuleError.wrapping("finding the latest active revision of '\(family)'") {
            try await ecs.latestActiveTaskDefinition(family: family)
        }
        guard let latest else {
            throw AWSModuleError("task definition family '\(family)' has no active revision to change the image of: "
                + "register the first one with 'containers'")
        }
        var extra = given(context)
        if let mode = context.string("network_mode"), mode != "default" { extra["networkMode"] = .string(mode) }
        if let platform = context.args["runtime_platform"], !platform.isNull { extra["runtimePlatform"] = platform }
        let index = try containerIndex(in: latest, named: context.string("container_name"))
        let same = extra.allSatisfy { key, value in latest.raw[key].map { Self.contains($0, value) } ?? false }
        if latest.containerDefinitions[index]["image"]?.stringValue == image && same {
            return .ok(changed: false, Self.result(latest.raw, previous: latest))
        }
        var definitions = latest.containerDefinitions
        if case .dict(var fields) = definitions[index] {
            fields["image"] = .string(image)
            definitions[index] = .dict(fields)
        }
        for field in Self.carriedFields where extra[field] == nil {
            if let value = latest.raw[field], !value.isNull { extra[field] = value }
        }
        if context.checkMode {
            return .ok(changed: true, ["previous_arn": .string(latest.arn), "images": .list(definitions.compactMap { $0["image"] })])
        }
        context.progress("registering a new revision of '\(family)'")
        let registered = try await AWSModuleError.wrapping("Failed to register task") {
            try await ecs.registerTaskDefinition(family: family, containerDefinitions: definitions, extra: extra)
        }
        return .ok(changed: true, Self.result(registered.raw, previous: latest))
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
}
