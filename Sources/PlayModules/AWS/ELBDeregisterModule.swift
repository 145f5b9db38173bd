import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `elb_deregister`: deregisters the targets that are registered, in one DeregisterTargets call
/// (targets not registered are fine and change nothing), then waits until every target is drained:
/// not listed or `unused`, polling all of them with one DescribeTargetHealth per poll.
public struct ELBDeregisterModule: Module {
    public init() {}

    public let spec = TargetGroupReference.moduleSpec("elb_deregister", more: [])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await deregister(context) }
    }

    private func deregister(_ context: ModuleContext) async throws -> TaskResult {
        let targets = try TargetGroupReference.targets(context)
        if targets.isEmpty {
            return .ok(changed: false, ["deregistered": [], "states": .emptyDict, "msg": "no targets to deregister"])
        }
        let session = try await context.awsSession()
        let group = try await TargetGroupReference.resolve(context, session)
        let elb = session.elbv2
        func describe() async throws -> TargetHealthView {
            TargetHealthView(targets: targets, answer: try await elb.describeTargetHealth(targetGroupARN: group.arn, targets: targets))
        }

        let before = try await AWSModuleError.wrapping("reading target health in \(group.name)") { try await describe() }
        let registered = targets.filter(before.isRegistered)
        var base: OrderedDictionary<String, Value> = ["target_group_arn": .string(group.arn)]
        base["deregistered"] = .list(registered.map { .string(before.name($0)) })
        base["not_registered"] = .list(targets.filter { before.isGone($0) }.map { .string(before.name($0)) })
        if context.checkMode {
            base["states"] = before.states
            base["msg"] = .string(registered.isEmpty ? "no target is registered in \(group.name)"
                : "would deregister \(registered.count) of \(targets.count) targets from \(group.name)")
            return .ok(changed: !registered.isEmpty, base)
        }
        if !registered.isEmpty {
            context.progress("deregistering \(registered.count) targets from \(group.name)")
            try await AWSModuleError.wrapping("deregistering targets from \(group.name)") {
                try await elb.deregisterTargets(targetGroupARN: group.arn, targets: registered)
            }
        }

        var view = before
        var loop = PollLoop(timeout: context.double("wait_timeout") ?? 300)
        if context.bool("wait", default: true) {
            // Nothing deregistered now: the answer read before still holds for the first look.
            var pollNow = !registered.isEmpty
            while true {
                if pollNow, let seen = try await AWSModuleError.wrapping("waiting for targets to drain from \(group.name)", {
                    try await loop.poll(describe)
                }) { view = seen }
                pollNow = true
                let remaining = targets.filter { !view.isGone($0) }
                if remaining.isEmpty { break }
                if loop.timedOut {
                    base["states"] = view.states
                    base["changed"] = .bool(!registered.isEmpty)
                    base["elapsed"] = .int(Int(loop.elapsed))
                    return .failed("\(remaining.count) targets still registered in \(group.name) after \(Int(loop.elapsed))s: "
                        + remaining.map(view.explain).joined(separator: ", "), base)
                }
                context.progress("\(group.name): waiting for \(remaining.count) of \(targets.count) targets to drain: \(view.summary) \(loop.progressSuffix)")
                try await loop.pause()
            }
        }
        base["states"] = view.states
        base["elapsed"] = .int(Int(loop.elapsed))
        base["msg"] = .string(registered.isEmpty ? "no target was registered in \(group.name)"
            : "deregistered \(registered.count) of \(targets.count) targets from \(group.name)")
        return .ok(changed: !registered.isEmpty, base)
    }
}
