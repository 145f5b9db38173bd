import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `s3_fetch`: downloads a build from S3 to the controller. The object is `key`, or the build of
/// `version` under `prefix` (`PREFIX/VERSION/FILE`; `latest` is the highest version number). The
/// download is verified against the ETag (MD5) and, when known, a SHA-256 (the `sha256` argument or
/// the object's `sha256` metadata) before it replaces `dest`; when the local file already has the
/// object's size and MD5, nothing is downloaded (changed=false).
public struct S3FetchModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "s3_fetch", arguments: [
        ArgumentSpec("bucket", .string, required: true),
        ArgumentSpec("key", .string, aliases: ["object"]),
        ArgumentSpec("prefix", .string),
        ArgumentSpec("version", .string),
        ArgumentSpec("dest", .path, required: true),
        ArgumentSpec("sha256", .string),
    ] + AWSArguments.specs, mutuallyExclusive: [["key", "prefix"]], requiredOneOf: [["key", "prefix"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await fetch(context) }
    }

    private func fetch(_ context: ModuleContext) async throws -> TaskResult {
        guard let bucket = context.string("bucket"), !bucket.isEmpty else { throw AWSModuleError("bucket is required") }
        guard let destArgument = context.string("dest"), !destArgument.isEmpty else { throw AWSModuleError("dest is required") }
        let expectedSHA256 = context.string("sha256")?.lowercased()
        if let expectedSHA256, expectedSHA256.count != 64 || !expectedSHA256.allSatisfy(\.isHexDigit) {
            throw AWSModuleError("sha256 must be 64 hex digits")
        }
        let session = try await context.awsSession()
        let s3 = session.s3

        // Which object: its key, ETag, size, version, and metadata once we have read it.
        var key: String
        var etag: String?
        var size: Int?
        var version = context.string("version")
        var info: S3ObjectInfo?
        if let prefixArgument = context.string("prefix") {
            let prefix = String(prefixArgument.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed())
            guard let wanted = version, !wanted.isEmpty else {
                throw AWSModuleError("version is required with prefix: a build number or 'latest'")
            }
            // Listed without the trailing "/" (keys are filtered below): moto with signature checks
            // on refuses a "/" in query values, boto3's requests included.
            let objects = try await AWSModuleError.wrapping("listing s3://\(bucket)/\(prefix)/") {
                try await s3.listObjects(bucket: bucket, prefix: prefix)
            }
            let (object, chosen) = try BuildVersion.select(wanted, prefix: prefix, in: objects)
            key = object.key
            etag = object.etag
            size = object.size
            version = chosen
        } else {
            key = context.string("key") ?? ""
            info = try await head(s3, bucket, key)
            etag = info?.etag
            size = info?.size
            version = version ?? info?.metadata["version"]
        }

        let dest = destination(destArgument, key: key)
        var result: OrderedDictionary<String, Value> = [
            "dest": .string(dest), "bucket": .string(bucket), "key": .string(key),
            "version": version.map(Value.string) ?? .null, "etag": etag.map(Value.string) ?? .null,
            "size": size.map(Value.int) ?? .null,
        ]
        let source = "s3://\(bucket)/\(key)"
        if try localCopyMatches(dest, etag: etag, size: size, sha256: expectedSHA256, source: source) {
            result["msg"] = .string("\(dest) already matches \(source)")
            return .ok(changed: false, result)
        }
        if context.checkMode {
            result["msg"] = .string("would download \(source) to \(dest)")
            return .ok(changed: true, result)
        }
        if info == nil { info = try await head(s3, bucket, key) }
        let sha256 = expectedSHA256 ?? info?.metadata["sha256"]?.lowercased()

        let directory = (dest as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw AWSModuleError("cannot create the directory \(directory): \(error.localizedDescription)")
        }
        context.progress("downloading \(source)" + (size.map { " (\(Self.bytes($0)))" } ?? ""))
        let got: S3ObjectInfo
        do {
            got = try await s3.getObject(bucket: bucket, key: key, to: URL(fileURLWithPath: dest), expectedSHA256: sha256)
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "downloading \(source) to \(dest)")
        }
        result["etag"] = got.etag.map(Value.string) ?? result["etag"]
        result["size"] = got.size.map(Value.int) ?? result["size"]
        if let sha256 { result["sha256"] = .string(sha256) }
        result["msg"] = .string("downloaded \(source) to \(dest)")
        return .ok(changed: true, result)
    }

    private func head(_ s3: S3Client, _ bucket: String, _ key: String) async throws -> S3ObjectInfo {
        guard !key.isEmpty else { throw AWSModuleError("key is empty") }
        let found = try await AWSModuleError.wrapping("reading s3://\(bucket)/\(key)") {
            try await s3.objectInfo(bucket: bucket, key: key)
        }
        guard let found else { throw AWSModuleError("s3://\(bucket)/\(key) does not exist (check bucket, key and region)") }
        return found
    }

    /// `dest`, or `dest/basename(key)` when `dest` is a directory (or ends with `/`).
    private func destination(_ dest: String, key: String) -> String {
        var isDirectory: ObjCBool = false
        let base = key.split(separator: "/").last.map(String.init) ?? key
        if dest.hasSuffix("/") { return dest + base }
        if FileManager.default.fileExists(atPath: dest, isDirectory: &isDirectory), isDirectory.boolValue {
            return dest + "/" + base
        }
        return dest
    }

    /// True when `dest` already holds the object: same size and its MD5 is the ETag (and the
    /// SHA-256 when one is expected). A local file matching the object but not the expected
    /// SHA-256 means the object itself is not the build asked for: that fails.
    private func localCopyMatches(_ dest: String, etag: String?, size: Int?, sha256: String?, source: String) throws -> Bool {
        guard let etag, etag.count == 32, etag.allSatisfy(\.isHexDigit),
              let attributes = try? FileManager.default.attributesOfItem(atPath: dest),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let localSize = (attributes[.size] as? NSNumber)?.intValue, localSize == size
        else { return false }
        let algorithms: [Digest.Algorithm] = sha256 == nil ? [.md5] : [.md5, .sha256]
        guard let digests = try? StreamingDigest.hashFile(URL(fileURLWithPath: dest), algorithms: algorithms).map(\.hexString),
              digests[0] == etag else { return false }
        if let sha256, digests[1] != sha256 {
            throw AWSModuleError("\(source) has SHA-256 \(digests[1]), not the expected \(sha256): it is not the build asked for")
        }
        return true
    }

    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 { return String(format: "%.1f MB", Double(count) / Double(1 << 20)) }
        if count >= 1 << 10 { return String(format: "%.1f KB", Double(count) / Double(1 << 10)) }
        return "\(count) bytes"
    }
}
