import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `elb_application_lb_info`: load balancers (all, by `names` or by
/// `load_balancer_arns`) with their attributes (`idle_timeout_timeout_seconds`...), listeners and
/// each listener's rules, and `tags`.
public struct ELBApplicationLBInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_application_lb_info", arguments: [
        ArgumentSpec("load_balancer_arns", .list, elements: .string),
        ArgumentSpec("names", .list, elements: .string),
        ArgumentSpec("include_attributes", .bool, defaultValue: true),
        ArgumentSpec("include_listeners", .bool, defaultValue: true),
        ArgumentSpec("include_listener_rules", .bool, defaultValue: true),
    ] + AWSArguments.specs, mutuallyExclusive: [["load_balancer_arns", "names"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let elbv2 = try await context.awsSession().elbv2
            var request = ELBv2Request("DescribeLoadBalancers")
            request.members("LoadBalancerArns", (context.list("load_balancer_arns") ?? []).map(\.renderedString))
            request.members("Names", (context.list("names") ?? []).map(\.renderedString))
            let balancers: [XMLTree]
            do {
                balancers = try await elbv2.describeMembers(request, list: "LoadBalancers")
            } catch let error as AWSError where error.code == "LoadBalancerNotFound" {
                return .ok(changed: false, ["load_balancers": .list([])])
            }
            let rules = context.bool("include_listener_rules", default: true)
            let listeners = rules || context.bool("include_listeners", default: true)
            let attributes = context.bool("include_attributes", default: true)
            let out = try await AWSModuleError.wrapping("describing load balancers") {
                try await Self.describe(balancers, elbv2, attributes: attributes, listeners: listeners, rules: rules)
            }
            return .ok(changed: false, ["load_balancers": .list(out)])
        }
    }

    /// Load balancers in the collection's shape: the answer's fields, attributes, listeners with
    /// their rules, tags (elb_application_lb reports the same).
    static func describe(_ balancers: [XMLTree], _ elbv2: ELBv2Client, attributes: Bool = true, listeners: Bool = true,
                         rules: Bool = true) async throws -> [Value] {
        let arns = balancers.compactMap { $0.nonEmpty("LoadBalancerArn") }
        let tags = try await ELBv2ResultShape.tags(elbv2, arns: arns)
        var out: [Value] = []
        for balancer in balancers {
            let arn = balancer.nonEmpty("LoadBalancerArn") ?? ""
            var dict = ELBv2ResultShape.dict(balancer)
            if attributes {
                var describe = ELBv2Request("DescribeLoadBalancerAttributes")
                describe.set("LoadBalancerArn", arn)
                ELBv2ResultShape.mergeAttributes(try await elbv2.send(describe), into: &dict)
            }
            if listeners { dict["listeners"] = .list(try await describeListeners(elbv2, arn, rules: rules)) }
            dict["tags"] = tags[arn] ?? .dict([:])
            out.append(.dict(dict))
        }
        return out
    }

    private static func describeListeners(_ elbv2: ELBv2Client, _ arn: String, rules: Bool) async throws -> [Value] {
        var request = ELBv2Request("DescribeListeners")
        request.set("LoadBalancerArn", arn)
        var out: [Value] = []
        for listener in try await elbv2.describeMembers(request, list: "Listeners") {
            var dict = ELBv2ResultShape.dict(listener)
            if rules {
                var describe = ELBv2Request("DescribeRules")
                describe.set("ListenerArn", listener.nonEmpty("ListenerArn"))
                dict["rules"] = .list(ELBv2ResultShape.members(try await elbv2.describeMembers(describe, list: "Rules")))
            }
            out.append(.dict(dict))
        }
        return out
    }
}
