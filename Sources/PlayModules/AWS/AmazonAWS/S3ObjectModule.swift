import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `s3_object` (also under its old name `aws_s3`): `put` (from `src`, `content` or
/// `content_base64`), `get` (to `dest`), `getstr`, `geturl`, `list`, `delobj`, `create` (a
/// "directory" key) and `delete` (the bucket with every key). `overwrite` decides whether an
/// existing copy is replaced: `always`, `never`, `different` (default: only when the MD5 differs,
/// where the ETag is an MD5) or `latest` (only when the remote object is newer). Objects are
/// written without an explicit SSE header (S3 encrypts new objects with SSE-S3 by default);
/// `version`, `headers`, KMS keys, object `tags`, ACLs other than private are refused for now.
public struct S3ObjectModule: Module {
    public init() {}

    static let modes = ["get", "put", "delete", "create", "geturl", "getstr", "delobj", "list"]

    public let spec = ModuleSpec(groups: ["aws"], name: "s3_object", aliases: ["aws_s3"], arguments: [
        ArgumentSpec("bucket", .string, required: true),
        ArgumentSpec("object", .string),
        ArgumentSpec("mode", .string, required: true, choices: modes),
        ArgumentSpec("dest", .path),
        ArgumentSpec("src", .path),
        ArgumentSpec("content", .string),
        ArgumentSpec("content_base64", .string),
        ArgumentSpec("overwrite", .string, aliases: ["force"], defaultValue: "different"),
        ArgumentSpec("expiry", .int, aliases: ["expiration"], defaultValue: 600),
        ArgumentSpec("prefix", .string, defaultValue: ""),
        ArgumentSpec("marker", .string),
        ArgumentSpec("max_keys", .int),
        ArgumentSpec("metadata", .dict),
        ArgumentSpec("headers", .dict),
        ArgumentSpec("permission", .list, defaultValue: .list(["private"]), elements: .string),
        ArgumentSpec("version", .string),
        ArgumentSpec("retries", .int, aliases: ["retry"], defaultValue: 0),
        ArgumentSpec("encrypt", .bool, defaultValue: true),
        ArgumentSpec("encryption_mode", .string, choices: ["AES256", "aws:kms"], defaultValue: "AES256"),
        ArgumentSpec("encryption_kms_key_id", .string),
        ArgumentSpec("sig_v4", .bool, defaultValue: true),
        ArgumentSpec("dualstack", .bool, defaultValue: false),
        ArgumentSpec("ceph", .bool, aliases: ["rgw"], defaultValue: false),
        ArgumentSpec("ignore_nonexistent_bucket", .bool, defaultValue: false),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("validate_bucket_name", .bool, defaultValue: true),
        ArgumentSpec("expected_bucket_owner", .string),
    ] + AWSArguments.specs, mutuallyExclusive: [["content", "content_base64", "src"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            var refused = ["version", "headers", "encryption_kms_key_id", "tags", "expected_bucket_owner"]
                .filter { !(context.args[$0]?.isNull ?? true) }
            if context.string("encryption_mode") == "aws:kms" { refused.append("encryption_mode: aws:kms") }
            if let acl = context.list("permission")?.map(\.renderedString), acl != ["private"] { refused.append("permission") }
            if !refused.isEmpty { throw AWSModuleError("s3_object: \(refused.joined(separator: ", ")) not supported by play yet") }
            let mode = context.string("mode") ?? ""
            let bucket = context.string("bucket") ?? ""
            let key = context.string("object").map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
            let needsKey: [String: String] = ["put": "object", "get": "object", "getstr": "object", "geturl": "object", "create": "object"]
            if needsKey[mode] != nil, (key ?? "").isEmpty {
                throw AWSModuleError("mode is \(mode) but all of the following are missing: object")
            }
            if mode == "get", context.string("dest") == nil { throw AWSModuleError("mode is get but all of the following are missing: dest") }
            if mode == "put", context.string("src") == nil, context.string("content") == nil, context.string("content_base64") == nil {
                throw AWSModuleError("mode is put but any of the following are missing: content, content_base64, src")
            }
            let s3 = try await context.awsSession().s3
            let object = key ?? ""
            switch mode {
            case "put": return try await put(context, s3, bucket, object)
            case "get": return try await get(context, s3, bucket, object)
            case "getstr":
                if context.checkMode { return .ok(changed: true, ["msg": "GET operation skipped - running in check mode"]) }
                let (data, _) = try await AWSModuleError.wrapping("reading s3://\(bucket)/\(object)") {
                    try await s3.getObjectData(bucket: bucket, key: object)
                }
                return .ok(changed: true, ["contents": .string(String(decoding: data, as: UTF8.self)), "msg": "GET operation complete"])
            case "geturl":
                return .ok(changed: true, try await downloadURL(context, s3, bucket, object))
            case "list":
                let prefix = context.string("prefix") ?? ""
                var objects = try await AWSModuleError.wrapping("listing s3://\(bucket)/\(prefix)") {
                    try await s3.listObjects(bucket: bucket, prefix: prefix.isEmpty ? nil : prefix)
                }
                if let marker = context.string("marker") { objects = objects.filter { $0.key > marker } }
                if let limit = context.int("max_keys") { objects = Array(objects.prefix(limit)) }
                return .ok(changed: false, ["msg": "LIST operation complete", "s3_keys": .list(objects.map { .string($0.key) })])
            case "delobj":
                if context.checkMode { return .ok(changed: true, ["msg": "DELETE operation skipped - running in check mode"]) }
                try await AWSModuleError.wrapping("deleting s3://\(bucket)/\(object)") { try await s3.deleteObject(bucket: bucket, key: object) }
                return .ok(changed: true, ["msg": .string("Object deleted from bucket \(bucket).")])
            case "create":
                let directory = object.hasSuffix("/") ? object : object + "/"
                if try await s3.objectInfo(bucket: bucket, key: directory) != nil {
                    return .ok(changed: false, ["msg": .string("Bucket \(bucket) and key \(directory) already exists.")])
                }
                if !context.checkMode {
                    _ = try await AWSModuleError.wrapping("creating s3://\(bucket)/\(directory)") {
                        try await s3.putObject(bucket: bucket, key: directory, data: Data())
                    }
                }
                return .ok(changed: true, ["msg": .string("Virtual directory \(directory) created in bucket \(bucket)")])
            default: // delete: the bucket and every key in it
                let keys = try await AWSModuleError.wrapping("listing s3://\(bucket)") { try await s3.listObjects(bucket: bucket) }
                if !context.checkMode {
                    try await AWSModuleError.wrapping("deleting bucket \(bucket)") {
                        for entry in keys { try await s3.deleteObject(bucket: bucket, key: entry.key) }
                        try await s3.deleteBucket(bucket)
                    }
                }
                return .ok(changed: true, ["msg": .string("Bucket \(bucket) and all keys have been deleted.")])
            }
        }
    }

    private func downloadURL(_ context: ModuleContext, _ s3: S3Client, _ bucket: String, _ key: String) async throws -> OrderedDictionary<String, Value> {
        let expiry = context.int("expiry") ?? 600
        let url = try await AWSModuleError.wrapping("presigning s3://\(bucket)/\(key)") {
            try await s3.presignedURL(bucket: bucket, key: key, expiry: expiry)
        }
        return ["expiry": .int(expiry), "msg": "Download url:", "tags": .dict([:]), "url": .string(url)]
    }

    /// `overwrite` as the collection reads it: booleans mean always/never.
    private func overwrite(_ context: ModuleContext) -> String {
        switch context.args["overwrite"] {
        case .bool(let flag): return flag ? "always" : "never"
        case let value?: return ["yes", "true", "on"].contains(value.renderedString.lowercased()) ? "always"
            : ["no", "false", "off"].contains(value.renderedString.lowercased()) ? "never" : value.renderedString
        case nil: return "different"
        }
    }

    private func put(_ context: ModuleContext, _ s3: S3Client, _ bucket: String, _ key: String) async throws -> TaskResult {
        let data: Data
        if let src = context.string("src") {
            guard let read = FileManager.default.contents(atPath: src) else { throw AWSModuleError("Local object \(src) does not exist for PUT operation") }
            data = read
        } else if let encoded = context.string("content_base64") {
            guard let decoded = Data(base64Encoded: encoded) else { throw AWSModuleError("content_base64 is not valid base64") }
            data = decoded
        } else {
            data = Data((context.string("content") ?? "").utf8)
        }
        let existing = try await AWSModuleError.wrapping("reading s3://\(bucket)/\(key)") { try await s3.objectInfo(bucket: bucket, key: key) }
        if let existing {
            let mode = overwrite(context)
            let same = existing.etagIsMD5 && existing.etag == Digest.md5(data).hexString
            if mode == "never" || (mode == "different" && same) {
                var result = try await downloadURL(context, s3, bucket, key)
                if mode == "never" && !same { result["msg"] = "WARNING: Checksums do not match. Use overwrite parameter to force upload." }
                return .ok(changed: false, result)
            }
        }
        if context.checkMode { return .ok(changed: true, ["msg": "PUT operation skipped - running in check mode"]) }
        var metadata: [String: String] = [:]
        for (name, value) in context.args["metadata"]?.dictValue ?? [:] where !value.isNull { metadata[name] = value.renderedString }
        let contentType = metadata.removeValue(forKey: "Content-Type") ?? metadata.removeValue(forKey: "content_type")
        _ = try await AWSModuleError.wrapping("uploading s3://\(bucket)/\(key)") {
            try await s3.putObject(bucket: bucket, key: key, data: data, contentType: contentType ?? Self.contentType(key), metadata: metadata)
        }
        var result = try await downloadURL(context, s3, bucket, key)
        result["msg"] = "PUT operation complete"
        result.removeValue(forKey: "expiry")
        return .ok(changed: true, result)
    }

    private func get(_ context: ModuleContext, _ s3: S3Client, _ bucket: String, _ key: String) async throws -> TaskResult {
        let dest = context.string("dest") ?? ""
        guard let info = try await AWSModuleError.wrapping("reading s3://\(bucket)/\(key)", { try await s3.objectInfo(bucket: bucket, key: key) }) else {
            throw AWSModuleError("Key \(key) with version id None does not exist.")
        }
        if FileManager.default.fileExists(atPath: dest) {
            let mode = overwrite(context)
            let local = (try? StreamingDigest.hashFile(URL(fileURLWithPath: dest), algorithms: [.md5]))?.first?.hexString
            if mode == "never" {
                return .ok(changed: false, ["msg": "Local object exists and overwrite is disabled. Use overwrite=always parameter to force."])
            }
            if mode == "different", info.etagIsMD5, local == info.etag {
                return .ok(changed: false, ["msg": "Local and remote object are identical, ignoring. Use overwrite=always parameter to force."])
            }
            if mode == "latest", let remote = info.lastModified,
               let modified = (try? FileManager.default.attributesOfItem(atPath: dest))?[.modificationDate] as? Date, modified >= remote {
                return .ok(changed: false, ["msg": "Local object is latest, ignoreing. Use overwrite=always parameter to force."])
            }
        }
        if context.checkMode { return .ok(changed: true, ["msg": "GET operation skipped - running in check mode"]) }
        _ = try await AWSModuleError.wrapping("downloading s3://\(bucket)/\(key)") {
            try await s3.getObject(bucket: bucket, key: key, to: URL(fileURLWithPath: dest))
        }
        return .ok(changed: true, ["msg": "GET operation complete"])
    }

    /// The type guessed from the key's extension, as the collection guesses it (else binary).
    static func contentType(_ key: String) -> String {
        let types = ["txt": "text/plain", "html": "text/html", "htm": "text/html", "json": "application/json",
                     "css": "text/css", "js": "text/javascript", "png": "image/png", "jpg": "image/jpeg",
                     "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml", "xml": "application/xml",
                     "zip": "application/zip", "gz": "application/gzip", "tar": "application/x-tar", "pdf": "application/pdf"]
        return types[(key as NSString).pathExtension.lowercased()] ?? "binary/octet-stream"
    }
}
