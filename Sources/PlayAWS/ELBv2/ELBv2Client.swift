/// Elastic Load Balancing v2 (Query API 2015-12-01). Register/deregister take every target in one
/// call, and one DescribeTargetHealth answers for all targets a wait loop watches.
public struct ELBv2Client: Sendable {
    public let session: AWSSession
    public let region: String
    static let version = "2015-12-01"

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    func parameters(_ action: String) -> QueryParameters { QueryParameters(action: action, version: Self.version) }

    func call(_ parameters: QueryParameters, context: [String: String] = [:], continuation: Bool = false) async throws -> XMLTree {
        // Every ELBv2 call we make sets state or reads it: repeating one is harmless.
        try await session.query(.elbv2, region: region, parameters, idempotent: true, context: context,
                                continuation: continuation)
    }

    /// Follows `NextMarker` across pages.
    func paginate<T>(_ first: QueryParameters, items: (XMLTree) -> [T]) async throws -> [T] {
        var all: [T] = []
        var marker: String?
        var markers = PaginationTokens(service: "ELBv2", operation: first.action, region: region)
        repeat {
            var page = first
            page.set("Marker", marker)
            let result = try await call(page, continuation: marker != nil)
            all += items(result)
            marker = try markers.follow(result.nonEmpty("NextMarker"))
        } while marker != nil
        return all
    }

    // MARK: load balancers, target groups, listeners

    public func describeLoadBalancers(arns: [String] = [], names: [String] = [], pageSize: Int? = nil) async throws -> [ELBv2LoadBalancer] {
        var p = parameters("DescribeLoadBalancers")
        p.members("LoadBalancerArns", arns)
        p.members("Names", names)
        p.set("PageSize", pageSize)
        return try await paginate(p) { $0.list("LoadBalancers", item: "member").map(ELBv2LoadBalancer.init(xml:)) }
    }

    public func describeTargetGroups(arns: [String] = [], names: [String] = [],
                                     loadBalancerARN: String? = nil) async throws -> [ELBv2TargetGroup] {
        var p = parameters("DescribeTargetGroups")
        p.members("TargetGroupArns", arns)
        p.members("Names", names)
        p.set("LoadBalancerArn", loadBalancerARN)
        return try await paginate(p) { $0.list("TargetGroups", item: "member").map(ELBv2TargetGroup.init(xml:)) }
    }

    public func describeListeners(loadBalancerARN: String? = nil, listenerARNs: [String] = []) async throws -> [ELBv2Listener] {
        var p = parameters("DescribeListeners")
        p.set("LoadBalancerArn", loadBalancerARN)
        p.members("ListenerArns", listenerARNs)
        return try await paginate(p) { $0.list("Listeners", item: "member").map(ELBv2Listener.init(xml:)) }
    }

    /// Replaces the listener's default actions (the blue/green swap); returns the listener as changed.
    @discardableResult
    public func modifyListener(listenerARN: String, defaultActions: [ELBv2Action]) async throws -> ELBv2Listener {
        var p = parameters("ModifyListener")
        p.set("ListenerArn", listenerARN)
        for (i, action) in defaultActions.enumerated() { action.encode(into: &p, prefix: "DefaultActions.member.\(i + 1)") }
        let result = try await call(p)
        guard let listener = result.list("Listeners", item: "member").first else {
            throw missing("Listeners", "ModifyListener")
        }
        return ELBv2Listener(xml: listener)
    }

    // MARK: targets

    /// Registers all `targets` in one call.
    public func registerTargets(targetGroupARN: String, targets: [ELBv2Target]) async throws {
        guard !targets.isEmpty else { return }
        _ = try await call(targetParameters("RegisterTargets", targetGroupARN, targets))
    }

    /// Deregisters all `targets` in one call.
    public func deregisterTargets(targetGroupARN: String, targets: [ELBv2Target]) async throws {
        guard !targets.isEmpty else { return }
        _ = try await call(targetParameters("DeregisterTargets", targetGroupARN, targets))
    }

    /// Health of `targets` (every registered target when empty) in one call: a wait loop's poll.
    public func describeTargetHealth(targetGroupARN: String, targets: [ELBv2Target] = []) async throws -> [ELBv2TargetHealth] {
        let result = try await call(targetParameters("DescribeTargetHealth", targetGroupARN, targets))
        return result.list("TargetHealthDescriptions", item: "member").map(ELBv2TargetHealth.init(xml:))
    }

    private func targetParameters(_ action: String, _ arn: String, _ targets: [ELBv2Target]) -> QueryParameters {
        var p = parameters(action)
        p.set("TargetGroupArn", arn)
        for (i, target) in targets.enumerated() {
            p.set("Targets.member.\(i + 1).Id", target.id)
            p.set("Targets.member.\(i + 1).Port", target.port)
            p.set("Targets.member.\(i + 1).AvailabilityZone", target.availabilityZone)
        }
        return p
    }

    // MARK: tags

    public func addTags(resourceARNs: [String], tags: [String: String]) async throws {
        guard !resourceARNs.isEmpty, !tags.isEmpty else { return }
        var p = parameters("AddTags")
        p.members("ResourceArns", resourceARNs)
        for (i, tag) in tags.sorted(by: { $0.key < $1.key }).enumerated() {
            p.set("Tags.member.\(i + 1).Key", tag.key)
            p.set("Tags.member.\(i + 1).Value", tag.value)
        }
        _ = try await call(p)
    }

