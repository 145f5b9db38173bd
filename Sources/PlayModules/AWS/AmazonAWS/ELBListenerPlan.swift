import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The `listeners` of amazon.aws `elb_application_lb` made real on one load balancer: each
/// listener (by port) created or changed to the given protocol, certificates, SSL policy and
/// default actions; with `purge_listeners`, listeners on other ports deleted; each listener's
/// `Rules` (by priority) created or changed, and with `purge_rules` the others deleted.
/// Actions are `forward` to `TargetGroupArn` or `TargetGroupName`.
struct ELBListenerPlan {
    let context: ModuleContext
    let elb: ELBv2Client
    let loadBalancerARN: String
    /// Target group names already looked up.
    private var groupARNs: [String: String] = [:]

    init(context: ModuleContext, elb: ELBv2Client, loadBalancerARN: String) {
        self.context = context
        self.elb = elb
        self.loadBalancerARN = loadBalancerARN
    }

    /// True when something changed (or would, in check mode).
    mutating func apply(_ listeners: [Value]) async throws -> Bool {
        var describe = ELBv2Request("DescribeListeners")
        describe.set("LoadBalancerArn", loadBalancerARN)
        let existing = try await AWSModuleError.wrapping("reading the listeners") { try await elb.describeMembers(describe, list: "Listeners") }
        var changed = false
        for listener in listeners {
            guard let port = listener["Port"].flatMap(ValueCoercion.int), let proto = listener["Protocol"]?.renderedString else {
                throw AWSModuleError("each listener needs Port and Protocol")
            }
            let actions = try await encodedActions(listener["DefaultActions"]?.listValue ?? [], prefix: "DefaultActions")
            var parameters = actions
            parameters["Protocol"] = proto
            parameters["SslPolicy"] = listener["SslPolicy"]?.renderedString
            for (index, certificate) in (listener["Certificates"]?.listValue ?? []).enumerated() {
                parameters["Certificates.member.\(index + 1).CertificateArn"] = certificate["CertificateArn"]?.renderedString
            }
            var listenerARN: String?
            if let current = existing.first(where: { $0.int("Port") == port }) {
                listenerARN = current.nonEmpty("ListenerArn")
                let have = Self.flatten(current, keys: ["Protocol", "SslPolicy", "DefaultActions", "Certificates"])
                let differs = parameters.contains { key, value in have[key] != value && !(key == "SslPolicy" && value == nil) }
                    || have.keys.contains { $0.hasPrefix("DefaultActions.") && parameters[$0] == nil }
                if differs {
                    changed = true
                    try await send("ModifyListener", ["ListenerArn": listenerARN], parameters)
                }
            } else {
                changed = true
                parameters["LoadBalancerArn"] = loadBalancerARN
                parameters["Port"] = String(port)
                let answer = try await send("CreateListener", [:], parameters)
                listenerARN = answer?.list("Listeners", item: "member").first?.nonEmpty("ListenerArn")
            }
            if let rules = listener["Rules"]?.listValue, let listenerARN {
                changed = try await applyRules(rules, listenerARN: listenerARN) || changed
            }
        }
        if context.bool("purge_listeners", default: true) {
            let ports = Set(listeners.compactMap { $0["Port"].flatMap(ValueCoercion.int) })
            for listener in existing where !ports.contains(listener.int("Port") ?? -1) {
                changed = true
                try await send("DeleteListener", ["ListenerArn": listener.nonEmpty("ListenerArn")], [:])
            }
        }
        return changed
    }

