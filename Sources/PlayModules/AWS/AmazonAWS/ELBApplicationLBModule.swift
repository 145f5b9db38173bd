import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `elb_application_lb`: the application load balancer of this name, created when
/// missing (`subnets` needed), then its subnets, security groups, attributes, tags (`purge_tags`)
/// and, when `listeners` is given, its listeners and their rules (`ELBListenerPlan`) as given.
/// `state: absent` deletes it with its listeners. The result is the collection's: the load
/// balancer as DescribeLoadBalancers answers, snake_cased, with attributes, `listeners` (each
/// with `rules`) and `tags`.
public struct ELBApplicationLBModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_application_lb", arguments: [
        ArgumentSpec("access_logs_enabled", .bool),
        ArgumentSpec("access_logs_s3_bucket", .string),
        ArgumentSpec("access_logs_s3_prefix", .string),
        ArgumentSpec("deletion_protection", .bool),
        ArgumentSpec("http2", .bool),
        ArgumentSpec("http_desync_mitigation_mode", .string, choices: ["monitor", "defensive", "strictest"]),
        ArgumentSpec("http_drop_invalid_header_fields", .bool),
        ArgumentSpec("http_x_amzn_tls_version_and_cipher_suite", .bool),
        ArgumentSpec("http_xff_client_port", .bool),
        ArgumentSpec("idle_timeout", .int),
        ArgumentSpec("listeners", .list, elements: .dict),
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("purge_listeners", .bool, defaultValue: true),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("subnets", .list, elements: .string),
        ArgumentSpec("security_groups", .list, elements: .string),
        ArgumentSpec("scheme", .string, choices: ["internet-facing", "internal"], defaultValue: "internet-facing"),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("waf_fail_open", .bool),
        ArgumentSpec("wait_timeout", .int),
        ArgumentSpec("wait", .bool, defaultValue: false),
        ArgumentSpec("purge_rules", .bool, defaultValue: true),
        ArgumentSpec("ip_address_type", .string, choices: ["ipv4", "dualstack"]),
    ] + AWSArguments.specs)

    /// Arguments that are load balancer attributes, and the attribute each sets.
    static let attributes: [(argument: String, key: String)] = [
        ("access_logs_enabled", "access_logs.s3.enabled"), ("access_logs_s3_bucket", "access_logs.s3.bucket"),
        ("access_logs_s3_prefix", "access_logs.s3.prefix"), ("deletion_protection", "deletion_protection.enabled"),
        ("http2", "routing.http2.enabled"), ("http_desync_mitigation_mode", "routing.http.desync_mitigation_mode"),
        ("http_drop_invalid_header_fields", "routing.http.drop_invalid_header_fields.enabled"),
        ("http_x_amzn_tls_version_and_cipher_suite", "routing.http.x_amzn_tls_version_and_cipher_suite.enabled"),
        ("http_xff_client_port", "routing.http.xff_client_port.enabled"), ("idle_timeout", "idle_timeout.timeout_seconds"),
        ("waf_fail_open", "waf.fail_open.enabled"),
    ]

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let elb = try await context.awsSession().elbv2
        var balancer = try await ELBv2Lookup.loadBalancer(elb, named: name)
        if context.string("state") == "absent" {
            guard let arn = balancer?.nonEmpty("LoadBalancerArn") else { return .ok(changed: false, [:]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting load balancer '\(name)'") { try await elb.deleteLoadBalancer(arn) }
            }
            return .ok(changed: true, [:])
        }
        var changed = false
        if balancer == nil {
            let subnets = (context.list("subnets") ?? []).map(\.renderedString)
            guard !subnets.isEmpty else { throw AWSModuleError("load balancer '\(name)' does not exist: give subnets to create it") }
            if context.checkMode { return .ok(changed: true, ["msg": "Would have created ALB if not in check mode."]) }
            var create = ELBv2Request("CreateLoadBalancer")
            create.set("Name", name)
            create.set("Type", "application")
            create.members("Subnets", subnets)
            create.members("SecurityGroups", (context.list("security_groups") ?? []).map(\.renderedString))
            create.set("Scheme", context.string("scheme"))
            create.set("IpAddressType", context.string("ip_address_type"))
            for (index, tag) in ResourceTags.given(context).sorted(by: { $0.key < $1.key }).enumerated() {
                create.set("Tags.member.\(index + 1).Key", tag.key)
                create.set("Tags.member.\(index + 1).Value", tag.value)
            }
            balancer = try await AWSModuleError.wrapping("creating load balancer '\(name)'") {
                try await elb.send(create).list("LoadBalancers", item: "member").first
            }
            changed = true
        }
        guard let current = balancer, let arn = current.nonEmpty("LoadBalancerArn") else { throw AWSModuleError("load balancer '\(name)' could not be read") }
        if try await settle(context, elb, current, arn: arn) { changed = true }
        if let listeners = context.list("listeners") {
            var plan = ELBListenerPlan(context: context, elb: elb, loadBalancerARN: arn)
            if try await plan.apply(listeners) { changed = true }
        }
        if context.checkMode {
            return .ok(changed: changed, ["msg": .string(changed ? "Would have updated ALB if not in check mode."
                                                                   : "IN CHECK MODE - no changes to make to ALB specified.")])
        }
        let described = try await AWSModuleError.wrapping("describing load balancer '\(name)'") {
            try await ELBApplicationLBInfoModule.describe([try await ELBv2Lookup.loadBalancer(elb, named: name) ?? current], elb)
        }
        return .ok(changed: changed, described.first?.dictValue ?? [:])
    }

    /// Subnets, security groups, attributes and tags of an existing load balancer as given.
    private func settle(_ context: ModuleContext, _ elb: ELBv2Client, _ balancer: XMLTree, arn: String) async throws -> Bool {
        var requests: [ELBv2Request] = []
        if let subnets = context.list("subnets")?.map(\.renderedString),
           Set(subnets) != Set(balancer.list("AvailabilityZones", item: "member").compactMap { $0.string("SubnetId") }) {
            var request = ELBv2Request("SetSubnets")
            request.set("LoadBalancerArn", arn)
            request.members("Subnets", subnets)
            requests.append(request)
        }
        if let groups = context.list("security_groups")?.map(\.renderedString),
           Set(groups) != Set(balancer.list("SecurityGroups", item: "member").map(\.text)) {
            var request = ELBv2Request("SetSecurityGroups")
            request.set("LoadBalancerArn", arn)
            request.members("SecurityGroups", groups)
            requests.append(request)
        }
        let wanted = Self.attributes.compactMap { entry -> (String, String)? in
            guard let value = context.args[entry.argument], !value.isNull else { return nil }
            return (entry.key, value.renderedString.lowercased() == "true" || value.renderedString.lowercased() == "false"
                ? value.renderedString.lowercased() : value.renderedString)
        }
        if !wanted.isEmpty {
            var read = ELBv2Request("DescribeLoadBalancerAttributes")
            read.set("LoadBalancerArn", arn)
            let answer = try await AWSModuleError.wrapping("reading the attributes of '\(arn)'") { try await elb.send(read) }
            var have: [String: String] = [:]
            for attribute in answer.list("Attributes", item: "member") { have[attribute.string("Key") ?? ""] = attribute.string("Value") }
            let differing = wanted.filter { have[$0.0] != $0.1 }
            if !differing.isEmpty {
                var request = ELBv2Request("ModifyLoadBalancerAttributes")
                request.set("LoadBalancerArn", arn)
                for (index, (key, value)) in differing.enumerated() {
                    request.set("Attributes.member.\(index + 1).Key", key)
                    request.set("Attributes.member.\(index + 1).Value", value)
                }
                requests.append(request)
            }
        }
        var changed = !requests.isEmpty
        if !context.checkMode {
            for request in requests { _ = try await AWSModuleError.wrapping("changing load balancer \(arn)") { try await elb.send(request) } }
        }
        if try await CollectionTags.syncELBv2(context, elb, arn: arn) { changed = true }
        return changed
    }
}
