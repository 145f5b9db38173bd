import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `s3_bucket`: a bucket present (created in the task's region) with `tags`
/// (`purge_tags`), `versioning`, `requester_pays` and `policy` as given, or absent (with `force`,
/// its objects deleted first). Reports `name`, `tags`, `versioning`, `requester_pays`, `policy`.
/// The other settings the collection manages (encryption, public access, ownership, ACLs,
/// acceleration, object lock) are refused when given rather than silently ignored.
public struct S3BucketModule: Module {
    public init() {}

    static let unsupported = ["encryption", "encryption_key_id", "bucket_key_enabled", "public_access", "object_ownership",
                              "acl", "accelerate_enabled", "object_lock_enabled", "object_lock_default_retention"]

    public let spec = ModuleSpec(groups: ["aws"], name: "s3_bucket", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("force", .bool, defaultValue: false),
        ArgumentSpec("policy", .raw),
        ArgumentSpec("versioning", .bool),
        ArgumentSpec("requester_pays", .bool),
        ArgumentSpec("validate_bucket_name", .bool, defaultValue: true),
        ArgumentSpec("dualstack", .bool, defaultValue: false),
        ArgumentSpec("ceph", .bool, aliases: ["rgw"], defaultValue: false),
        ArgumentSpec("encryption", .string, choices: ["none", "AES256", "aws:kms"]),
        ArgumentSpec("encryption_key_id", .string),
        ArgumentSpec("bucket_key_enabled", .bool),
        ArgumentSpec("public_access", .dict),
        ArgumentSpec("delete_public_access", .bool, defaultValue: false),
        ArgumentSpec("object_ownership", .string, choices: ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]),
        ArgumentSpec("delete_object_ownership", .bool, defaultValue: false),
        ArgumentSpec("acl", .string, choices: ["private", "public-read", "public-read-write", "authenticated-read"]),
        ArgumentSpec("accelerate_enabled", .bool),
        ArgumentSpec("object_lock_enabled", .bool),
        ArgumentSpec("object_lock_default_retention", .dict),
        ArgumentSpec("inventory", .list, elements: .dict),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let given = Self.unsupported.filter { !(context.args[$0]?.isNull ?? true) }
            if !given.isEmpty { throw AWSModuleError("s3_bucket: \(given.joined(separator: ", ")) not supported by play yet") }
            let name = context.string("name") ?? ""
            let s3 = try await context.awsSession().s3
            let exists = try await AWSModuleError.wrapping("looking up bucket \(name)") { try await s3.bucketExists(name) }
            if context.string("state") == "absent" {
                guard exists else { return .ok(changed: false, ["name": .string(name)]) }
                if !context.checkMode {
                    try await AWSModuleError.wrapping("deleting bucket \(name)") {
                        if context.bool("force", default: false) {
                            for object in try await s3.listObjects(bucket: name) { try await s3.deleteObject(bucket: name, key: object.key) }
                        }
                        try await s3.deleteBucket(name)
                    }
                }
                return .ok(changed: true, ["name": .string(name)])
            }
            var changed = !exists
            if !exists {
                if context.checkMode { return .ok(changed: true, ["name": .string(name)]) }
                try await AWSModuleError.wrapping("creating bucket \(name)") { try await s3.createBucket(name) }
            }
            return try await AWSModuleError.wrapping("configuring bucket \(name)") {
                var settings = S3BucketSettings(s3: s3, bucket: name, checkMode: context.checkMode)
                changed = try await settings.versioning(context.args["versioning"]?.boolValue) || changed
                changed = try await settings.requesterPays(context.args["requester_pays"]?.boolValue) || changed
                changed = try await settings.policy(context.args["policy"]) || changed
                changed = try await settings.tags(context.args["tags"].map { _ in ResourceTags.given(context) },
                                                  purge: context.bool("purge_tags", default: true)) || changed
                var result = settings.result
                result["name"] = .string(name)
                return .ok(changed: changed, result)
            }
        }
    }
}
