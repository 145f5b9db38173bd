import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `elb_target_group_info`: target groups (all, by `names`, by `target_group_arns`
/// or of `load_balancer_arn`), each with its attributes (`deregistration_delay_timeout_seconds`...),
/// `tags`, and with `collect_targets_health` the health of its targets.
public struct ELBTargetGroupInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_target_group_info", arguments: [
        ArgumentSpec("load_balancer_arn", .string),
        ArgumentSpec("target_group_arns", .list, elements: .string),
        ArgumentSpec("names", .list, elements: .string),
        ArgumentSpec("collect_targets_health", .bool, defaultValue: false),
    ] + AWSArguments.specs, mutuallyExclusive: [["load_balancer_arn", "target_group_arns", "names"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let elbv2 = try await context.awsSession().elbv2
            var request = ELBv2Request("DescribeTargetGroups")
            request.set("LoadBalancerArn", context.string("load_balancer_arn"))
            request.members("TargetGroupArns", (context.list("target_group_arns") ?? []).map(\.renderedString))
            request.members("Names", (context.list("names") ?? []).map(\.renderedString))
            let groups: [XMLTree]
            do {
                groups = try await elbv2.describeMembers(request, list: "TargetGroups")
            } catch let error as AWSError where error.code == "TargetGroupNotFound" {
                return .ok(changed: false, ["target_groups": .list([])])
            }
            let values = try await AWSModuleError.wrapping("describing target groups") {
                try await Self.describe(groups, elbv2, health: context.bool("collect_targets_health", default: false))
            }
            return .ok(changed: false, ["target_groups": .list(values)])
        }
    }

    /// Target groups in the collection's shape: the answer's fields, attributes, tags, health.
    static func describe(_ groups: [XMLTree], _ elbv2: ELBv2Client, health: Bool) async throws -> [Value] {
        let arns = groups.compactMap { $0.nonEmpty("TargetGroupArn") }
        let tags = try await ELBv2ResultShape.tags(elbv2, arns: arns)
        var out: [Value] = []
        for group in groups {
            var dict = ELBv2ResultShape.dict(group)
            let arn = group.nonEmpty("TargetGroupArn") ?? ""
            var attributes = ELBv2Request("DescribeTargetGroupAttributes")
            attributes.set("TargetGroupArn", arn)
            ELBv2ResultShape.mergeAttributes(try await elbv2.send(attributes), into: &dict)
            dict["tags"] = tags[arn] ?? .dict([:])
            if health {
                var request = ELBv2Request("DescribeTargetHealth")
                request.set("TargetGroupArn", arn)
                let descriptions = try await elbv2.send(request).list("TargetHealthDescriptions", item: "member")
                dict["targets_health_description"] = .list(ELBv2ResultShape.members(descriptions))
            }
            out.append(.dict(dict))
        }
        return out
    }
}
