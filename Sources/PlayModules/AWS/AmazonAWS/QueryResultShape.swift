import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// Turns an answer of a Query service with `<X><member>…</member></X>` lists (IAM,
/// CloudFormation, Auto Scaling) into boto3's parse with snake_case keys, the shape the
/// collections return. Which members are numbers, times, lists or structures comes from the
/// service's model; each service's shape lists its own.
struct QueryResultShape: Sendable {
    var integers: Set<String> = []
    var times: Set<String> = []
    var lists: Set<String> = []
    var structures: Set<String> = []
    /// Members holding URL-encoded JSON documents (IAM policies), returned parsed.
    var documents: Set<String> = []
    /// False for answers the collections return as boto3 gives them (CamelCase keys).
    var snakeKeys = true

    func dict(_ node: XMLTree) -> OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        for child in node.children { out[snakeKeys ? Self.key(child.name) : child.name] = value(child) }
        return out
    }

    /// boto3's member name in snake_case, with plural acronyms kept whole (`NotificationARNs` →
    /// `notification_arns`), as the collections' `camel_dict_to_snake_dict` writes them.
    static func key(_ name: String) -> String {
        EC2ResultShape.snakeCase(name.replacingOccurrences(of: "ARNs", with: "Arns"))
    }

    func members(_ nodes: [XMLTree]) -> [Value] { nodes.map { .dict(dict($0)) } }

    func value(_ node: XMLTree) -> Value {
        if documents.contains(node.name) { return Self.document(node.text) }
        if !node.children.isEmpty {
            if node.children.allSatisfy({ $0.name == "member" }) {
                let numbers = integers.contains(node.name)
                return .list(node.children.map { member in
                    if !member.children.isEmpty { return .dict(dict(member)) }
                    return numbers ? Int(member.text).map(Value.int) ?? .string(member.text) : .string(member.text)
                })
            }
            return .dict(dict(node))
        }
        let text = node.text
        if text.isEmpty {
            if lists.contains(node.name) { return .list([]) }
            if structures.contains(node.name) { return .dict([:]) }
            return .string("")
        }
        if integers.contains(node.name), let number = Int(text) { return .int(number) }
        if times.contains(node.name) { return .string(EC2ResultShape.isoTime(text)) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        return .string(text)
    }

    /// A policy document as IAM returns it (URL-encoded JSON), parsed; text that is not JSON stays text.
    static func document(_ text: String) -> Value {
        let decoded = text.removingPercentEncoding ?? text
        return (try? Value.parseJSON(decoded)) ?? .string(decoded)
    }

    /// `[{Key, Value}]` members as the collections' `{key: value}` dictionary.
    static func tagDict(_ node: XMLTree?) -> Value {
        var tags: [String: String] = [:]
        for member in node?.children("member") ?? [] {
            if let key = member.string("Key") { tags[key] = member.string("Value") ?? "" }
        }
        return ResourceTags.value(tags)
    }
}
