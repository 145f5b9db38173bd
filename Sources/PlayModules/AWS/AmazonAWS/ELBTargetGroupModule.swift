import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `elb_target_group`: the target group of this name, created when missing
/// (`protocol`, `port` and `vpc_id` needed, except for lambda targets), then its health check,
/// attributes (deregistration delay, stickiness, algorithm...), `targets` (with `modify_targets`,
/// the ones not listed are deregistered; `wait` until they are healthy) and tags (`purge_tags`) as
/// given. `state: absent` deletes it. Port, protocol and VPC cannot change in place: a group that
/// exists with others is an error. The result is the collection's: the group as
/// DescribeTargetGroups answers, snake_cased, with its attributes and `tags`.
public struct ELBTargetGroupModule: Module {
    public init() {}

    static let protocols = ["http", "https", "tcp", "tls", "udp", "tcp_udp", "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"]

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_target_group", arguments: [
        ArgumentSpec("deregistration_delay_timeout", .int),
        ArgumentSpec("deregistration_connection_termination", .bool, defaultValue: false),
        ArgumentSpec("health_check_protocol", .string, choices: protocols),
        ArgumentSpec("health_check_port", .string),
        ArgumentSpec("health_check_path", .string),
        ArgumentSpec("health_check_interval", .int),
        ArgumentSpec("health_check_timeout", .int),
        ArgumentSpec("healthy_threshold_count", .int),
        ArgumentSpec("modify_targets", .bool, defaultValue: true),
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("port", .int),
        ArgumentSpec("protocol", .string, choices: protocols),
        ArgumentSpec("protocol_version", .string, choices: ["GRPC", "HTTP1", "HTTP2"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("stickiness_enabled", .bool),
        ArgumentSpec("stickiness_type", .string),
        ArgumentSpec("stickiness_lb_cookie_duration", .int),
        ArgumentSpec("stickiness_app_cookie_duration", .int),
        ArgumentSpec("stickiness_app_cookie_name", .string),
        ArgumentSpec("load_balancing_algorithm_type", .string, choices: ["round_robin", "least_outstanding_requests"]),
        ArgumentSpec("state", .string, required: true, choices: ["present", "absent"]),
        ArgumentSpec("successful_response_codes", .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("target_type", .string, choices: ["instance", "ip", "lambda", "alb"]),
        ArgumentSpec("targets", .list, elements: .dict),
        ArgumentSpec("unhealthy_threshold_count", .int),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("preserve_client_ip_enabled", .bool),
        ArgumentSpec("proxy_protocol_v2_enabled", .bool),
        ArgumentSpec("wait_timeout", .int, defaultValue: 200),
        ArgumentSpec("wait", .bool, defaultValue: false),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        for dependent in ["health_check_path", "successful_response_codes"] where context.args[dependent]?.isNull == false {
            guard context.args["health_check_protocol"]?.isNull == false else {
                throw AWSModuleError("\(dependent) needs health_check_protocol")
            }
        }
        let elb = try await context.awsSession().elbv2
        var existing = try await ELBv2Lookup.targetGroup(elb, named: name)
        if context.string("state") == "absent" {
            guard let arn = existing?.nonEmpty("TargetGroupArn") else { return .ok(changed: false, [:]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting target group '\(name)'; delete the listeners and rules that use it first") {
                    try await elb.deleteTargetGroup(arn)
                }
            }
            return .ok(changed: true, [:])
        }
        var changed = false
        if let group = existing {
            try refuseImmutableChanges(context, group)
        } else {
            if context.checkMode { return .ok(changed: true, [:]) }
            existing = try await create(context, elb, name)
            changed = true
        }
        guard let group = existing, let arn = group.nonEmpty("TargetGroupArn") else { throw AWSModuleError("target group '\(name)' could not be read") }
        let settings = ELBTargetGroupSettings(context: context, elb: elb, arn: arn)
        if try await settings.healthCheck(group) { changed = true }
        if try await settings.attributes() { changed = true }
        if try await settings.targets() { changed = true }
        if try await CollectionTags.syncELBv2(context, elb, arn: arn) { changed = true }
        if context.bool("wait", default: false), !context.checkMode { try await settings.waitUntilHealthy() }
        let current = try await ELBv2Lookup.targetGroup(elb, named: name) ?? group
        let described = try await AWSModuleError.wrapping("describing target group '\(name)'") {
            try await ELBTargetGroupInfoModule.describe([current], elb, health: false)
        }
        return .ok(changed: changed, described.first?.dictValue ?? [:])
    }

    /// Port, protocol and VPC are fixed when a group is made.
    private func refuseImmutableChanges(_ context: ModuleContext, _ group: XMLTree) throws {
        var differences: [String] = []
        if let port = context.int("port"), let have = group.int("Port"), have != port { differences.append("port \(have) (asked \(port))") }
        if let proto = context.string("protocol")?.uppercased(), let have = group.string("Protocol"), have != proto {
            differences.append("protocol \(have) (asked \(proto))")
        }
        if let vpc = context.string("vpc_id"), let have = group.nonEmpty("VpcId"), have != vpc { differences.append("VPC \(have) (asked \(vpc))") }
        if !differences.isEmpty {
            throw AWSModuleError("target group '\(context.string("name") ?? "")' exists with " + differences.joined(separator: ", ")
                + ": these cannot change in place; delete it (state: absent) or choose another name")
        }
    }

    private func create(_ context: ModuleContext, _ elb: ELBv2Client, _ name: String) async throws -> XMLTree? {
        let targetType = context.string("target_type") ?? "instance"
        var request = ELBv2Request("CreateTargetGroup")
        request.set("Name", name)
        request.set("TargetType", targetType)
        if targetType != "lambda" {
            guard let proto = context.string("protocol"), let port = context.int("port"), let vpc = context.string("vpc_id") else {
                throw AWSModuleError("target group '\(name)' does not exist: give protocol, port and vpc_id to create it")
            }
            request.set("Protocol", proto.uppercased())
            request.set("Port", port)
            request.set("VpcId", vpc)
            request.set("ProtocolVersion", context.string("protocol_version"))
        }
        ELBTargetGroupSettings.healthCheckParameters(context).forEach { request.set($0.key, $0.value) }
        let tags = ResourceTags.given(context)
        for (index, tag) in tags.sorted(by: { $0.key < $1.key }).enumerated() {
            request.set("Tags.member.\(index + 1).Key", tag.key)
            request.set("Tags.member.\(index + 1).Value", tag.value)
        }
        let made = try await AWSModuleError.wrapping("creating target group '\(name)'") { try await elb.send(request) }
        return made.list("TargetGroups", item: "member").first
    }
}
