import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// A classic load balancer as `elb_classic_lb` reads it: its description, attributes, policies,
/// instance health and tags, and the two results the collection returns from them: `elb` (the
/// module's own summary) and `load_balancer` (boto3's description, snake_cased).
struct ClassicLoadBalancer: Sendable {
    var description: XMLTree
    var attributes: XMLTree?
    var policies: [XMLTree]
    var health: [XMLTree]
    var tags: [String: String]

    /// The load balancer `name`, nil when there is none. DescribeLoadBalancerAttributes is asked
    /// only once DescribeLoadBalancers found it.
    static func load(_ name: String, _ elb: AWSQueryClient) async throws -> ClassicLoadBalancer? {
        var describe = elb.request("DescribeLoadBalancers")
        describe.members("LoadBalancerNames", [name])
        let found: XMLTree
        do {
            let result = try await elb.send(describe)
            guard let first = result.list("LoadBalancerDescriptions", item: "member").first else { return nil }
            found = first
        } catch let error as AWSError where error.code == "LoadBalancerNotFound" {
            return nil
        }
        var named = elb.request("DescribeLoadBalancerAttributes")
        named.set("LoadBalancerName", name)
        let attributes = try await elb.send(named).child("LoadBalancerAttributes")
        var policiesRequest = elb.request("DescribeLoadBalancerPolicies")
        policiesRequest.set("LoadBalancerName", name)
        let policies = try await elb.send(policiesRequest).list("PolicyDescriptions", item: "member")
        var healthRequest = elb.request("DescribeInstanceHealth")
        healthRequest.set("LoadBalancerName", name)
        let health = try await elb.send(healthRequest).list("InstanceStates", item: "member")
        var tagsRequest = elb.request("DescribeTags")
        tagsRequest.members("LoadBalancerNames", [name])
        let tagged = try await elb.send(tagsRequest).list("TagDescriptions", item: "member").first
        return ClassicLoadBalancer(description: found, attributes: attributes, policies: policies, health: health,
                                   tags: tagged?.tags("Tags", item: "member") ?? [:])
    }

    // MARK: What it holds

    var instanceIDs: [String] { description.list("Instances", item: "member").compactMap { $0.string("InstanceId") } }
    var zones: [String] { description.list("AvailabilityZones", item: "member").map(\.text) }
    var subnets: [String] { description.list("Subnets", item: "member").map(\.text) }
    var securityGroups: [String] { description.list("SecurityGroups", item: "member").map(\.text) }
    var scheme: String? { description.string("Scheme") }
    var listeners: [ClassicListener] {
        description.list("ListenerDescriptions", item: "member").compactMap { $0.child("Listener").map(ClassicListener.init(api:)) }
    }
    var healthCheck: XMLTree? { description.child("HealthCheck") }

    // MARK: Results

    static let shape = QueryResultShape(
        integers: ["Interval", "Timeout", "HealthyThreshold", "UnhealthyThreshold", "LoadBalancerPort", "InstancePort",
                   "IdleTimeout", "EmitInterval"],
        times: ["CreatedTime"],
        lists: ["SecurityGroups", "ListenerDescriptions", "PolicyNames", "Instances", "BackendServerDescriptions",
                "AvailabilityZones", "Subnets", "AppCookieStickinessPolicies", "LBCookieStickinessPolicies", "OtherPolicies",
                "AdditionalAttributes", "PolicyAttributeDescriptions"],
        structures: ["Policies", "SourceSecurityGroup", "HealthCheck"])

    /// boto3's description with its attributes, policies and tags (the collection's `load_balancer`).
    var loadBalancerValue: Value {
        var out = Self.shape.dict(description)
        out["load_balancer_attributes"] = attributes.map { .dict(Self.shape.dict($0)) } ?? .dict([:])
        out["load_balancer_policies"] = .list(Self.shape.members(policies))
        out["tags"] = ResourceTags.value(tags)
        return .dict(out)
    }

    /// The collection's `elb` summary; `status` is created/exists/deleted/gone.
    func summary(status: String, region: String) -> Value {
        let policies = description.child("Policies")
        let states = health.map { $0.string("State") ?? "" }
        var out: OrderedDictionary<String, Value> = [
            "name": Self.text(description.string("LoadBalancerName")), "dns_name": Self.text(description.string("DNSName")),
            "zones": .list(zones.map(Value.string)), "security_group_ids": .list(securityGroups.map(Value.string)),
            "status": .string(status), "subnets": .list(subnets.map(Value.string)), "scheme": Self.text(scheme),
            "hosted_zone_name": Self.text(description.string("CanonicalHostedZoneName")),
            "hosted_zone_id": Self.text(description.string("CanonicalHostedZoneNameID")),
            "lb_cookie_policy": Self.text(policies?.list("LBCookieStickinessPolicies", item: "member").first?.string("PolicyName")),
            "app_cookie_policy": Self.text(policies?.list("AppCookieStickinessPolicies", item: "member").first?.string("PolicyName")),
            "proxy_policy": proxyPolicy.map(Value.string) ?? .null,
            "backends": .list(backendPolicies.map(Value.string)),
            "instances": .list(instanceIDs.map(Value.string)),
            "out_of_service_count": .int(states.filter { $0 == "OutOfService" }.count),
            "in_service_count": .int(states.filter { $0 == "InService" }.count),
            "unknown_instance_state_count": .int(states.filter { $0 != "InService" && $0 != "OutOfService" }.count),
            "region": .string(region),
            "health_check": healthCheck.map { .dict(Self.shape.dict($0)) } ?? .dict([:]),
            "instance_health": .list(Self.shape.members(health)),
            "listeners": .list(listeners.map(\.tupleValue)),
        ]
        if let timeout = attributes?.child("ConnectionDraining")?.int("Timeout") { out["connection_draining_timeout"] = .int(timeout) }
        if let idle = attributes?.child("ConnectionSettings")?.int("IdleTimeout") { out["idle_timeout"] = .int(idle) }
        if let cross = attributes?.child("CrossZoneLoadBalancing")?.bool("Enabled") { out["cross_az_load_balancing"] = .string(cross ? "yes" : "no") }
        out["tags"] = ResourceTags.value(tags)
        return .dict(out)
    }

    /// What `elb` holds when there is no load balancer of that name.
    static func missingSummary(name: String, status: String, region: String) -> Value {
        .dict(["name": .string(name), "status": .string(status), "region": .string(region)])
    }

    /// `port:policy` for every policy on an instance port.
    private var backendPolicies: [String] {
        description.list("BackendServerDescriptions", item: "member").flatMap { backend in
            backend.list("PolicyNames", item: "member").map { "\(backend.string("InstancePort") ?? ""):\($0.text)" }
        }
    }

    /// The name of the load balancer's ProxyProtocolPolicyType policy, if it has one.
    private var proxyPolicy: String? {
        policies.first { $0.string("PolicyTypeName") == "ProxyProtocolPolicyType" }?.string("PolicyName")
    }

    private static func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
}
