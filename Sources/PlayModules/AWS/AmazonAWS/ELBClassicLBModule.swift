import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `elb_classic_lb` (old name `ec2_elb_lb`): the classic load balancer of this name,
/// created when missing (`listeners` and `zones` or `subnets` needed), then its subnets, zones,
/// security groups, listeners (`purge_listeners`), tags (`purge_tags`), health check, attributes
/// (cross-zone, connection draining, idle timeout, access logs) and instances
/// (`purge_instance_ids`) as given; a `scheme` that differs recreates it. `state: absent`
/// deletes it. Returns `elb` (the collection's summary) and, when present, `load_balancer`
/// (the description, snake_cased). `stickiness` and `proxy_protocol` are refused (no policies).
public struct ELBClassicLBModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_classic_lb", arguments: [
        ArgumentSpec("state", .string, required: true, choices: ["present", "absent"]),
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("listeners", .list, elements: .dict),
        ArgumentSpec("purge_listeners", .bool, defaultValue: true),
        ArgumentSpec("instance_ids", .list, elements: .string),
        ArgumentSpec("purge_instance_ids", .bool, defaultValue: false),
        ArgumentSpec("zones", .list, elements: .string),
        ArgumentSpec("purge_zones", .bool, defaultValue: false),
        ArgumentSpec("security_group_ids", .list, elements: .string),
        ArgumentSpec("security_group_names", .list, elements: .string),
        ArgumentSpec("health_check", .dict),
        ArgumentSpec("subnets", .list, elements: .string),
        ArgumentSpec("purge_subnets", .bool, defaultValue: false),
        ArgumentSpec("scheme", .string, choices: ["internal", "internet-facing"]),
        ArgumentSpec("connection_draining_timeout", .int),
        ArgumentSpec("idle_timeout", .int),
        ArgumentSpec("cross_az_load_balancing", .bool),
        ArgumentSpec("stickiness", .dict),
        ArgumentSpec("access_logs", .dict),
        ArgumentSpec("wait", .bool, defaultValue: false),
        ArgumentSpec("wait_timeout", .int, defaultValue: 180),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
    ] + AWSArguments.specs, mutuallyExclusive: [["security_group_ids", "security_group_names"], ["zones", "subnets"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let settings = try ClassicLBSettings(context)
        let waitTimeout = context.int("wait_timeout") ?? 180
        guard waitTimeout <= 600 else { throw AWSModuleError("wait_timeout maximum is 600 seconds") }
        let aws = try await context.awsSession()
        let elb = aws.session.classicELB()
        let name = settings.name
        let found = try await AWSModuleError.wrapping("describing load balancer '\(name)'") { try await ClassicLoadBalancer.load(name, elb) }
        var status = found == nil ? "gone" : "exists"

        if context.string("state") == "absent" {
            guard found != nil else {
                return .ok(changed: false, ["elb": ClassicLoadBalancer.missingSummary(name: name, status: status, region: aws.region)])
            }
            if !context.checkMode {
                try await send([deleteRequest(name, elb)], name, elb)
                if context.bool("wait") { try await waitGone(name, elb, timeout: waitTimeout) }
                status = "deleted"
            }
            let after = context.checkMode ? found : nil
            let summary = after?.summary(status: status, region: aws.region)
                ?? ClassicLoadBalancer.missingSummary(name: name, status: status, region: aws.region)
            return .ok(changed: true, ["elb": summary])
        }

        let securityGroups = try await securityGroupIDs(context, aws, vpc: found?.description.string("VPCId"))
        let plan = ClassicLBPlan(context: context, settings: settings, elb: elb, securityGroups: securityGroups)
        var calls: [AWSQueryRequest]
        if let current = found, let scheme = context.string("scheme"), current.scheme != scheme {
            // The scheme of a load balancer cannot change: it is made again.
            calls = [deleteRequest(name, elb)] + (try plan.creation()) + plan.settle(nil)
            status = "created"
        } else if let current = found {
            calls = plan.update(current) + plan.settle(current)
        } else {
            calls = try plan.creation() + plan.settle(nil)
            status = "created"
        }
        let changed = !calls.isEmpty
        guard changed, !context.checkMode else {
            return result(name, changed: changed, found, status: found == nil ? "gone" : "exists", region: aws.region)
        }
        try await send(calls, name, elb)
        if context.bool("wait") { try await waitCreated(name, elb, timeout: waitTimeout) }
        let written = try await AWSModuleError.wrapping("describing load balancer '\(name)'") { try await ClassicLoadBalancer.load(name, elb) }
        return result(name, changed: true, written, status: status, region: aws.region)
    }

    private func result(_ name: String, changed: Bool, _ balancer: ClassicLoadBalancer?, status: String, region: String) -> TaskResult {
        guard let balancer else {
            return .ok(changed: changed, ["elb": ClassicLoadBalancer.missingSummary(name: name, status: status, region: region),
                                          "load_balancer": .dict([:])])
        }
        return .ok(changed: changed, ["elb": balancer.summary(status: status, region: region), "load_balancer": balancer.loadBalancerValue])
    }

    private func deleteRequest(_ name: String, _ elb: AWSQueryClient) -> AWSQueryRequest {
        var request = elb.request("DeleteLoadBalancer")
        request.set("LoadBalancerName", name)
        return request
    }

    /// `security_group_ids`, or the ids of `security_group_names` (in the load balancer's VPC when it has one).
    private func securityGroupIDs(_ context: ModuleContext, _ aws: AWSModuleSession, vpc: String?) async throws -> [String]? {
        if let ids = context.list("security_group_ids") { return ids.compactMap(\.stringValue) }
        guard let names = context.list("security_group_names")?.compactMap(\.stringValue) else { return nil }
        var filters = [EC2Filter("group-name", names)]
        if let vpc { filters.append(EC2Filter("vpc-id", [vpc])) }
        let groups = try await AWSModuleError.wrapping("finding security groups \(names)") {
            try await aws.ec2.describeSecurityGroups(filters: filters)
        }
        return try names.map { name in
            guard let group = groups.first(where: { $0.groupName == name }) else { throw AWSModuleError("security group '\(name)' not found") }
            return group.groupID
        }
    }

    private func send(_ calls: [AWSQueryRequest], _ name: String, _ elb: AWSQueryClient) async throws {
        for call in calls {
            _ = try await AWSModuleError.wrapping("load balancer '\(name)': \(call.action)") {
                try await elb.send(call, idempotent: call.action != "CreateLoadBalancer")
            }
        }
    }

    private func waitCreated(_ name: String, _ elb: AWSQueryClient, timeout: Int) async throws {
        try await poll(timeout: timeout, what: "load balancer '\(name)' to exist") { try await ClassicLoadBalancer.load(name, elb) != nil }
    }

    private func waitGone(_ name: String, _ elb: AWSQueryClient, timeout: Int) async throws {
        try await poll(timeout: timeout, what: "load balancer '\(name)' to be deleted") { try await ClassicLoadBalancer.load(name, elb) == nil }
    }

    private func poll(timeout: Int, what: String, _ done: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(Double(timeout))
        while !(try await done()) {
            guard Date() < deadline else { throw AWSModuleError("timed out after \(timeout) s waiting for \(what)") }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }
}
