import Foundation
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The calls that bring a classic load balancer to what `elb_classic_lb` was given, in the
/// collection's order: placement, security groups, listeners and tags of an existing one (or
/// CreateLoadBalancer), then health check, attributes and instances. Nothing is sent here.
struct ClassicLBPlan {
    let context: ModuleContext
    let settings: ClassicLBSettings
    let elb: AWSQueryClient
    let securityGroups: [String]?

    private var name: String { settings.name }

    private func request(_ action: String) -> AWSQueryRequest {
        var request = elb.request(action)
        request.set("LoadBalancerName", name)
        return request
    }

    private func strings(_ key: String) -> [String]? { context.list(key)?.compactMap { $0.stringValue ?? $0.renderedString } }

    /// CreateLoadBalancer with listeners, zones or subnets, security groups, scheme and tags.
    func creation() throws -> [AWSQueryRequest] {
        let zones = strings("zones") ?? [], subnets = strings("subnets") ?? []
        guard !zones.isEmpty || !subnets.isEmpty else { throw AWSModuleError("One of subnets or zones must be provided when creating an ELB") }
        guard let listeners = settings.listeners, !listeners.isEmpty else { throw AWSModuleError("listeners must be provided when creating an ELB") }
        var create = request("CreateLoadBalancer")
        for (index, listener) in listeners.enumerated() { listener.add(to: &create, index: index + 1) }
        create.members("AvailabilityZones", zones)
        create.members("Subnets", subnets)
        create.members("SecurityGroups", securityGroups ?? [])
        create.set("Scheme", context.string("scheme"))
        create.pairs("Tags", ResourceTags.given(context))
        return [create]
    }

    /// Subnets, zones, security groups, listeners and tags of the existing `current`.
    func update(_ current: ClassicLoadBalancer) -> [AWSQueryRequest] {
        var calls: [AWSQueryRequest] = []
        calls += membership(current.subnets, strings("subnets"), purge: context.bool("purge_subnets"), list: "Subnets",
                            add: "AttachLoadBalancerToSubnets", remove: "DetachLoadBalancerFromSubnets")
        calls += membership(current.zones, strings("zones"), purge: context.bool("purge_zones"), list: "AvailabilityZones",
                            add: "EnableAvailabilityZonesForLoadBalancer", remove: "DisableAvailabilityZonesForLoadBalancer")
        if let wanted = securityGroups, Set(wanted) != Set(current.securityGroups) {
            var apply = request("ApplySecurityGroupsToLoadBalancer")
            apply.members("SecurityGroups", wanted)
            calls.append(apply)
        }
        calls += listenerCalls(current.listeners)
        calls += tagCalls(current.tags)
        return calls
    }

    /// Health check, attributes and instances (after creating too; `current` nil then).
    func settle(_ current: ClassicLoadBalancer?) -> [AWSQueryRequest] {
        var calls: [AWSQueryRequest] = []
        if let wanted = settings.healthCheck, wanted != current.flatMap(Self.healthCheck) {
            var configure = request("ConfigureHealthCheck")
            configure.set("HealthCheck.Target", wanted.target)
            configure.set("HealthCheck.Interval", wanted.interval)
            configure.set("HealthCheck.Timeout", wanted.timeout)
            configure.set("HealthCheck.UnhealthyThreshold", wanted.unhealthyThreshold)
            configure.set("HealthCheck.HealthyThreshold", wanted.healthyThreshold)
            calls.append(configure)
        }
        if let attributes = attributeCall(current?.attributes) { calls.append(attributes) }
        if let wanted = strings("instance_ids") {
            let have = current?.instanceIDs ?? []
            let add = wanted.filter { !have.contains($0) }
            let remove = context.bool("purge_instance_ids") ? have.filter { !wanted.contains($0) } : []
            for (action, ids) in [("RegisterInstancesWithLoadBalancer", add), ("DeregisterInstancesFromLoadBalancer", remove)] where !ids.isEmpty {
                var call = request(action)
                for (index, id) in ids.enumerated() { call.set("Instances.member.\(index + 1).InstanceId", id) }
                calls.append(call)
            }
        }
        return calls
    }

    private static func healthCheck(_ current: ClassicLoadBalancer) -> ClassicLBSettings.HealthCheck? {
        guard let check = current.healthCheck, let target = check.string("Target") else { return nil }
        return .init(target: target, interval: check.int("Interval") ?? 0, timeout: check.int("Timeout") ?? 0,
                     unhealthyThreshold: check.int("UnhealthyThreshold") ?? 0, healthyThreshold: check.int("HealthyThreshold") ?? 0)
    }

