import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// The template as the collection reports it, and deletion (whole, or listed versions with the
/// default moved off them first).
extension LaunchTemplates {
    func result(changed: Bool) async throws -> TaskResult {
        let (found, items) = try await find()
        guard let found else { throw AWSModuleError("the launch template vanished after it was written") }
        let template = LaunchTemplateShape.template(found)
        let versions = items.map { LaunchTemplateShape.dict($0) }
        let latestNumber = template["latest_version_number"]?.intValue
        let defaultTemplate = versions.first { $0["default_version"] == .bool(true) } ?? [:]
        let latestTemplate = versions.first { $0["version_number"]?.intValue == latestNumber } ?? [:]
        var out: OrderedDictionary<String, Value> = [
            "template": .dict(template), "versions": .list(versions.map(Value.dict)),
            "default_template": .dict(defaultTemplate), "latest_template": .dict(latestTemplate),
        ]
        if let number = defaultTemplate["version_number"] { out["default_version"] = number }
        if let number = latestTemplate["version_number"] { out["latest_version"] = number }
        return .ok(changed: changed, out)
    }

    func delete(_ found: XMLTree?, _ versions: [XMLTree]) async throws -> TaskResult {
        guard let found, let id = found.string("launchTemplateId") else {
            return .ok(changed: false, ["deleted_versions": .list([]), "deleted_template": .dict([:])])
        }
        var deletedVersions: [Value] = []
        var deletedTemplate = OrderedDictionary<String, Value>()
        if let listed = context.list("versions_to_delete")?.compactMap({ Int($0.renderedString) }), !listed.isEmpty {
            let existing = versions.compactMap { $0.int("versionNumber") }
            if let missing = listed.first(where: { !existing.contains($0) }) {
                throw AWSModuleError("The following versions [\(missing)] do not exist for launch template id '\(id)'.")
            }
            let remaining = existing.filter { !listed.contains($0) }
            let current = found.int("defaultVersionNumber") ?? 0
            if listed.contains(current), let newDefault = remaining.max(), !context.checkMode {
                var request = EC2Request("ModifyLaunchTemplate")
                request.set("LaunchTemplateId", id)
                request.set("ClientToken", UUID().uuidString)
                request.set("SetDefaultVersion", String(newDefault))
                _ = try await AWSModuleError.wrapping("moving the default version of \(id)") { try await ec2.send(request) }
            }
            if !context.checkMode {
                var request = EC2Request("DeleteLaunchTemplateVersions")
                request.set("LaunchTemplateId", id)
                request.list("LaunchTemplateVersion", listed.map(String.init))
                let answer = try await AWSModuleError.wrapping("deleting versions of \(id)") { try await ec2.send(request) }
                deletedVersions = (answer.child("successfullyDeletedLaunchTemplateVersionSet")?.children("item") ?? [])
                    .map { .dict(LaunchTemplateShape.dict($0)) }
            }
        } else if !context.checkMode {
            var request = EC2Request("DeleteLaunchTemplate")
            request.set("LaunchTemplateId", id)
            let answer = try await AWSModuleError.wrapping("deleting launch template \(id)") { try await ec2.send(request) }
            deletedTemplate = answer.child("launchTemplate").map(LaunchTemplateShape.template) ?? [:]
        }
        return .ok(changed: true, ["deleted_versions": .list(deletedVersions), "deleted_template": .dict(deletedTemplate)])
    }
}
