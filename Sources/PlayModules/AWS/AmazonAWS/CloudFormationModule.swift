import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `cloudformation`: a stack created, updated (directly, or through a change set left
/// for review with `create_changeset`) or deleted, waiting until CloudFormation settles and
/// reporting the operation's events. In check mode a new stack is only announced, and an
/// existing one gets a change set that is described, then deleted, never executed. Returns
/// `output`, `events`, `log`, `stack_outputs` and `stack_resources` as the collection does.
public struct CloudFormationModule: Module {
    public init() {}

    static let capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]

    public let spec = ModuleSpec(groups: ["aws"], name: "cloudformation", arguments: [
        ArgumentSpec("stack_name", .string, required: true),
        ArgumentSpec("template_parameters", .dict, defaultValue: .dict([:])),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("template", .path),
        ArgumentSpec("notification_arns", .string),
        ArgumentSpec("stack_policy", .path),
        ArgumentSpec("stack_policy_body", .raw),
        ArgumentSpec("stack_policy_on_update_body", .raw),
        ArgumentSpec("disable_rollback", .bool, defaultValue: false),
        ArgumentSpec("on_create_failure", .string, choices: ["DO_NOTHING", "ROLLBACK", "DELETE"]),
        ArgumentSpec("create_timeout", .int),
        ArgumentSpec("template_url", .string),
        ArgumentSpec("template_body", .string),
        ArgumentSpec("create_changeset", .bool, defaultValue: false),
        ArgumentSpec("changeset_name", .string),
        ArgumentSpec("role_arn", .string),
        ArgumentSpec("tags", .dict),
        ArgumentSpec("termination_protection", .bool),
        ArgumentSpec("events_limit", .int, defaultValue: 200),
        ArgumentSpec("backoff_retries", .int, defaultValue: 10),
        ArgumentSpec("backoff_delay", .int, defaultValue: 3),
        ArgumentSpec("backoff_max_delay", .int, defaultValue: 30),
        ArgumentSpec("capabilities", .list, defaultValue: .list(capabilities.prefix(2).map(Value.string)), elements: .string),
    ] + AWSArguments.specs, mutuallyExclusive: [["template_url", "template", "template_body"], ["disable_rollback", "on_create_failure"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let capabilities = context.list("capabilities")?.map(\.renderedString) ?? []
            let invalid = capabilities.filter { !Self.capabilities.contains($0) }
            if !invalid.isEmpty {
                throw AWSModuleError("Specified capabilities are invalid : \(invalid), please check documentation for valid capabilities")
            }
            let operation = try CloudFormationOperation(context, capabilities: capabilities,
                                                        stacks: CloudFormationStacks(cfn: try await context.awsSession().session.cloudFormation()))
            let found = try await operation.stacks.stack(operation.name)
            let absent = context.string("state") == "absent"

            if context.checkMode {
                switch (absent, found) {
                case (true, .some): return .ok(changed: true, ["msg": "Stack would be deleted", "meta": .list([])])
                case (true, .none): return .ok(changed: false, ["msg": "Stack doesn't exist", "meta": .list([])])
                case (false, .none): return .ok(changed: true, ["msg": "New stack would be created", "meta": .list([])])
                case (false, .some): return try await operation.describeChanges()
                }
            }
            if absent {
                guard found != nil else { return .ok(changed: false, ["output": "Stack not found."]) }
                return try await operation.delete().taskResult
            }
            var outcome: CloudFormationOperation.Outcome
            if found == nil {
                outcome = try await operation.create()
            } else if context.bool("create_changeset") {
                outcome = try await operation.createChangeSet()
                if let protection = context.args["termination_protection"]?.boolValue {
                    outcome.changed = try await operation.setTerminationProtection(protection) || outcome.changed
                }
            } else {
                outcome = try await operation.update()
            }
            guard !outcome.failed, let stack = try await operation.stacks.stack(operation.name) else { return outcome.taskResult }
            outcome.data["stack_outputs"] = CloudFormationStacks.pairs(stack.list("Outputs", item: "member"), key: "OutputKey", value: "OutputValue")
            outcome.data["stack_resources"] = .list(try await operation.stacks.resources(operation.name).map(Self.resourceValue))
            return outcome.taskResult
        }
    }

    /// A resource summary as the collection reports it.
    static func resourceValue(_ node: XMLTree) -> Value {
        .dict([
            "logical_resource_id": .string(node.string("LogicalResourceId") ?? ""),
            "physical_resource_id": .string(node.string("PhysicalResourceId") ?? ""),
            "resource_type": .string(node.string("ResourceType") ?? ""),
            "last_updated_time": node.nonEmpty("LastUpdatedTimestamp").map { .string(EC2ResultShape.isoTime($0)) } ?? .null,
            "status": .string(node.string("ResourceStatus") ?? ""),
            "status_reason": node.nonEmpty("ResourceStatusReason").map(Value.string) ?? .null,
        ])
    }
}