    /// Adds what `wanted` lacks; removes the extras when `purge`.
    private func membership(_ have: [String], _ wanted: [String]?, purge: Bool, list: String, add: String, remove: String) -> [AWSQueryRequest] {
        guard let wanted else { return [] }
        var calls: [AWSQueryRequest] = []
        let adding = wanted.filter { !have.contains($0) }
        let removing = purge ? have.filter { !wanted.contains($0) } : []
        for (action, items) in [(add, adding), (remove, removing)] where !items.isEmpty {
            var call = request(action)
            call.members(list, items)
            calls.append(call)
        }
        return calls
    }

    /// Listeners on a port whose settings differ are deleted and made again.
    private func listenerCalls(_ have: [ClassicListener]) -> [AWSQueryRequest] {
        guard let wanted = settings.listeners else { return [] }
        let missing = wanted.filter { !have.contains($0) }
        let missingPorts = Set(missing.map(\.loadBalancerPort))
        let stale = have.filter { !wanted.contains($0) && (context.bool("purge_listeners", default: true) || missingPorts.contains($0.loadBalancerPort)) }
        var calls: [AWSQueryRequest] = []
        if !stale.isEmpty {
            var delete = request("DeleteLoadBalancerListeners")
            delete.members("LoadBalancerPorts", stale.map { String($0.loadBalancerPort) })
            calls.append(delete)
        }
        if !missing.isEmpty {
            var create = request("CreateLoadBalancerListeners")
            for (index, listener) in missing.enumerated() { listener.add(to: &create, index: index + 1) }
            calls.append(create)
        }
        return calls
    }

    private func tagCalls(_ have: [String: String]) -> [AWSQueryRequest] {
        guard let given = context.args["tags"], !given.isNull else { return [] }
        let (add, remove) = ResourceTags.changes(have, ResourceTags.given(context), purge: context.bool("purge_tags", default: true))
        var calls: [AWSQueryRequest] = []
        if !add.isEmpty {
            var call = elb.request("AddTags")
            call.members("LoadBalancerNames", [name])
            call.pairs("Tags", add)
            calls.append(call)
        }
        if !remove.isEmpty {
            var call = elb.request("RemoveTags")
            call.members("LoadBalancerNames", [name])
            for (index, key) in remove.sorted().enumerated() { call.set("Tags.member.\(index + 1).Key", key) }
            calls.append(call)
        }
        return calls
    }

    /// ModifyLoadBalancerAttributes for the attributes given that differ from `current`'s.
    private func attributeCall(_ current: XMLTree?) -> AWSQueryRequest? {
        var call = request("ModifyLoadBalancerAttributes")
        let prefix = "LoadBalancerAttributes."
        var differs = false
        if let cross = context.args["cross_az_load_balancing"].flatMap(ValueCoercion.bool),
           current?.child("CrossZoneLoadBalancing")?.bool("Enabled") != cross {
            call.set(prefix + "CrossZoneLoadBalancing.Enabled", cross)
            differs = true
        }
        if let draining = context.int("connection_draining_timeout") {
            let drainingNow = current?.child("ConnectionDraining")
            if drainingNow?.bool("Enabled") != (draining > 0) || (draining > 0 && drainingNow?.int("Timeout") != draining) {
                call.set(prefix + "ConnectionDraining.Enabled", draining > 0)
                if draining > 0 { call.set(prefix + "ConnectionDraining.Timeout", draining) }
                differs = true
            }
        }
        if let idle = context.int("idle_timeout"), current?.child("ConnectionSettings")?.int("IdleTimeout") != idle {
            call.set(prefix + "ConnectionSettings.IdleTimeout", idle)
            differs = true
        }
        if let logs = settings.accessLogs {
            let have = current?.child("AccessLog")
            let same = have?.bool("Enabled") == logs.enabled
                && (!logs.enabled || (have?.string("S3BucketName") == logs.bucket && (have?.string("S3BucketPrefix") ?? "") == logs.prefix
                                      && have?.int("EmitInterval") == logs.interval))
            if !same {
                call.set(prefix + "AccessLog.Enabled", logs.enabled)
                if logs.enabled {
                    call.set(prefix + "AccessLog.S3BucketName", logs.bucket)
                    call.set(prefix + "AccessLog.S3BucketPrefix", logs.prefix)
                    call.set(prefix + "AccessLog.EmitInterval", logs.interval)
                }
                differs = true
            }
        }
        return differs ? call : nil
    }
}
