import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `elb_register`: registers targets with a target group in one RegisterTargets call (also when
/// some are registered already), then watches all of them with one DescribeTargetHealth per poll
/// until each is healthy or has failed. Targets that fail (or are not healthy at the timeout) are
/// deregistered in one call when `deregister_unhealthy`. Fails when no target is healthy or fewer
/// than `min_healthy` (default: all) are.
public struct ELBRegisterModule: Module {
    public init() {}

    public let spec = TargetGroupReference.moduleSpec("elb_register", more: [
        ArgumentSpec("deregister_unhealthy", .bool, defaultValue: true),
        ArgumentSpec("min_healthy", .int),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await register(context) }
    }

    private func register(_ context: ModuleContext) async throws -> TaskResult {
        let targets = try TargetGroupReference.targets(context)
        let minHealthy = context.int("min_healthy") ?? targets.count
        if minHealthy < 0 { throw AWSModuleError("min_healthy must be 0 or more, got \(minHealthy)") }
        if minHealthy > targets.count {
            // Fewer targets than needed (some hosts failed before): registering them cannot help.
            throw AWSModuleError("min_healthy \(minHealthy) cannot be reached with \(targets.count) target\(targets.count == 1 ? "" : "s"); nothing was registered",
                                 ["healthy": [], "unhealthy": .list(targets.map { .string($0.id) }), "states": .emptyDict,
                                  "deregistered": []])
        }
        if targets.isEmpty {
            if minHealthy == 0 { return .ok(changed: false, ["healthy": [], "unhealthy": [], "states": .emptyDict, "msg": "no targets to register"]) }
            throw AWSModuleError("no targets to register (targets is empty); set min_healthy: 0 to allow that")
        }
        let session = try await context.awsSession()
        let group = try await TargetGroupReference.resolve(context, session)
        let elb = session.elbv2
        func describe() async throws -> TargetHealthView {
            TargetHealthView(targets: targets, answer: try await elb.describeTargetHealth(targetGroupARN: group.arn, targets: targets))
        }

        let before = try await AWSModuleError.wrapping("reading target health in \(group.name)") { try await describe() }
        let missing = targets.filter { !before.isRegistered($0) }
        var base: OrderedDictionary<String, Value> = ["target_group_arn": .string(group.arn)]
        base["registered"] = .list(missing.map { .string(before.name($0)) })
        if context.checkMode {
            base["healthy"] = .list(targets.filter(before.isHealthy).map { .string(before.name($0)) })
            base["states"] = before.states
            base["msg"] = .string(missing.isEmpty ? "all \(targets.count) targets are registered in \(group.name)"
                : "would register \(missing.count) of \(targets.count) targets in \(group.name)")
            return .ok(changed: !missing.isEmpty, base)
        }
        if !missing.isEmpty {
            context.progress("registering \(targets.count) targets in \(group.name)")
            try await AWSModuleError.wrapping("registering targets in \(group.name)") {
                try await elb.registerTargets(targetGroupARN: group.arn, targets: targets)
            }
        }

        let wait = context.bool("wait", default: true)
        var loop = PollLoop(timeout: wait ? (context.double("wait_timeout") ?? 300) : 0)
        var view = before
        var failures: [ELBv2Target: ELBv2TargetHealth] = [:]
        // Nothing registered now: the answer read before still holds for the first look.
        var pollNow = !missing.isEmpty
        while true {
            if pollNow, let seen = try await AWSModuleError.wrapping("waiting for targets in \(group.name)", {
                try await loop.poll(describe)
            }) { view = seen }
            pollNow = true
            // A target that failed once stays failed (the contract: it is deregistered), even if a
            // later answer differs; its failing answer is what the result shows.
            for target in targets where failures[target] == nil && view.hasFailed(target) {
                failures[target] = view.health[target]
            }
            view.replace(failures)
            let settled = targets.allSatisfy { view.isHealthy($0) || view.hasFailed($0) }
            if !wait || settled || loop.timedOut { break }
            context.progress("\(group.name): \(view.summary) \(loop.progressSuffix)")
            try await loop.pause()
        }

        let healthy = targets.filter(view.isHealthy)
        let notHealthy = targets.filter { !view.isHealthy($0) }
        var deregistered: [ELBv2Target] = []
        if wait && context.bool("deregister_unhealthy", default: true) {
            deregistered = notHealthy.filter(view.isRegistered)
            if !deregistered.isEmpty {
                context.progress("deregistering \(deregistered.count) unhealthy targets from \(group.name)")
                try await AWSModuleError.wrapping("deregistering unhealthy targets from \(group.name)") {
                    try await elb.deregisterTargets(targetGroupARN: group.arn, targets: deregistered)
                }
            }
        }
        base["healthy"] = .list(healthy.map { .string(view.name($0)) })
        base["unhealthy"] = .list((wait ? notHealthy : targets.filter(view.hasFailed)).map { .string(view.name($0)) })
        base["states"] = view.states
        base["deregistered"] = .list(deregistered.map { .string(view.name($0)) })
        base["elapsed"] = .int(Int(loop.elapsed))
        let changed = !missing.isEmpty || !deregistered.isEmpty
        guard wait else {
            base["msg"] = .string("registered \(missing.count) of \(targets.count) targets in \(group.name) (not waiting): \(view.summary)")
            return .ok(changed: changed, base)
        }
        if healthy.isEmpty || healthy.count < minHealthy {
            let why = healthy.isEmpty ? "no target became healthy" : "only \(healthy.count) of \(targets.count) targets became healthy (min_healthy \(minHealthy))"
            var message = "\(why) in \(group.name) after \(Int(loop.elapsed))s: not healthy: "
                + notHealthy.map(view.explain).joined(separator: ", ")
            if !deregistered.isEmpty { message += "; deregistered \(deregistered.map(view.name).joined(separator: ", "))" }
            base["changed"] = .bool(changed)
            return .failed(message, base)
        }
        var message = "\(healthy.count) of \(targets.count) targets healthy in \(group.name)"
        if !notHealthy.isEmpty {
            message += "; not healthy: " + notHealthy.map(view.explain).joined(separator: ", ")
            if !deregistered.isEmpty { message += " (deregistered)" }
        }
        base["msg"] = .string(message)
        return .ok(changed: changed, base)
    }
}
