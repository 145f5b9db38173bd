import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `elb_application_lb`: the application load balancer of this name and `tags`, created when
/// missing, with one listener per entry of `listeners` forwarding to its target group (a listener
/// pointing elsewhere is changed; listeners it does not list are left alone), or deleted with
/// `state: absent` (its listeners go with it). Looked up by name and tags first: AWS returns the
/// existing one for a second create, moto makes a second one.
/// A listener: `{port: 80, protocol: HTTP, target_group: NAME}` (or `target_group_arn`), or in
/// amazon.aws's form `{Port: 80, Protocol: HTTP, DefaultActions: [{Type: forward, TargetGroupName: NAME}]}`.
/// Without `listeners`, the result's `listeners` lists every listener and where it forwards.
public struct ELBApplicationLBModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_application_lb", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("subnets", .list, elements: .string),
        ArgumentSpec("security_groups", .list, elements: .string),
        ArgumentSpec("scheme", .string, choices: ["internet-facing", "internal"], defaultValue: "internet-facing"),
        ArgumentSpec("listeners", .list, elements: .dict),
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
        let named: [ELBv2LoadBalancer]
        do {
            named = try await elb.describeLoadBalancers(names: [name]).filter { $0.name == name }
        } catch let error as AWSError where error.code == "LoadBalancerNotFound" {
            named = []
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "looking up load balancer '\(name)'")
        }
        let tagsByARN = named.isEmpty ? [:] : try await AWSModuleError.wrapping("reading the tags of '\(name)'") {
            try await elb.describeTags(resourceARNs: named.map(\.arn))
        }
        let mine = named.filter { ResourceTags.matches(tagsByARN[$0.arn] ?? [:], tags) }
        if mine.count > 1 {
            throw AWSModuleError("\(mine.count) load balancers are called '\(name)' with these tags: delete the extra ones")
        }
        if context.string("state") == "absent" {
            guard let lb = mine.first else { return .ok(changed: false, ["load_balancer_arn": .null, "msg": .string("no load balancer '\(name)' to delete")]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting load balancer '\(name)'") { try await elb.deleteLoadBalancer(lb.arn) }
            }
            return .ok(changed: true, ["load_balancer_arn": .string(lb.arn), "msg": .string("deleted load balancer '\(name)'")])
        }
        var changed = false
        var lb = mine.first
        if lb == nil {
            if !named.isEmpty { throw AWSModuleError("a load balancer '\(name)' exists without these tags: tag it or choose another name") }
            let subnets = (context.list("subnets") ?? []).map(\.renderedString)
            guard !subnets.isEmpty else { throw AWSModuleError("load balancer '\(name)' does not exist: give subnets to create it") }
            changed = true
            if context.checkMode {
                return .ok(changed: true, ["load_balancer_arn": .null, "msg": .string("would create load balancer '\(name)'")])
            }
            lb = try await AWSModuleError.wrapping("creating load balancer '\(name)'") {
                try await elb.createLoadBalancer(name: name, subnetIDs: subnets,
                                                 securityGroupIDs: (context.list("security_groups") ?? []).map(\.renderedString),
                                                 scheme: context.string("scheme"), tags: tags)
            }
        }
        guard let lb else { throw AWSModuleError("load balancer '\(name)' could not be found or made") }
        let existing = try await AWSModuleError.wrapping("reading the listeners of '\(name)'") { try await elb.describeListeners(loadBalancerARN: lb.arn) }
        var listeners: [Value] = []
        for entry in context.list("listeners") ?? [] {
            guard let port = (entry["port"] ?? entry["Port"]).flatMap(ValueCoercion.int) else { throw AWSModuleError("a listener needs a port") }
            let proto = (entry["protocol"] ?? entry["Protocol"])?.renderedString ?? "HTTP"
            let groupARN = try await targetGroupARN(entry, elb)
            let action = ELBv2Action.forward(to: groupARN)
            if let listener = existing.first(where: { $0.port == port }) {
                if listener.forwardedTargetGroups != [groupARN] {
                    changed = true
                    if !context.checkMode {
                        _ = try await AWSModuleError.wrapping("pointing listener \(port) of '\(name)' at \(groupARN)") {
                            try await elb.modifyListener(listenerARN: listener.arn, defaultActions: [action])
                        }
                    }
                }
                listeners.append(["arn": .string(listener.arn), "port": .int(port), "target_group_arn": .string(groupARN)])
            } else {
                changed = true
                var arn: Value = .null
                if !context.checkMode {
                    let made = try await AWSModuleError.wrapping("creating listener \(port) on '\(name)'") {
                        try await elb.createListener(loadBalancerARN: lb.arn, protocol: proto, port: port, defaultActions: [action])
                    }
                    arn = .string(made.arn)
                }
                listeners.append(["arn": arn, "port": .int(port), "target_group_arn": .string(groupARN)])
            }
        }
        if context.args["listeners"] == nil || context.args["listeners"]?.isNull == true {
            // Nothing asked of the listeners: report where each one sends traffic now.
            listeners = existing.map { listener in
                ["arn": .string(listener.arn), "port": listener.port.map(Value.int) ?? .null,
                 "target_group_arn": listener.forwardedTargetGroups.first.map(Value.string) ?? .null,
                 "target_group_arns": .list(listener.forwardedTargetGroups.map(Value.string))]
            }
        }
        return .ok(changed: changed, [
            "load_balancer_arn": .string(lb.arn),
            "dns_name": lb.dnsName.map(Value.string) ?? .null,
            "listeners": .list(listeners),
        ])
    }

    /// The listener's target group: `target_group`/`target_group_arn`, or the amazon.aws form's
    /// first forward action (`DefaultActions: [{Type: forward, TargetGroupName|TargetGroupArn}]`).
    private func targetGroupARN(_ entry: Value, _ elb: ELBv2Client) async throws -> String {
        let forward = entry["DefaultActions"]?.listValue?.first { $0["Type"]?.renderedString == "forward" }
        if let arn = (entry["target_group_arn"] ?? forward?["TargetGroupArn"])?.stringValue, !arn.isEmpty { return arn }
        guard let name = (entry["target_group"] ?? forward?["TargetGroupName"])?.renderedString, !name.isEmpty else {
            throw AWSModuleError("a listener needs target_group (a name) or target_group_arn")
        }
        do {
            guard let group = try await elb.describeTargetGroups(names: [name]).first(where: { $0.name == name }) else {
                throw AWSModuleError("target group '\(name)' not found")
            }
            return group.arn
        } catch let error as AWSError where error.code == "TargetGroupNotFound" {
            throw AWSModuleError("target group '\(name)' not found: create it first (elb_target_group)")
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "looking up target group '\(name)'")
        }
    }
}
