import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `kms_key_info`: KMS keys (one by `key_id`/`alias`, or all, then `filters`), each as
/// the collection returns it: the key's metadata in snake_case (`key_arn` for its ARN, times as
/// ISO text), its `aliases` without `alias/`, `enable_key_rotation`, `grants`, `tags` and the
/// parsed `key_policies`. Never changes anything.
public struct KMSKeyInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "kms_key_info", arguments: [
        ArgumentSpec("alias", .string, aliases: ["key_alias"]),
        ArgumentSpec("key_id", .string, aliases: ["key_arn"]),
        ArgumentSpec("filters", .dict),
        ArgumentSpec("pending_deletion", .bool, defaultValue: false),
    ] + AWSArguments.specs, mutuallyExclusive: [["alias", "filters", "key_id"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let kms = try await context.awsSession().session.kms()
            let ids: [String]
            if let key = context.string("key_id") {
                ids = [key]
            } else if let alias = context.string("alias") {
                ids = [alias.hasPrefix("alias/") ? alias : "alias/" + alias]
            } else {
                ids = try await AWSModuleError.wrapping("listing KMS keys") { try await kms.listKeys() }
                    .compactMap { $0["KeyId"]?.stringValue }
            }
            let aliases = try await AWSModuleError.wrapping("listing KMS aliases") { try await Self.aliasesByKey(kms) }
            var keys: [Value] = []
            for id in ids {
                guard let key = try await AWSModuleError.wrapping("reading KMS key '\(id)'", {
                    try await details(id, kms: kms, aliases: aliases, brief: context.bool("pending_deletion"))
                }) else { continue }
                if Self.matches(key, filters: context.args["filters"]?.dictValue ?? [:]) { keys.append(key) }
            }
            return .ok(changed: false, ["kms_keys": .list(keys)])
        }
    }

    private func details(_ id: String, kms: KMSClient, aliases: [String: [String]], brief: Bool) async throws -> Value? {
        guard case .dict(var metadata)? = try await kms.describeKey(id) else { return nil }
        let arn = metadata.removeValue(forKey: "Arn") ?? .null
        metadata["KeyArn"] = arn
        let keyID = metadata["KeyId"]?.stringValue ?? id
        var result = Self.snakeKeys(.dict(metadata)).dictValue ?? [:]
        result["aliases"] = .list((aliases[keyID] ?? []).map(Value.string))
        result["enable_key_rotation"] = try await kms.keyRotationEnabled(arn.stringValue ?? id).map(Value.bool) ?? .null
        if brief { return .dict(result) }
        let key = arn.stringValue ?? id
        result["grants"] = Self.snakeKeys(.list(try await kms.listGrants(key)))
        var tags: [String: String] = [:]
        for tag in try await kms.listResourceTags(key) {
            if let name = tag["TagKey"]?.stringValue { tags[name] = tag["TagValue"]?.stringValue ?? "" }
        }
        result["tags"] = ResourceTags.value(tags)
        result["key_policies"] = .list(try await kms.keyPolicies(key).map { (try? Value.parseJSON($0)) ?? .string($0) })
        return .dict(result)
    }

    /// Alias names (without `alias/`) of each key they point at.
    static func aliasesByKey(_ kms: KMSClient) async throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for alias in try await kms.listAliases() {
            guard let target = alias["TargetKeyId"]?.stringValue, let name = alias["AliasName"]?.stringValue else { continue }
            out[target, default: []].append(String(name.dropFirst(name.hasPrefix("alias/") ? 6 : 0)))
        }
        return out
    }

    /// The collection's filters: `key-id`, `tag-key`, `tag-value`, `alias`, `tag:NAME`; all must hold.
    static func matches(_ key: Value, filters: OrderedDictionary<String, Value>) -> Bool {
        let tags = key["tags"]?.dictValue ?? [:]
        return filters.allSatisfy { name, wanted in
            let text = wanted.renderedString
            switch name {
            case "key-id": return key["key_id"]?.stringValue == text
            case "tag-key": return tags[text] != nil
            case "tag-value": return tags.values.contains { $0.renderedString == text }
            case "alias": return key["aliases"]?.listValue?.contains(.string(text)) ?? false
            default:
                guard name.hasPrefix("tag:") else { return false }
                return tags[String(name.dropFirst(4))]?.renderedString == text
            }
        }
    }

    /// `camel_dict_to_snake_dict` of a JSON answer as boto3 parses it (null members left out); epoch times (`...Date`, `ValidTo`) as boto3's ISO text.
    static func snakeKeys(_ value: Value, key: String = "") -> Value {
        switch value {
        case .dict(let entries):
            var out = OrderedDictionary<String, Value>()
            // botocore leaves out members the answer gives as null.
            for (name, item) in entries where item != .null { out[QueryResultShape.key(name)] = snakeKeys(item, key: name) }
            return .dict(out)
        case .list(let items):
            return .list(items.map { snakeKeys($0, key: key) })
        case .double, .int:
            guard key.hasSuffix("Date") || key == "ValidTo", let seconds = ValueCoercion.double(value) else { return value }
            return .string(Self.isoTime(seconds))
        default:
            return value
        }
    }

    /// Python's `datetime.isoformat()` of a UTC time: microseconds only when there are any.
    static func isoTime(_ seconds: Double) -> String {
        let whole = floor(seconds)
        let micros = Int(((seconds - whole) * 1_000_000).rounded())
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let base = formatter.string(from: Date(timeIntervalSince1970: whole))
        return base + (micros > 0 ? String(format: ".%06d", micros) : "") + "+00:00"
    }
}
