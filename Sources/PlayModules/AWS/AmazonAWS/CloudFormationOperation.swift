import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// One `cloudformation` task's calls: the stack parameters built once from the arguments, the
/// create/update/delete/change-set calls, and the wait until the stack settles (progress lines
/// while it does), each ending in the collection's result keys.
struct CloudFormationOperation {
    struct Outcome {
        var changed: Bool
        var failed = false
        var data: OrderedDictionary<String, Value>

        var taskResult: TaskResult {
            failed ? .failed(data["output"]?.renderedString ?? "stack operation failed", data) : .ok(changed: changed, data)
        }
    }

    let context: ModuleContext
    let stacks: CloudFormationStacks
    let name: String
    let capabilities: [String]
    let templateBody: String?
    let stackPolicyBody: String?
    let eventsLimit: Int
    /// The ClientRequestToken of this task's stack call: its events carry it.
    let token = UUID().uuidString

    init(_ context: ModuleContext, capabilities: [String], stacks: CloudFormationStacks) throws {
        self.context = context
        self.stacks = stacks
        self.capabilities = capabilities
        name = context.string("stack_name") ?? ""
        eventsLimit = context.int("events_limit") ?? 200
        if let path = context.string("template") {
            do { templateBody = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw AWSModuleError("template '\(path)' could not be read: \(error.localizedDescription)")
            }
        } else {
            templateBody = context.string("template_body")
        }
        if let body = context.args["stack_policy_body"], !body.isNull {
            stackPolicyBody = body.stringValue ?? body.jsonString()
        } else if let path = context.string("stack_policy") {
            do { stackPolicyBody = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw AWSModuleError("stack_policy '\(path)' could not be read: \(error.localizedDescription)")
            }
        } else {
            stackPolicyBody = nil
        }
    }

    var hasTemplate: Bool { templateBody != nil || context.string("template_url") != nil }

    /// The parameters CreateStack, UpdateStack and CreateChangeSet share.
    func request(_ action: String, policy: Bool = true) -> AWSQueryRequest {
        var request = stacks.cfn.request(action)
        request.set("StackName", name)
        request.members("Capabilities", capabilities)
        request.set("TemplateBody", templateBody)
        request.set("TemplateURL", templateBody == nil ? context.string("template_url") : nil)
        request.members("NotificationARNs", context.string("notification_arns")?.split(separator: ",").map(String.init) ?? [])
        if policy { request.set("StackPolicyBody", stackPolicyBody) }
        let parameters = context.args["template_parameters"]?.dictValue ?? [:]
        for (i, (key, value)) in parameters.enumerated() {
            let prefix = "Parameters.member.\(i + 1)"
            request.set("\(prefix).ParameterKey", key)
            if case .dict(let options) = value {
                if options["use_previous_value"]?.isTruthy ?? false {
                    request.set("\(prefix).UsePreviousValue", true)
                } else if let given = options["value"] {
                    request.set("\(prefix).ParameterValue", given.renderedString)
                }
            } else {
                request.set("\(prefix).ParameterValue", value.renderedString)
            }
        }
        if context.args["tags"].map({ !$0.isNull }) ?? false { request.pairs("Tags", ResourceTags.given(context)) }
        request.set("RoleARN", context.string("role_arn"))
        return request
    }

    func create() async throws -> Outcome {
        guard hasTemplate else {
            throw AWSModuleError("Either 'template', 'template_body' or 'template_url' is required when the stack does not exist.")
        }
        var call = request("CreateStack")
        call.set("ClientRequestToken", token)
        if let onFailure = context.string("on_create_failure") {
            call.set("OnFailure", onFailure)
        } else {
            call.set("DisableRollback", context.bool("disable_rollback"))
        }
        call.set("TimeoutInMinutes", context.int("create_timeout"))
        call.set("EnableTerminationProtection", context.args["termination_protection"]?.boolValue)
        let answer = try await AWSModuleError.wrapping("Failed to create stack \(name)") { try await stacks.cfn.send(call) }
        return try await wait(answer.string("StackId") ?? name, "CREATE")
    }

