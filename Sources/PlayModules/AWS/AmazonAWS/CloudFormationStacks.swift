import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// What the CloudFormation modules read: stacks, their resources, events, templates and change
/// sets, in the collections' shape (boto3's parse in snake_case; lists of `{key, value}` stay lists).
struct CloudFormationStacks {
    let cfn: AWSQueryClient

    static let shape = QueryResultShape(
        integers: ["TimeoutInMinutes"],
        times: ["CreationTime", "LastUpdatedTime", "DeletionTime", "Timestamp", "LastUpdatedTimestamp", "LastCheckTimestamp"],
        lists: ["Outputs", "Parameters", "Tags", "NotificationARNs", "Capabilities", "StackResourceSummaries", "StackEvents",
                "Changes", "Summaries", "Details", "Scope"],
        structures: ["DriftInformation", "RollbackConfiguration", "ResourceChange"])

    /// The stack called (or with the id) `name`; nil when CloudFormation says it does not exist.
    func stack(_ name: String) async throws -> XMLTree? {
        try await stacks(name).first
    }

    /// Every stack, or the one `name` names (none when it does not exist).
    func stacks(_ name: String?) async throws -> [XMLTree] {
        var request = cfn.request("DescribeStacks")
        request.set("StackName", name)
        do {
            return try await cfn.members(request, list: "Stacks")
        } catch let error as AWSError where error.message.contains("does not exist") {
            return []
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing stack \(name ?? "(all)")")
        }
    }

    func resources(_ name: String) async throws -> [XMLTree] {
        var request = cfn.request("ListStackResources")
        request.set("StackName", name)
        return try await AWSModuleError.wrapping("listing the resources of stack '\(name)'") {
            try await cfn.members(request, list: "StackResourceSummaries")
        }
    }

    /// The stack's events, newest first, at most `limit`; only the operation's own when `token` is
    /// given (events carry the ClientRequestToken of the call that caused them).
    func events(_ name: String, limit: Int = 200, token: String? = nil) async throws -> [XMLTree] {
        var request = cfn.request("DescribeStackEvents")
        request.set("StackName", name)
        let all = try await cfn.members(request, list: "StackEvents")
        return Array(all.filter { token == nil || $0.string("ClientRequestToken") == token }.prefix(limit))
    }

    /// The stack's template: JSON parsed (as boto3 returns it), YAML as text.
    func template(_ name: String) async throws -> Value {
        var request = cfn.request("GetTemplate")
        request.set("StackName", name)
        let body = try await AWSModuleError.wrapping("reading the template of stack '\(name)'") {
            try await cfn.send(request)
        }.string("TemplateBody") ?? ""
        return (try? Value.parseJSON(body)) ?? .string(body)
    }

    func policy(_ name: String) async throws -> Value {
        var request = cfn.request("GetStackPolicy")
        request.set("StackName", name)
        let body = try await AWSModuleError.wrapping("reading the policy of stack '\(name)'") {
            try await cfn.send(request)
        }.nonEmpty("StackPolicyBody")
        return body.flatMap { try? Value.parseJSON($0) } ?? .dict([:])
    }

    func describeChangeSet(_ id: String, stack: String? = nil) async throws -> XMLTree {
        var request = cfn.request("DescribeChangeSet")
        request.set("ChangeSetName", id)
        request.set("StackName", stack)
        return try await AWSModuleError.wrapping("describing change set '\(id)'") { try await cfn.send(request) }
    }

    func changeSetNames(_ stack: String) async throws -> [String] {
        var request = cfn.request("ListChangeSets")
        request.set("StackName", stack)
        return try await AWSModuleError.wrapping("listing the change sets of stack '\(stack)'") {
            try await cfn.members(request, list: "Summaries")
        }.compactMap { $0.string("ChangeSetName") }
    }

    /// `[{K: k, V: v}]` members as `{k: v}`.
    static func pairs(_ nodes: [XMLTree], key: String, value: String) -> Value {
        var out = OrderedDictionary<String, Value>()
        for node in nodes { if let name = node.string(key) { out[name] = .string(node.string(value) ?? "") } }
        return .dict(out)
    }

    /// The `StackEvent <type> <logical id> <status>` lines and the failures' reasons, as the
    /// collection reports them in `events` and `log`.
    static func eventLines(_ events: [XMLTree]) -> (events: [Value], log: [Value]) {
        var lines: [Value] = []
        var log: [Value] = []
        for event in events {
            let type = event.string("ResourceType") ?? "", id = event.string("LogicalResourceId") ?? ""
            let status = event.string("ResourceStatus") ?? ""
            lines.append(.string("StackEvent \(type) \(id) \(status)"))
            if status.hasSuffix("FAILED") {
                log.append(.string("\(type) \(id) \(status): \(event.string("ResourceStatusReason") ?? "")"))
            }
        }
        return (lines, log)
    }
}
