import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// One `ec2_launch_template` task's calls: finding the template and its versions, the wanted
/// data, creating templates and versions, the default version, tags, deletion and the result.
struct LaunchTemplates {
    let context: ModuleContext
    let ec2: EC2Client
    let iam: AWSQueryClient

    func find() async throws -> (XMLTree?, [XMLTree]) {
        var request = EC2Request("DescribeLaunchTemplates")
        if let id = context.string("template_id") { request.list("LaunchTemplateId", [id]) } else {
            request.list("LaunchTemplateName", [context.string("template_name") ?? ""])
        }
        let found: XMLTree?
        do {
            found = try await ec2.describeItems(request, set: "launchTemplates").first
        } catch let error as AWSError where error.code.hasPrefix("InvalidLaunchTemplate") {
            found = nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing the launch template")
        }
        guard let found, let id = found.string("launchTemplateId") else { return (nil, []) }
        var versions = EC2Request("DescribeLaunchTemplateVersions")
        versions.set("LaunchTemplateId", id)
        let items = try await AWSModuleError.wrapping("describing the versions of \(id)") {
            try await ec2.describeItems(versions, set: "launchTemplateVersionSet")
        }
        return (found, items)
    }

    /// The template data the arguments ask for, as the SDK's `LaunchTemplateData`.
    func wantedData() async throws -> Value {
        var data = OrderedDictionary<String, Value>()
        for (name, _) in EC2LaunchTemplateModule.dataOptions {
            guard var value = context.args[name], !value.isNull else { continue }
            if name == "network_interfaces", case .list(let interfaces) = value {
                value = .list(interfaces.map { interface in
                    guard case .dict(var dict) = interface, let addresses = dict["ipv6_addresses"]?.listValue else { return interface }
                    dict["ipv6_addresses"] = .list(addresses.map { .dict(["ipv6_address": $0]) })
                    return .dict(dict)
                })
            }
            data[name] = value
        }
        if let profile = context.string("iam_instance_profile") {
            data["iam_instance_profile"] = .dict(["arn": .string(try await profileARN(profile))])
        }
        var camel = LaunchTemplateShape.camelized(.dict(data)).dictValue ?? [:]
        if let specs = context.list("tag_specifications"), !specs.isEmpty {
            camel["TagSpecifications"] = .list(specs.compactMap { spec -> Value? in
                guard let dict = spec.dictValue else { return nil }
                let tags = (dict["tags"]?.dictValue ?? [:]).mapValues(\.renderedString)
                return .dict(["ResourceType": dict["resource_type"] ?? "instance",
                              "Tags": EC2QuerySpec.tagList(Dictionary(uniqueKeysWithValues: tags.map { ($0.key, $0.value) }))])
            })
        }
        return .dict(camel)
    }

    private func profileARN(_ profile: String) async throws -> String {
        if profile.hasPrefix("arn:") { return profile }
        guard let found = try await IAMResources(iam: iam).instanceProfile(profile), let arn = found.string("Arn") else {
            throw AWSModuleError("Could not find instance profile '\(profile)'")
        }
        return arn
    }

    func create(_ data: Value) async throws {
        var spec: OrderedDictionary<String, Value> = [
            "LaunchTemplateName": .string(context.string("template_name") ?? ""), "LaunchTemplateData": data,
            "ClientToken": .string(UUID().uuidString), "VersionDescription": .string(context.string("version_description") ?? ""),
        ]
        let tags = ResourceTags.given(context)
        if !tags.isEmpty { spec["TagSpecifications"] = .list([.dict(["ResourceType": "launch-template", "Tags": EC2QuerySpec.tagList(tags)])]) }
        _ = try await AWSModuleError.wrapping("creating launch template") { try await ec2.send(EC2QuerySpec.request("CreateLaunchTemplate", spec)) }
    }

    /// A new version from `source_version` (`latest`, or a version number that must exist).
    func addVersion(_ id: String, data: Value, versions: [XMLTree], latest: Int) async throws -> Int {
        var spec: OrderedDictionary<String, Value> = ["LaunchTemplateId": .string(id), "ClientToken": .string(UUID().uuidString),
                                                      "VersionDescription": .string(context.string("version_description") ?? "")]
        let source = context.string("source_version") ?? "latest"
        if source == "latest" {
            spec["SourceVersion"] = .string(String(latest))
        } else if !source.isEmpty {
            guard let number = Int(source) else { throw AWSModuleError("source_version param was not a valid integer, got \"\(source)\"") }
            guard versions.contains(where: { $0.int("versionNumber") == number }) else {
                throw AWSModuleError("source_version does not exist, got \"\(source)\"")
            }
            spec["SourceVersion"] = .string(String(number))
        }
        spec["LaunchTemplateData"] = data
        let answer = try await AWSModuleError.wrapping("creating a version of launch template \(id)") {
            try await ec2.send(EC2QuerySpec.request("CreateLaunchTemplateVersion", spec))
        }
        return answer.int("launchTemplateVersion", "versionNumber") ?? latest + 1
    }

    func setDefault(_ id: String, current: Int, latest: Int) async throws -> Bool {
        guard let given = context.string("default_version"), !given.isEmpty else { return false }
        let wanted: Int
        if given == "latest" { wanted = latest } else {
            guard let number = Int(given) else { throw AWSModuleError("default_version param was not a valid integer, got \"\(given)\"") }
            wanted = number
        }
        guard wanted != current else { return false }
        if !context.checkMode {
            var request = EC2Request("ModifyLaunchTemplate")
            request.set("LaunchTemplateId", id)
            request.set("ClientToken", UUID().uuidString)
            request.set("SetDefaultVersion", String(wanted))
            _ = try await AWSModuleError.wrapping("setting the default version of \(id)") { try await ec2.send(request) }
        }
        return true
    }

    func syncTags(_ id: String) async throws -> Bool {
        guard context.args["tags"].map({ !$0.isNull }) ?? false else { return false }
        var request = EC2Request("DescribeTags")
        request.filters([EC2Filter("resource-id", [id])])
        var have: [String: String] = [:]
        for item in try await AWSModuleError.wrapping("reading the tags of \(id)", { try await ec2.describeItems(request, set: "tagSet") }) {
            if let key = item.string("key") { have[key] = item.string("value") ?? "" }
        }
        let (add, remove) = ResourceTags.changes(have, ResourceTags.given(context), purge: context.bool("purge_tags", default: true))
        if !context.checkMode {
            try await AWSModuleError.wrapping("tagging \(id)") {
                try await ec2.createTags(resourceIDs: [id], tags: add)
                try await ec2.deleteTags(resourceIDs: [id], keys: remove)
            }
        }
        return !add.isEmpty || !remove.isEmpty
    }
}
