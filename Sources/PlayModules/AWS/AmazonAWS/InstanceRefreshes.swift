import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// Auto Scaling instance refreshes: the four calls (start, describe, cancel, roll back) and the
/// answer in boto3's snake_case, the shape `autoscaling_instance_refresh(_info)` return.
struct InstanceRefreshes {
    let client: AWSQueryClient

    static let shape = QueryResultShape(
        integers: ["PercentageComplete", "InstancesToUpdate", "MinHealthyPercentage", "MaxHealthyPercentage", "InstanceWarmup",
                   "CheckpointDelay", "BakeTime", "PercentageCompleteOnRollback", "InstancesToUpdateOnRollback",
                   "CheckpointPercentages"],
        times: ["StartTime", "EndTime", "RollbackStartTime"],
        lists: ["InstanceRefreshes", "CheckpointPercentages", "Alarms"],
        structures: ["Preferences", "DesiredConfiguration", "LaunchTemplate", "ProgressDetails", "LivePoolProgress",
                     "WarmPoolProgress", "RollbackDetails", "ProgressDetailsOnRollback", "AlarmSpecification"])

    /// The statuses after which nothing more happens.
    static let finished: Set<String> = ["Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"]

    /// One page of the group's refreshes (newest first) and the next page's token.
    func describe(group: String, ids: [String] = [], nextToken: String? = nil, maxRecords: Int? = nil) async throws -> ([XMLTree], String?) {
        var request = client.request("DescribeInstanceRefreshes")
        request.set("AutoScalingGroupName", group)
        if !ids.isEmpty { request.members("InstanceRefreshIds", ids) }
        request.set("NextToken", nextToken)
        request.set("MaxRecords", maxRecords)
        let answer = try await AWSModuleError.wrapping("Failed to describe InstanceRefreshes") { try await client.send(request) }
        let next = answer.first(named: "NextToken")?.text
        return (answer.first(named: "InstanceRefreshes")?.children("member") ?? [], next?.isEmpty == false ? next : nil)
    }

    /// The refresh `id` of `group`, in snake_case.
    func one(group: String, id: String) async throws -> OrderedDictionary<String, Value> {
        guard let node = try await describe(group: group, ids: [id]).0.first else {
            throw AWSModuleError("instance refresh \(id) of \(group) not found")
        }
        return Self.shape.dict(node)
    }

    /// Starts a refresh: `preferences` as (API member, value) pairs, `launchTemplate` the
    /// DesiredConfiguration's launch template (LaunchTemplateId/LaunchTemplateName/Version).
    func start(group: String, strategy: String, preferences: [(String, Value)], launchTemplate: [(String, String)] = []) async throws -> String {
        var request = client.request("StartInstanceRefresh")
        request.set("AutoScalingGroupName", group)
        request.set("Strategy", strategy)
        for (name, value) in preferences {
            switch value {
            case .list(let items): request.members("Preferences.\(name)", items.map(\.renderedString))
            case .bool(let flag): request.set("Preferences.\(name)", flag)
            case .int(let number): request.set("Preferences.\(name)", number)
            default: request.set("Preferences.\(name)", value.renderedString)
            }
        }
        for (name, value) in launchTemplate { request.set("DesiredConfiguration.LaunchTemplate.\(name)", value) }
        return try await call(request, doing: "Failed to start InstanceRefresh")
    }

    func cancel(group: String) async throws -> String {
        var request = client.request("CancelInstanceRefresh")
        request.set("AutoScalingGroupName", group)
        return try await call(request, doing: "Failed to cancel InstanceRefresh")
    }

    func rollback(group: String) async throws -> String {
        var request = client.request("RollbackInstanceRefresh")
        request.set("AutoScalingGroupName", group)
        return try await call(request, doing: "Failed to roll back InstanceRefresh")
    }

    private func call(_ request: AWSQueryRequest, doing: String) async throws -> String {
        let answer = try await AWSModuleError.wrapping(doing) { try await client.send(request, idempotent: false) }
        return answer.first(named: "InstanceRefreshId")?.text ?? ""
    }

    /// The collection's preferences (snake_case suboptions) as API members, ints and bools
    /// coerced from templated text; an unknown suboption is refused as AnsibleModule refuses it.
    static func preferences(_ given: Value?, allowed: [String: ArgumentKind], defaults: [(String, Value)] = []) throws -> [(String, Value)] {
        guard let given, !given.isNull else { return [] }
        guard let dict = given.dictValue else { throw AWSModuleError("preferences must be a dictionary, not \(given.typeName)") }
        if let unknown = dict.keys.first(where: { allowed[$0] == nil }) {
            throw AWSModuleError("Unsupported parameters for (preferences) module: \(unknown). Supported parameters include: "
                                 + allowed.keys.sorted().joined(separator: ", "))
        }
        var out: [(String, Value)] = []
        var merged = OrderedDictionary<String, Value>()
        for (key, value) in defaults { merged[key] = value }
        for (key, value) in dict where !value.isNull { merged[key] = value }
        for (key, value) in merged {
            let kind = allowed[key] ?? .int
            out.append((camel(key), try kind.coerce(value, name: key)))
        }
        return out
    }

    /// `min_healthy_percentage` → `MinHealthyPercentage`.
    static func camel(_ key: String) -> String {
        key.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    enum ArgumentKind {
        case int, bool, intList

        func coerce(_ value: Value, name: String) throws -> Value {
            switch self {
            case .int:
                if let number = value.intValue ?? Int(value.renderedString.trimmingCharacters(in: .whitespaces)) { return .int(number) }
                throw AWSModuleError("preferences.\(name) must be an integer, not '\(value.renderedString)'")
            case .bool:
                if let flag = value.boolValue { return .bool(flag) }
                switch value.renderedString.lowercased() {
                case "true", "yes", "on", "1": return .bool(true)
                case "false", "no", "off", "0": return .bool(false)
                default: throw AWSModuleError("preferences.\(name) must be a boolean, not '\(value.renderedString)'")
                }
            case .intList:
                let items = value.listValue ?? value.renderedString.split(separator: ",").map { .string(String($0)) }
                return .list(try items.map { try ArgumentKind.int.coerce($0, name: name) })
            }
        }
    }
}