    private mutating func applyRules(_ rules: [Value], listenerARN: String) async throws -> Bool {
        var describe = ELBv2Request("DescribeRules")
        describe.set("ListenerArn", listenerARN)
        let existing = try await AWSModuleError.wrapping("reading the rules of \(listenerARN)") { try await elb.describeMembers(describe, list: "Rules") }
            .filter { $0.string("IsDefault") != "true" }
        var changed = false
        var priorities: Set<String> = []
        for rule in rules {
            let priority = rule["Priority"]?.renderedString ?? ""
            priorities.insert(priority)
            var parameters = try await encodedActions(rule["Actions"]?.listValue ?? [], prefix: "Actions")
            for (index, condition) in (rule["Conditions"]?.listValue ?? []).enumerated() {
                parameters["Conditions.member.\(index + 1).Field"] = condition["Field"]?.renderedString
                for (valueIndex, value) in (condition["Values"]?.listValue ?? []).enumerated() {
                    parameters["Conditions.member.\(index + 1).Values.member.\(valueIndex + 1)"] = value.renderedString
                }
            }
            if let current = existing.first(where: { $0.string("Priority") == priority }) {
                let have = Self.flatten(current, keys: ["Actions", "Conditions"])
                let wanted = Dictionary(uniqueKeysWithValues: parameters.compactMap { key, value in value.map { (key, $0) } })
                if have != wanted {
                    changed = true
                    try await send("ModifyRule", ["RuleArn": current.nonEmpty("RuleArn")], parameters)
                }
            } else {
                changed = true
                parameters["ListenerArn"] = listenerARN
                parameters["Priority"] = priority
                try await send("CreateRule", [:], parameters)
            }
        }
        if context.bool("purge_rules", default: true) {
            for rule in existing where !priorities.contains(rule.string("Priority") ?? "") {
                changed = true
                try await send("DeleteRule", ["RuleArn": rule.nonEmpty("RuleArn")], [:])
            }
        }
        return changed
    }

    /// Sends one change (not in check mode); returns the answer.
    @discardableResult
    private func send(_ action: String, _ ids: [String: String?], _ parameters: OrderedDictionary<String, String?>) async throws -> XMLTree? {
        if context.checkMode { return nil }
        var request = ELBv2Request(action)
        for (key, value) in ids { request.set(key, value) }
        for (key, value) in parameters { request.set(key, value) }
        return try await AWSModuleError.wrapping("\(action) on \(loadBalancerARN)") { try await elb.send(request) }
    }

    /// `forward` actions as Query parameters, target group names resolved to ARNs.
    private mutating func encodedActions(_ actions: [Value], prefix: String) async throws -> OrderedDictionary<String, String?> {
        var out = OrderedDictionary<String, String?>()
        for (index, action) in actions.enumerated() {
            let type = action["Type"]?.renderedString ?? "forward"
            guard type == "forward" else { throw AWSModuleError("action type '\(type)' is not supported here: use forward") }
            out["\(prefix).member.\(index + 1).Type"] = type
            out["\(prefix).member.\(index + 1).TargetGroupArn"] = try await targetGroupARN(action)
        }
        return out
    }

    private mutating func targetGroupARN(_ action: Value) async throws -> String {
        if let arn = action["TargetGroupArn"]?.stringValue, !arn.isEmpty { return arn }
        guard let name = action["TargetGroupName"]?.renderedString, !name.isEmpty else {
            throw AWSModuleError("a forward action needs TargetGroupArn or TargetGroupName")
        }
        if let known = groupARNs[name] { return known }
        var request = ELBv2Request("DescribeTargetGroups")
        request.members("Names", [name])
        do {
            guard let arn = try await elb.describeMembers(request, list: "TargetGroups").first?.nonEmpty("TargetGroupArn") else {
                throw AWSModuleError("target group '\(name)' not found")
            }
            groupARNs[name] = arn
            return arn
        } catch let error as AWSError where error.code == "TargetGroupNotFound" {
            throw AWSModuleError("target group '\(name)' not found: create it first (elb_target_group)")
        }
    }

    /// An answer's listener or rule as the Query parameters that would make it (the forms compare).
    static func flatten(_ node: XMLTree, keys: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for key in keys {
            guard let child = node.child(key) else { continue }
            if child.children.isEmpty {
                if !child.text.isEmpty { out[key] = child.text }
                continue
            }
            for (index, member) in child.children.enumerated() {
                let base = "\(key).member.\(index + 1)"
                switch key {
                case "DefaultActions", "Actions":
                    out["\(base).Type"] = member.string("Type")
                    out["\(base).TargetGroupArn"] = member.string("TargetGroupArn")
                case "Conditions":
                    out["\(base).Field"] = member.string("Field")
                    for (valueIndex, value) in member.list("Values", item: "member").enumerated() {
                        out["\(base).Values.member.\(valueIndex + 1)"] = value.text
                    }
                default:
                    out["\(base).CertificateArn"] = member.string("CertificateArn")
                }
            }
        }
        return out
    }
}
