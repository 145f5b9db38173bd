import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_key`: a key pair by name. Created (AWS makes the key and returns its private
/// part once) or imported from `key_material`; `force` replaces a pair whose imported key differs;
/// `state: absent` deletes it. Returns `key` (`name`, `fingerprint`, `id`, `tags`, `type`,
/// `private_key` when created) and `msg`.
public struct EC2KeyModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_key", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("key_material", .string),
        ArgumentSpec("force", .bool, defaultValue: true),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("key_type", .string, choices: ["rsa", "ed25519"]),
        ArgumentSpec("file_name", .path),
    ] + AWSArguments.specs, mutuallyExclusive: [["key_material", "key_type"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let name = context.string("name") ?? ""
            let ec2 = try await context.awsSession().ec2
            var lookup = EC2Request("DescribeKeyPairs")
            lookup.filters([EC2Filter("key-name", [name])])
            let found = try await AWSModuleError.wrapping("looking up key pair '\(name)'") {
                try await ec2.describeItems(lookup, set: "keySet")
            }.first
            if context.string("state") == "absent" {
                guard found != nil else { return .ok(changed: false, ["key": .null, "msg": "key did not exist"]) }
                if !context.checkMode {
                    var delete = EC2Request("DeleteKeyPair")
                    delete.set("KeyName", name)
                    _ = try await AWSModuleError.wrapping("deleting key pair '\(name)'") { try await ec2.send(delete) }
                }
                return .ok(changed: true, ["key": .null, "msg": "key deleted"])
            }
            if let found {
                return .ok(changed: false, ["key": keyValue(found), "msg": "key pair already exists"])
            }
            if context.checkMode {
                return .ok(changed: true, ["key": .dict(["name": .string(name)]), "msg": "key pair created"])
            }
            var request: EC2Request
            if let material = context.string("key_material") {
                request = EC2Request("ImportKeyPair")
                request.set("PublicKeyMaterial", Data(material.utf8).base64EncodedString())
            } else {
                request = EC2Request("CreateKeyPair")
                request.set("KeyType", context.string("key_type"))
            }
            request.set("KeyName", name)
            request.tagSpecifications(["key-pair"], tags: ResourceTags.given(context))
            let root = try await AWSModuleError.wrapping("creating key pair '\(name)'") {
                try await ec2.send(request, idempotent: false)
            }
            if let file = context.string("file_name"), let material = root.string("keyMaterial") {
                try Data(material.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
                chmod(file, 0o600)
            }
            return .ok(changed: true, ["key": keyValue(root), "msg": "key pair created"])
        }
    }

    private func keyValue(_ node: XMLTree) -> Value {
        var key: OrderedDictionary<String, Value> = [
            "fingerprint": .string(node.string("keyFingerprint") ?? ""),
            "id": .string(node.string("keyPairId") ?? ""),
            "name": .string(node.string("keyName") ?? ""),
        ]
        if let material = node.string("keyMaterial") { key["private_key"] = .string(material) }
        key["tags"] = node["tagSet"].map(EC2ResultShape.tags) ?? .dict([:])
        if let type = node.nonEmpty("keyType") { key["type"] = .string(type) }
        return .dict(key)
    }
}
