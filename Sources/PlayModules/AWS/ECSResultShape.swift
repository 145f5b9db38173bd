import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayLanguage

/// ECS answers as community.aws's ECS modules return them: the API's camelCase objects, with the
/// times boto3 parses into datetimes (`createdAt`, `stoppedAt`...) as text and, where the
/// collection converts them, tag lists as `{key: value}` dictionaries.
enum ECSResultShape {
    /// Every `...At` epoch number, at any depth, as `str(datetime)` text ("2026-12-07 22:50:01.5+00:00").
    static func jsonized(_ value: Value, key: String = "") -> Value {
        switch value {
        case .dict(let entries):
            var out = OrderedDictionary<String, Value>()
            for (name, item) in entries { out[name] = jsonized(item, key: name) }
            return .dict(out)
        case .list(let items):
            return .list(items.map { jsonized($0, key: key) })
        case .int, .double:
            guard key.hasSuffix("At"), let seconds = ValueCoercion.double(value) else { return value }
            return .string(KMSKeyInfoModule.isoTime(seconds).replacingOccurrences(of: "T", with: " "))
        default:
            return value
        }
    }

    /// A service as `ecs_service` returns what it created or updated: tags as a dictionary.
    static func service(_ raw: Value) -> Value {
        guard case .dict(var fields) = jsonized(raw) else { return raw }
        if let tags = fields["tags"]?.listValue, !tags.isEmpty { fields["tags"] = tagDictionary(tags) }
        return .dict(fields)
    }

    /// `[{key, value}]` → `{key: value}`.
    static func tagDictionary(_ tags: [Value]) -> Value {
        var out = OrderedDictionary<String, Value>()
        for tag in tags {
            if let key = tag["key"]?.stringValue { out[key] = tag["value"] ?? .string("") }
        }
        return .dict(out)
    }

    /// `{key: value}` → the API's `[{key, value}]`.
    static func tagList(_ tags: [Value]?) -> Value { .list(tags ?? []) }
    static func tagList(_ tags: OrderedDictionary<String, Value>) -> Value {
        .list(tags.map { .dict(["key": .string($0.key), "value": .string($0.value.renderedString)]) })
    }

    /// `snake_case` keys → the API's `camelCase`, one level deep (`snake_dict_to_camel_dict` on
    /// a flat dictionary; nested dictionaries are converted too).
    static func camelized(_ value: Value) -> Value {
        switch value {
        case .dict(let entries):
            var out = OrderedDictionary<String, Value>()
            for (key, item) in entries {
                let parts = key.split(separator: "_")
                let name = parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
                out[name] = camelized(item)
            }
            return .dict(out)
        case .list(let items): return .list(items.map(camelized))
        default: return value
        }
    }

    /// "web:3" from a task definition ARN (or the text as given).
    static func shortName(_ arn: String?) -> String {
        guard let arn else { return "(none)" }
        return arn.split(separator: "/").last.map(String.init) ?? arn
    }
}
