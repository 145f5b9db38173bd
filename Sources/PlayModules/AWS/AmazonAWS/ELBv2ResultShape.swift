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

    /// The same walk as the other `member`-list services, with ELBv2's model types.
    static let shape = QueryResultShape(integers: integers, times: times, lists: lists, structures: structures)

    static func dict(_ node: XMLTree) -> OrderedDictionary<String, Value> { shape.dict(node) }

    static func members(_ nodes: [XMLTree]) -> [Value] { shape.members(nodes) }

    static func value(_ node: XMLTree) -> Value { shape.value(node) }

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
