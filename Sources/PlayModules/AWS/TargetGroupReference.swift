import Foundation
import PlayAWS
import PlayExecutor
import PlayLanguage

/// `target_group_name` or `target_group_arn`, resolved to an ARN (names looked up once per run).
struct TargetGroupReference {
    var arn: String
    /// The name for messages (the ARN's name part when given an ARN).
    var name: String

    static func resolve(_ context: ModuleContext, _ session: AWSModuleSession) async throws -> TargetGroupReference {
        if let arn = context.string("target_group_arn"), !arn.isEmpty {
            // arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID
            let parts = arn.split(separator: "/")
            return TargetGroupReference(arn: arn, name: parts.count >= 2 ? String(parts[1]) : arn)
        }
        guard let name = context.string("target_group_name"), !name.isEmpty else {
            throw AWSModuleError("one of target_group_name or target_group_arn is required")
        }
        do {
            let group = try await session.targetGroup(named: name)
            return TargetGroupReference(arn: group.arn, name: name)
        } catch let error as AWSError where error.code == "TargetGroupNotFound" {
            throw AWSModuleError("target group '\(name)' not found in \(session.region): check target_group_name, region and endpoint_url")
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "looking up target group '\(name)'")
        }
    }

    /// What elb_register and elb_deregister both take: the group, the targets, their port and
    /// how to wait; `more` are a module's own arguments.
    static func moduleSpec(_ name: String, more: [ArgumentSpec]) -> ModuleSpec {
        ModuleSpec(groups: ["aws"], name: name, arguments: [
            ArgumentSpec("target_group_name", .string),
            ArgumentSpec("target_group_arn", .string),
            ArgumentSpec("targets", .list, required: true),
            ArgumentSpec("port", .int),
            ArgumentSpec("wait", .bool, defaultValue: true),
            ArgumentSpec("wait_timeout", .float, defaultValue: 300),
        ] + more + AWSArguments.specs, mutuallyExclusive: [["target_group_name", "target_group_arn"]],
        requiredOneOf: [["target_group_name", "target_group_arn"]])
    }

    /// `targets`, with `port` (1-65535) for those that name none.
    static func targets(_ context: ModuleContext) throws -> [ELBv2Target] {
        let port = context.int("port")
        if let port, !(1...65535).contains(port) { throw AWSModuleError("port must be 1-65535, got \(port)") }
        return try TargetArgument.parse(context.list("targets") ?? [], port: port)
    }
}
