import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// What community.aws `elb_target_group` changes on a group that exists: health check, attributes,
/// targets, tags, and the wait for healthy targets. Each step returns whether it changed something
/// (in check mode: would have).
struct ELBTargetGroupSettings {
    let context: ModuleContext
    let elb: ELBv2Client
    let arn: String

    /// Health-check arguments as CreateTargetGroup/ModifyTargetGroup parameters.
    static func healthCheckParameters(_ context: ModuleContext) -> OrderedDictionary<String, String> {
        var out = OrderedDictionary<String, String>()
        out["HealthCheckProtocol"] = context.string("health_check_protocol")?.uppercased()
        out["HealthCheckPort"] = context.string("health_check_port")
        out["HealthCheckPath"] = context.string("health_check_path")
        out["HealthCheckIntervalSeconds"] = context.int("health_check_interval").map(String.init)
        out["HealthCheckTimeoutSeconds"] = context.int("health_check_timeout").map(String.init)
        out["HealthyThresholdCount"] = context.int("healthy_threshold_count").map(String.init)
        out["UnhealthyThresholdCount"] = context.int("unhealthy_threshold_count").map(String.init)
        out["Matcher.HttpCode"] = context.string("successful_response_codes")
        return out
    }

    func healthCheck(_ group: XMLTree) async throws -> Bool {
        let wanted = Self.healthCheckParameters(context)
        let differing = wanted.filter { key, value in
            let have = key == "Matcher.HttpCode" ? group.string("Matcher", "HttpCode") : group.string(key)
            return have != value
        }
        guard !differing.isEmpty else { return false }
        if context.checkMode { return true }
        var request = ELBv2Request("ModifyTargetGroup")
        request.set("TargetGroupArn", arn)
        differing.forEach { request.set($0.key, $0.value) }
        _ = try await AWSModuleError.wrapping("changing the health check of \(arn)") { try await elb.send(request) }
        return true
    }

    /// The attributes the task sets, as AWS names and values them.
    private var wantedAttributes: OrderedDictionary<String, String> {
        var out = OrderedDictionary<String, String>()
        out["deregistration_delay.timeout_seconds"] = context.int("deregistration_delay_timeout").map(String.init)
        if context.bool("deregistration_connection_termination", default: false) {
            out["deregistration_delay.connection_termination.enabled"] = "true"
        }
        out["stickiness.enabled"] = context.args["stickiness_enabled"]?.isNull == false
            ? String(context.bool("stickiness_enabled", default: false)) : nil
        out["stickiness.lb_cookie.duration_seconds"] = context.int("stickiness_lb_cookie_duration").map(String.init)
        out["stickiness.type"] = context.string("stickiness_type")
        out["stickiness.app_cookie.cookie_name"] = context.string("stickiness_app_cookie_name")
        out["stickiness.app_cookie.duration_seconds"] = context.int("stickiness_app_cookie_duration").map(String.init)
        for (argument, key) in [("preserve_client_ip_enabled", "preserve_client_ip.enabled"), ("proxy_protocol_v2_enabled", "proxy_protocol_v2.enabled")]
        where context.args[argument]?.isNull == false {
            out[key] = String(context.bool(argument, default: false))
        }
        out["load_balancing.algorithm.type"] = context.string("load_balancing_algorithm_type")
        return out
    }

    func attributes() async throws -> Bool {
        let wanted = wantedAttributes
        guard !wanted.isEmpty else { return false }
        var read = ELBv2Request("DescribeTargetGroupAttributes")
        read.set("TargetGroupArn", arn)
        let answer = try await AWSModuleError.wrapping("reading the attributes of \(arn)") { try await elb.send(read) }
        var have: [String: String] = [:]
        for attribute in answer.list("Attributes", item: "member") {
            if let key = attribute.nonEmpty("Key") { have[key] = attribute.string("Value") ?? "" }
        }
        let differing = wanted.filter { have[$0.key] != $0.value }
        guard !differing.isEmpty else { return false }
        if context.checkMode { return true }
        try await AWSModuleError.wrapping("setting the attributes of \(arn)") {
            try await elb.modifyTargetGroupAttributes(targetGroupARN: arn, attributes: Dictionary(uniqueKeysWithValues: differing.map { ($0.key, $0.value) }))
        }
        return true
    }

    /// `targets` (`{Id, Port}`) registered; with `modify_targets`, the others deregistered.
    func targets() async throws -> Bool {
        guard let given = context.list("targets") else { return false }
        let wanted = given.compactMap { entry -> ELBv2Target? in
            guard let id = entry["Id"]?.renderedString else { return nil }
            return ELBv2Target(id: id, port: entry["Port"].flatMap(ValueCoercion.int))
        }
        let have = try await AWSModuleError.wrapping("reading the targets of \(arn)") {
            try await elb.describeTargetHealth(targetGroupARN: arn).filter { $0.state != "draining" }.map(\.target)
        }
        let add = wanted.filter { target in !have.contains { $0.id == target.id && (target.port == nil || $0.port == target.port) } }
        let remove = context.bool("modify_targets", default: true)
            ? have.filter { target in !wanted.contains { $0.id == target.id && ($0.port == nil || $0.port == target.port) } } : []
        guard !add.isEmpty || !remove.isEmpty else { return false }
        if context.checkMode { return true }
        try await AWSModuleError.wrapping("changing the targets of \(arn)") {
            if !add.isEmpty { try await elb.registerTargets(targetGroupARN: arn, targets: add) }
            if !remove.isEmpty { try await elb.deregisterTargets(targetGroupARN: arn, targets: remove) }
        }
        return true
    }

    /// Polls target health until every target of the group is healthy, or `wait_timeout` passes.
    func waitUntilHealthy() async throws {
        var loop = PollLoop(timeout: Double(context.int("wait_timeout") ?? 200))
        while true {
            if let health = try await loop.poll({ try await elb.describeTargetHealth(targetGroupARN: arn) }) {
                let behind = health.filter { $0.state != "healthy" }
                if behind.isEmpty { return }
                if loop.timedOut {
                    throw AWSModuleError("timed out after \(Int(loop.elapsed))s waiting for the targets of \(arn) to be healthy: "
                        + behind.map { "\($0.target.id) is \($0.state)" }.joined(separator: ", "))
                }
            }
            try await loop.pause()
        }
    }
}
