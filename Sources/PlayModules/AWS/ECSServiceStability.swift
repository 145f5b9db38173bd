import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// `ecs_service`'s `wait` with `state: present` (play's extension; the collection waits only for
/// deletions): stable as `aws ecs wait services-stable` defines it (one deployment, running =
/// desired, the rollout COMPLETED where ECS reports one) and, for a service with load balancers,
/// every target group showing the service's running tasks healthy: each task's IP healthy when
/// the tasks have IPs (awsvpc, Fargate), otherwise at least as many healthy targets as tasks
/// wanted. A FAILED rollout (the deployment circuit breaker's verdict) fails at once.
struct ECSServiceStability {
    let ecs: ECSClient
    let elbv2: ELBv2Client
    let cluster: String
    let name: String

    /// Polls until stable; returns the service as last described. A timeout fails with what it saw.
    func wait(timeout: Double, context: ModuleContext, changed: Bool) async throws -> Value {
        var loop = PollLoop(timeout: timeout)
        var last: Value = .null
        var summary = "not described yet"
        while true {
            if let described = try await loop.poll({ try await ECSServiceModule.describeRaw(ecs, cluster: cluster, name: name) }) {
                guard let service = described, service["status"]?.stringValue != "INACTIVE" else {
                    throw AWSModuleError("service '\(name)' disappeared from cluster '\(cluster)' while waiting")
                }
                last = service
                let view = ECSService(json: service)
                if let failed = view.deployments.first(where: { $0.status == "PRIMARY" && $0.rolloutState == "FAILED" }) {
                    let reason = service["deployments"]?.listValue?.first { $0["id"]?.stringValue == failed.id }?["rolloutStateReason"]?.stringValue
                    throw AWSModuleError("service '\(name)': the deployment of \(ECSResultShape.shortName(failed.taskDefinition)) failed"
                        + (reason.map { ": \($0)" } ?? ""), ["service": ECSResultShape.service(service), "changed": .bool(changed)])
                }
                summary = ECSServiceStability.summary(view)
                if view.isStable {
                    guard let unhealthy = try await loop.poll({ try await unhealthyTargets(service, view) }) else { continue }
                    if unhealthy.isEmpty { return service }
                    summary += "; target group: " + unhealthy.joined(separator: "; ")
                }
            }
            if loop.timedOut {
                throw AWSModuleError("service '\(name)' not stable after \(Int(loop.elapsed))s: \(summary). "
                    + "Check the service's events and stopped tasks",
                    ["service": last.isNull ? .null : ECSResultShape.service(last), "changed": .bool(changed)])
            }
            context.progress("\(name): \(summary) \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    /// What keeps the target groups from being healthy, one entry per group; empty when all are.
    private func unhealthyTargets(_ service: Value, _ view: ECSService) async throws -> [String] {
        let groups = (service["loadBalancers"]?.listValue ?? []).compactMap { $0["targetGroupArn"]?.stringValue }
        guard !groups.isEmpty, view.desiredCount > 0 else { return [] }
        let tasks = try await taskAddresses()
        var problems: [String] = []
        for group in Set(groups).sorted() {
            let health = try await elbv2.describeTargetHealth(targetGroupARN: group)
            let healthy = Set(health.filter(\.isHealthy).map(\.target.id))
            let label = group.split(separator: "/").dropLast().last.map(String.init) ?? group
            if let running = tasks {
                let waiting = running.filter { !healthy.contains($0) }
                if running.count < view.desiredCount {
                    problems.append("\(label): \(running.count) of \(view.desiredCount) tasks running")
                } else if !waiting.isEmpty {
                    problems.append("\(label): \(waiting.count) of \(running.count) tasks not healthy yet")
                }
            } else if healthy.count < view.desiredCount {
                problems.append("\(label): \(healthy.count) of \(view.desiredCount) targets healthy")
            }
        }
        return problems
    }

    /// The private IPs of the service's RUNNING tasks when its tasks have IPs (awsvpc/Fargate
    /// ENIs); nil when it has none with an IP (bridge or host networking: targets are instances).
    private func taskAddresses() async throws -> [String]? {
        let arns = try await ecs.listTasks(cluster: cluster, serviceName: name, desiredStatus: "RUNNING")
        guard !arns.isEmpty else { return nil }
        let tasks = try await ecs.describeTasks(cluster: cluster, tasks: arns).tasks
        func address(_ task: Value) -> String? {
            let details = (task["attachments"]?.listValue ?? []).flatMap { $0["details"]?.listValue ?? [] }
            return details.first { $0["name"]?.stringValue == "privateIPv4Address" }?["value"]?.stringValue
        }
        guard tasks.contains(where: { address($0) != nil }) else { return nil }
        return tasks.filter { $0["lastStatus"]?.stringValue == "RUNNING" }.compactMap(address)
    }

    /// "2 of 3 running, 2 deployments (in_progress)" for progress lines and failures.
    static func summary(_ service: ECSService) -> String {
        "\(service.runningCount) of \(service.desiredCount) running, \(service.deployments.count) deployment\(service.deployments.count == 1 ? "" : "s")"
            + (service.deployments.first?.rolloutState.map { " (\($0.lowercased()))" } ?? "")
    }
}
