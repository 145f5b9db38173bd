import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `elb_target_group`: the target group of this name, created when missing (with its health check,
/// deregistration delay and tags) or deleted with `state: absent` (only when it carries the tags).
/// Looked up first, because AWS names are unique and moto refuses a second create of one.
/// An existing group with another port, protocol or VPC is an error: those cannot change in place.
public struct ELBTargetGroupModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_target_group", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("protocol", .string, choices: ["HTTP", "HTTPS", "TCP", "UDP", "TLS", "TCP_UDP"], defaultValue: "HTTP"),
        ArgumentSpec("port", .int),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("target_type", .string, choices: ["instance", "ip"], defaultValue: "instance"),
        ArgumentSpec("health_check_path", .string),
        ArgumentSpec("deregistration_delay", .int, aliases: ["deregistration_delay_timeout"]),
        ArgumentSpec("tags", .dict),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let tags = ResourceTags.given(context)
        let elb = try await context.awsSession().elbv2
        let existing: ELBv2TargetGroup?
        do {
            existing = try await elb.describeTargetGroups(names: [name]).first { $0.name == name }
        } catch let error as AWSError where error.code == "TargetGroupNotFound" {
            existing = nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "looking up target group '\(name)'")
        }
        if context.string("state") == "absent" {
            guard let group = existing else { return .ok(changed: false, ["target_group_arn": .null, "msg": .string("no target group '\(name)' to delete")]) }
            let have = try await AWSModuleError.wrapping("reading the tags of '\(name)'") { try await elb.describeTags(resourceARNs: [group.arn])[group.arn] ?? [:] }
            guard ResourceTags.matches(have, tags) else {
                return .ok(changed: false, ["target_group_arn": .string(group.arn),
                                            "msg": .string("target group '\(name)' lacks the given tags: left alone")])
            }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting target group '\(name)'; delete the listeners that use it first") {
                    try await elb.deleteTargetGroup(group.arn)
                }
            }
            return .ok(changed: true, ["target_group_arn": .string(group.arn), "msg": .string("deleted target group '\(name)'")])
        }
        let port = context.int("port")
        let proto = context.string("protocol") ?? "HTTP"
        if let group = existing {
            var differences: [String] = []
            if let port, group.port != port { differences.append("port \(group.port.map(String.init) ?? "none") (asked \(port))") }
            if let groupProto = group.protocol, groupProto != proto { differences.append("protocol \(groupProto) (asked \(proto))") }
            if let vpc = context.string("vpc_id"), let groupVPC = group.vpcID, groupVPC != vpc { differences.append("VPC \(groupVPC) (asked \(vpc))") }
            if !differences.isEmpty {
                throw AWSModuleError("target group '\(name)' exists with " + differences.joined(separator: ", ")
                    + ": these cannot change in place; delete it (state: absent) or choose another name")
            }
            let have = try await AWSModuleError.wrapping("reading the tags of '\(name)'") { try await elb.describeTags(resourceARNs: [group.arn])[group.arn] ?? [:] }
            let missing = ResourceTags.missing(have, tags)
            if !missing.isEmpty && !context.checkMode {
                try await AWSModuleError.wrapping("tagging target group '\(name)'") { try await elb.addTags(resourceARNs: [group.arn], tags: missing) }
            }
            return .ok(changed: !missing.isEmpty, ["target_group_arn": .string(group.arn), "target_group": value(group),
                                                   "tags": ResourceTags.value(have.merging(missing) { $1 })])
        }
        guard let port, let vpcID = context.string("vpc_id") else {
            throw AWSModuleError("target group '\(name)' does not exist: give port and vpc_id to create it")
        }
        if context.checkMode {
            return .ok(changed: true, ["target_group_arn": .null, "msg": .string("would create target group '\(name)'")])
        }
        let group = try await AWSModuleError.wrapping("creating target group '\(name)'") {
            try await elb.createTargetGroup(ELBv2CreateTargetGroupRequest(
                name: name, protocol: proto, port: port, vpcID: vpcID, targetType: context.string("target_type") ?? "instance",
                healthCheckPath: context.string("health_check_path"), tags: tags))
        }
        if let delay = context.int("deregistration_delay") {
            try await AWSModuleError.wrapping("setting the deregistration delay of '\(name)'") {
                try await elb.modifyTargetGroupAttributes(targetGroupARN: group.arn,
                                                          attributes: ["deregistration_delay.timeout_seconds": String(delay)])
            }
        }
        return .ok(changed: true, ["target_group_arn": .string(group.arn), "target_group": value(group),
                                   "tags": ResourceTags.value(tags), "msg": .string("created target group '\(name)'")])
    }

    private func value(_ group: ELBv2TargetGroup) -> Value {
        .dict(["arn": .string(group.arn), "name": .string(group.name), "port": group.port.map(Value.int) ?? .null,
               "protocol": group.protocol.map(Value.string) ?? .null, "vpc_id": group.vpcID.map(Value.string) ?? .null,
               "health_check_path": group.healthCheckPath.map(Value.string) ?? .null])
    }
}