    public func removeTags(resourceARNs: [String], keys: [String]) async throws {
        guard !resourceARNs.isEmpty, !keys.isEmpty else { return }
        var p = parameters("RemoveTags")
        p.members("ResourceArns", resourceARNs)
        p.members("TagKeys", keys)
        _ = try await call(p)
    }

    /// Tags per resource ARN; asks in batches of 20 ARNs, AWS's limit.
    public func describeTags(resourceARNs: [String]) async throws -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        var start = 0
        while start < resourceARNs.count {
            let batch = Array(resourceARNs[start..<min(start + 20, resourceARNs.count)])
            var p = parameters("DescribeTags")
            p.members("ResourceArns", batch)
            let result = try await call(p, continuation: start > 0)
            start += 20
            for member in result.list("TagDescriptions", item: "member") {
                guard let arn = member.nonEmpty("ResourceArn") else { continue }
                out[arn] = member.tags("Tags", item: "member")
            }
        }
        return out
    }

    // MARK: creating and deleting (sandbox and environment playbooks)

    public func createTargetGroup(_ request: ELBv2CreateTargetGroupRequest) async throws -> ELBv2TargetGroup {
        var p = parameters("CreateTargetGroup")
        p.set("Name", request.name)
        p.set("Protocol", request.protocol)
        p.set("Port", request.port)
        p.set("VpcId", request.vpcID)
        p.set("TargetType", request.targetType)
        p.set("HealthCheckPath", request.healthCheckPath)
        p.set("HealthCheckPort", request.healthCheckPort)
        p.set("HealthCheckIntervalSeconds", request.healthCheckIntervalSeconds)
        p.set("HealthyThresholdCount", request.healthyThresholdCount)
        p.set("UnhealthyThresholdCount", request.unhealthyThresholdCount)
        encodeTags(request.tags, into: &p)
        let result = try await call(p)
        guard let group = result.list("TargetGroups", item: "member").first else { throw missing("TargetGroups", "CreateTargetGroup") }
        return ELBv2TargetGroup(xml: group)
    }

    public func createLoadBalancer(name: String, subnetIDs: [String], securityGroupIDs: [String] = [],
                                   scheme: String? = nil, type: String = "application",
                                   tags: [String: String] = [:]) async throws -> ELBv2LoadBalancer {
        var p = parameters("CreateLoadBalancer")
        p.set("Name", name)
        p.members("Subnets", subnetIDs)
        p.members("SecurityGroups", securityGroupIDs)
        p.set("Scheme", scheme)
        p.set("Type", type)
        encodeTags(tags, into: &p)
        let result = try await call(p)
        guard let lb = result.list("LoadBalancers", item: "member").first else { throw missing("LoadBalancers", "CreateLoadBalancer") }
        return ELBv2LoadBalancer(xml: lb)
    }

    public func createListener(loadBalancerARN: String, protocol listenerProtocol: String = "HTTP", port: Int,
                               defaultActions: [ELBv2Action]) async throws -> ELBv2Listener {
        var p = parameters("CreateListener")
        p.set("LoadBalancerArn", loadBalancerARN)
        p.set("Protocol", listenerProtocol)
        p.set("Port", port)
        for (i, action) in defaultActions.enumerated() { action.encode(into: &p, prefix: "DefaultActions.member.\(i + 1)") }
        let result = try await call(p)
        guard let listener = result.list("Listeners", item: "member").first else { throw missing("Listeners", "CreateListener") }
        return ELBv2Listener(xml: listener)
    }

    /// Sets target group attributes, e.g. `deregistration_delay.timeout_seconds`.
    public func modifyTargetGroupAttributes(targetGroupARN: String, attributes: [String: String]) async throws {
        var p = parameters("ModifyTargetGroupAttributes")
        p.set("TargetGroupArn", targetGroupARN)
        for (i, attribute) in attributes.sorted(by: { $0.key < $1.key }).enumerated() {
            p.set("Attributes.member.\(i + 1).Key", attribute.key)
            p.set("Attributes.member.\(i + 1).Value", attribute.value)
        }
        _ = try await call(p)
    }

    public func deleteListener(_ listenerARN: String) async throws {
        var p = parameters("DeleteListener")
        p.set("ListenerArn", listenerARN)
        _ = try await call(p)
    }

    public func deleteTargetGroup(_ targetGroupARN: String) async throws {
        var p = parameters("DeleteTargetGroup")
        p.set("TargetGroupArn", targetGroupARN)
        _ = try await call(p)
    }

    public func deleteLoadBalancer(_ loadBalancerARN: String) async throws {
        var p = parameters("DeleteLoadBalancer")
        p.set("LoadBalancerArn", loadBalancerARN)
        _ = try await call(p)
    }

    private func encodeTags(_ tags: [String: String], into p: inout QueryParameters) {
        for (i, tag) in tags.sorted(by: { $0.key < $1.key }).enumerated() {
            p.set("Tags.member.\(i + 1).Key", tag.key)
            p.set("Tags.member.\(i + 1).Value", tag.value)
        }
    }

    func missing(_ element: String, _ operation: String) -> AWSError {
        AWSError(kind: .decoding, service: "ELBv2", operation: operation, code: "InvalidResponse",
                 message: "the answer has no <\(element)>", region: region)
    }
}
