import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_launch_template`: a launch template by name or id. The template data is the
/// module's snake_case arguments (image_id, instance_type, network_interfaces, ...); data that
/// differs from the latest version makes a new version (from `source_version`), then
/// `default_version` is set and the template's tags are synced. `state: absent` deletes the
/// template, or only `versions_to_delete`. Returns `template`, `versions`, `default_template`,
/// `latest_template`, `default_version`, `latest_version`.
public struct EC2LaunchTemplateModule: Module {
    public init() {}

    static let dataOptions: [(String, ArgumentType)] = [
        ("block_device_mappings", .list), ("cpu_options", .dict), ("credit_specification", .dict),
        ("disable_api_termination", .bool), ("ebs_optimized", .bool), ("elastic_gpu_specifications", .list),
        ("image_id", .string), ("instance_initiated_shutdown_behavior", .string), ("instance_market_options", .dict),
        ("instance_type", .string), ("kernel_id", .string), ("key_name", .string), ("monitoring", .dict),
        ("metadata_options", .dict), ("network_interfaces", .list), ("placement", .dict), ("ram_disk_id", .string),
        ("security_group_ids", .list), ("security_groups", .list), ("user_data", .string),
    ]

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_launch_template", arguments: [
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("template_name", .string, aliases: ["name"]),
        ArgumentSpec("template_id", .string, aliases: ["id"]),
        ArgumentSpec("default_version", .string, defaultValue: "latest"),
        ArgumentSpec("source_version", .string, defaultValue: "latest"),
        ArgumentSpec("version_description", .string, defaultValue: ""),
        ArgumentSpec("iam_instance_profile", .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("versions_to_delete", .list, elements: .int),
        ArgumentSpec("tag_specifications", .list, elements: .dict),
    ] + dataOptions.map { ArgumentSpec($0.0, $0.1) } + AWSArguments.specs, requiredOneOf: [["template_name", "template_id"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let session = try await context.awsSession().session
            let templates = LaunchTemplates(context: context, ec2: session.ec2(), iam: session.iam())
            let (found, versions) = try await templates.find()
            if context.string("state") == "absent" { return try await templates.delete(found, versions) }
            let data = try await templates.wantedData()
            var changed = false
            var latestNumber: Int
            let id: String
            if let found {
                id = found.string("launchTemplateId") ?? ""
                let latest = versions.max { ($0.int("versionNumber") ?? 0) < ($1.int("versionNumber") ?? 0) }
                latestNumber = latest?.int("versionNumber") ?? 0
                let held = latest?.child("launchTemplateData").map { Value.dict(LaunchTemplateShape.dict($0)) } ?? .dict([:])
                let description = context.string("version_description") ?? ""
                if !LaunchTemplateShape.same(LaunchTemplateShape.snaked(data), held) || description != (latest?.string("versionDescription") ?? "") {
                    changed = true
                    if context.checkMode { return .ok(changed: true, ["msg": "Would have created launch template version if not in check mode."]) }
                    latestNumber = try await templates.addVersion(id, data: data, versions: versions, latest: latestNumber)
                }
                changed = try await templates.setDefault(id, current: found.int("defaultVersionNumber") ?? 0, latest: latestNumber) || changed
                changed = try await templates.syncTags(id) || changed
            } else {
                if context.checkMode { return .ok(changed: true, ["msg": "Would have created launch template if not in check mode."]) }
                try await templates.create(data)
                changed = true
            }
            return try await templates.result(changed: changed)
        }
    }
}