    func update() async throws -> Outcome {
        var call = request("UpdateStack")
        call.set("ClientRequestToken", token)
        if !hasTemplate { call.set("UsePreviousTemplate", true) }
        if let body = context.args["stack_policy_on_update_body"], !body.isNull {
            call.set("StackPolicyDuringUpdateBody", body.stringValue ?? body.jsonString())
        }
        call.set("DisableRollback", context.bool("disable_rollback"))
        do {
            _ = try await stacks.cfn.send(call)
        } catch let error as AWSError where error.message.contains("No updates are to be performed") {
            return Outcome(changed: false, data: ["output": "Stack is already up-to-date."])
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "Failed to update stack \(name)")
        }
        return try await wait(name, "UPDATE")
    }

    func delete() async throws -> Outcome {
        var call = stacks.cfn.request("DeleteStack")
        call.set("StackName", name)
        call.set("RoleARN", context.string("role_arn"))
        call.set("ClientRequestToken", token)
        _ = try await AWSModuleError.wrapping("deleting stack \(name)") { try await stacks.cfn.send(call) }
        return try await wait(name, "DELETE")
    }

    func setTerminationProtection(_ enabled: Bool) async throws -> Bool {
        guard let stack = try await stacks.stack(name), stack.bool("EnableTerminationProtection") != enabled else { return false }
        var call = stacks.cfn.request("UpdateTerminationProtection")
        call.set("StackName", name)
        call.set("EnableTerminationProtection", enabled)
        _ = try await AWSModuleError.wrapping("updating the termination protection of stack \(name)") { try await stacks.cfn.send(call) }
        return true
    }

    /// Polls the stack until its status settles; the outcome names the operation as the
    /// collection does ("Stack CREATE complete", "Problem with UPDATE. Rollback complete", ...).
    func wait(_ stackID: String, _ operation: String, token: String? = nil) async throws -> Outcome {
        let filter = token ?? (operation == "CREATE_CHANGESET" ? nil : self.token)
        var existed = false
        var loop = PollLoop(timeout: Double((context.int("create_timeout") ?? 60) * 60 + 300), interval: 2)
        while true {
            let stack = try await loop.poll { try await stacks.stack(stackID) } ?? nil
            var data = try await eventData(stackID, token: filter)
            guard let stack else {
                if existed || operation == "DELETE" {
                    data["output"] = "Stack Deleted"
                    return Outcome(changed: true, data: data)
                }
                data["output"] = "Stack not found."
                return Outcome(changed: false, failed: true, data: data)
            }
            existed = true
            let status = stack.string("StackStatus") ?? ""
            if let settled = Self.settled(status, operation) {
                data["output"] = .string(settled.output)
                return Outcome(changed: true, failed: settled.failed, data: data)
            }
            if loop.timedOut {
                data["output"] = .string("Stack \(operation) did not settle: still \(status) \(loop.progressSuffix)")
                return Outcome(changed: true, failed: true, data: data)
            }
            context.progress("stack \(name): \(status) \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    /// The result of a stack status for an operation, or nil while it is in progress.
    static func settled(_ status: String, _ operation: String) -> (output: String, failed: Bool)? {
        if status.hasSuffix("ROLLBACK_COMPLETE") && operation != "CREATE_CHANGESET" {
            return ("Problem with \(operation). Rollback complete", true)
        }
        if status == "DELETE_COMPLETE" && operation == "CREATE" { return ("Stack create failed. Delete complete.", true) }
        if status.hasSuffix("_COMPLETE") { return ("Stack \(operation) complete", false) }
        if status.hasSuffix("_ROLLBACK_FAILED") { return ("Stack \(operation) rollback failed", true) }
        if status.hasSuffix("_FAILED") { return ("Stack \(operation) failed", true) }
        return nil
    }

    /// `events` and `log` for the result; a stack gone from DescribeStackEvents logs that.
    func eventData(_ stackID: String, token: String?) async throws -> OrderedDictionary<String, Value> {
        do {
            let lines = CloudFormationStacks.eventLines(try await stacks.events(stackID, limit: eventsLimit, token: token))
            return ["events": .list(lines.events), "log": .list(lines.log)]
        } catch let error as AWSError where error.message.contains("does not exist") {
            return ["events": .list([]), "log": ["Stack does not exist."]]
        } catch let error as AWSError {
            return ["events": .list([]), "log": .list([.string("Unknown error: \(error.message)")])]
        }
    }
}
