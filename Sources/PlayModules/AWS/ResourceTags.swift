import OrderedCollections
import PlayBase
import PlayExecutor

/// The `tags` argument of the environment modules. A resource is the one a task manages when it
/// has the task's name and every one of these tags, so `state: absent` never removes a resource
/// of the same name that someone else made (it lacks the tags).
enum ResourceTags {
    static func given(_ context: ModuleContext, _ key: String = "tags") -> [String: String] {
        guard let dict = context.args[key]?.dictValue else { return [:] }
        var tags: [String: String] = [:]
        for (name, value) in dict where !value.isNull { tags[name] = value.renderedString }
        return tags
    }

    static func matches(_ have: [String: String], _ wanted: [String: String]) -> Bool {
        wanted.allSatisfy { have[$0.key] == $0.value }
    }

    /// The tags `wanted` adds or changes on `have`.
    static func missing(_ have: [String: String], _ wanted: [String: String]) -> [String: String] {
        wanted.filter { have[$0.key] != $0.value }
    }

    /// What makes `have` into `wanted`: tags to add or change, and (with `purge`) keys to remove;
    /// AWS's own `aws:` tags are never removed.
    static func changes(_ have: [String: String], _ wanted: [String: String], purge: Bool) -> (add: [String: String], remove: [String]) {
        let remove = purge ? have.keys.filter { wanted[$0] == nil && !$0.hasPrefix("aws:") }.sorted() : []
        return (missing(have, wanted), remove)
    }

    static func value(_ tags: [String: String]) -> Value {
        var out = OrderedDictionary<String, Value>()
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) { out[key] = .string(value) }
        return .dict(out)
    }
}
