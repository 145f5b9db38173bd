import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `ecs_ecr`: an ECR repository by name: created (tag mutability, encryption) or
/// deleted (`force_absent` with its images), its repository policy and lifecycle policy set or
/// purged (policies compared as documents: key order, string-list order and the default
/// `Version` do not count), `scan_on_push`. Returns `state`, `created`, `repository` as ECR
/// answers it, `policy` and `lifecycle_policy` as documents; in check mode `skipped` where a
/// change would be made.
public struct ECSECRModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_ecr", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("registry_id", .string),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("force_absent", .bool, defaultValue: false),
        ArgumentSpec("force_set_policy", .bool, defaultValue: false),
        ArgumentSpec("policy", .raw),
        ArgumentSpec("image_tag_mutability", .string, choices: ["mutable", "immutable"], defaultValue: "mutable"),
        ArgumentSpec("purge_policy", .bool),
        ArgumentSpec("lifecycle_policy", .raw),
        ArgumentSpec("purge_lifecycle_policy", .bool),
        ArgumentSpec("scan_on_push", .bool, defaultValue: false),
        ArgumentSpec("encryption_configuration", .dict),
    ] + AWSArguments.specs, mutuallyExclusive: [["policy", "purge_policy"], ["lifecycle_policy", "purge_lifecycle_policy"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let session = try await context.awsSession().session
            var work = ECRRepositoryWork(ecr: session.ecr(), name: context.string("name") ?? "",
                                         registry: context.string("registry_id"), checkMode: context.checkMode)
            let policy = try Self.document(context, "policy")
            let lifecycle = try Self.document(context, "lifecycle_policy")
            var result: OrderedDictionary<String, Value> = ["state": .string(context.string("state") ?? "present"), "created": false]
            if context.string("state") == "absent" {
                result["name"] = .string(work.name)
                try await work.delete(force: context.bool("force_absent"))
            } else {
                if let registry = work.registry, try await work.repository() == nil {
                    let account = try await AWSModuleError.wrapping("finding the account") { try await session.sts().callerIdentity().account }
                    if registry != account {
                        throw AWSModuleError("Cannot create repository in registry \(registry).  Would be created in \(account) instead.")
                    }
                }
                let encryption = try Self.encryption(context.args["encryption_configuration"])
                let (repository, created) = try await work.ensure(mutability: (context.string("image_tag_mutability") ?? "mutable").uppercased(),
                                                                  encryption: encryption)
                result["created"] = .bool(created)
                result["repository"] = repository
                if context.bool("purge_lifecycle_policy") {
                    result["lifecycle_policy"] = .null
                    try await work.purgeLifecyclePolicy()
                } else if let lifecycle {
                    result["lifecycle_policy"] = lifecycle.document
                    try await work.setLifecyclePolicy(lifecycle)
                }
                if context.bool("purge_policy") {
                    result["policy"] = .null
                    try await work.purgePolicy()
                } else if let policy {
                    result["policy"] = ECRRepositoryWork.sortedStringLists(policy.document)
                    try await work.setPolicy(policy, force: context.bool("force_set_policy"))
                } else if let current = try await work.currentPolicy() {
                    result["policy"] = current
                }
                if let scanning = try await work.setScanOnPush(context.bool("scan_on_push")) {
                    if case .dict(var fields)? = result["repository"] {
                        fields["imageScanningConfiguration"] = ["scanOnPush": .bool(scanning)]
                        result["repository"] = .dict(fields)
                    }
                }
            }
            if work.skipped { result["skipped"] = true }
            return .ok(changed: work.changed, result)
        }
    }

    /// A JSON argument (text or already a document), nil when not given; the collection reports
    /// text it cannot parse as a failure naming the argument.
    static func document(_ context: ModuleContext, _ key: String) throws -> (text: String, document: Value)? {
        guard let given = context.args[key], !given.isNull else { return nil }
        if case .string(let text) = given {
            guard let parsed = try? Value.parseJSON(text) else { throw AWSModuleError("Could not parse \(key)", [key: given]) }
            return (text, parsed)
        }
        return (given.jsonString(), given)
    }

    /// `encryption_configuration` in the API's terms; nil when not given (AES256 on creation).
    static func encryption(_ given: Value?) throws -> Value? {
        guard let given, case .dict(let fields) = given else { return nil }
        let type = fields["encryption_type"]?.renderedString ?? "AES256"
        guard ["AES256", "KMS"].contains(type) else { throw AWSModuleError("encryption_type must be one of: AES256, KMS, got: \(type)") }
        var out: OrderedDictionary<String, Value> = ["encryptionType": .string(type)]
        if let key = fields["kms_key"], !key.isNull { out["kmsKey"] = key }
        if type == "KMS" && out["kmsKey"] == nil { throw AWSModuleError("encryption_type is KMS but all of the following are missing: kms_key") }
        return .dict(out)
    }
}
