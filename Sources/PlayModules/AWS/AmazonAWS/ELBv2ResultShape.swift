import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// Turns an ELBv2 Query answer into the collections' shape: boto3's parse with snake_case keys.
/// ELBv2 names XML elements as the SDK model does (`TargetGroupArn` → `target_group_arn`), lists
/// are `<X><member>…</member></X>`, and numbers, booleans and times get their model types.
enum ELBv2ResultShape {
    static let integers: Set<String> = [
        "Port", "HealthCheckPort/int", "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds", "HealthyThresholdCount",
        "UnhealthyThresholdCount", "Weight", "DurationSeconds",
    ]
    static let times: Set<String> = ["CreatedTime"]
    static let lists: Set<String> = [
        "LoadBalancerArns", "AvailabilityZones", "SecurityGroups", "Listeners", "DefaultActions", "Actions", "Conditions",
        "Values", "Certificates", "TargetGroups", "LoadBalancerAddresses", "Rules", "TargetHealthDescriptions", "AlpnPolicy",
    ]
    static let structures: Set<String> = ["Matcher", "State", "TargetHealth", "Target", "ForwardConfig", "TargetGroupStickinessConfig"]

    static func dict(_ node: XMLTree) -> OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        for child in node.children { out[EC2ResultShape.snakeCase(child.name)] = value(child) }
        return out
    }

    static func members(_ nodes: [XMLTree]) -> [Value] { nodes.map { .dict(dict($0)) } }

    static func value(_ node: XMLTree) -> Value {
        if !node.children.isEmpty {
            if node.children.allSatisfy({ $0.name == "member" }) {
                return .list(node.children.map { $0.children.isEmpty ? .string($0.text) : .dict(dict($0)) })
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

    /// A Describe…Attributes answer's `Key`/`Value` pairs merged into `dict`, dots in keys made
    /// underscores (`deregistration_delay.timeout_seconds` → `deregistration_delay_timeout_seconds`).
    static func mergeAttributes(_ answer: XMLTree, into dict: inout OrderedDictionary<String, Value>) {
        for attribute in answer.list("Attributes", item: "member") {
            guard let key = attribute.nonEmpty("Key") else { continue }
            dict[key.replacingOccurrences(of: ".", with: "_")] = .string(attribute.string("Value") ?? "")
        }
    }

    /// Tags of ELBv2 resources by ARN (DescribeTags, 20 ARNs a call), as `{key: value}` dictionaries.
    static func tags(_ elbv2: ELBv2Client, arns: [String]) async throws -> [String: Value] {
        var out: [String: Value] = [:]
        for (arn, tags) in try await elbv2.describeTags(resourceARNs: arns) { out[arn] = ResourceTags.value(tags) }
        return out
    }
}
