import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `health_wait`: waits until every URL answered `consecutive` times in a row with an expected
/// status (and a body matching `body_regex`), and/or every target of a target group is healthy.
/// All URLs are probed in parallel each round, every `interval` seconds; the target group is read
/// with one DescribeTargetHealth per round. Fails at `timeout` with the last status or error of each
/// URL and the targets' states. Changes nothing; in check mode it looks once and does not wait.
public struct HealthWaitModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "health_wait", arguments: [
        ArgumentSpec("url", .string),
        ArgumentSpec("urls", .list, elements: .string),
        ArgumentSpec("status_code", .list, defaultValue: [200], elements: .int),
        ArgumentSpec("body_regex", .string),
        ArgumentSpec("consecutive", .int, defaultValue: 3),
        ArgumentSpec("interval", .float, defaultValue: 1),
        ArgumentSpec("timeout", .float, defaultValue: 60),
        ArgumentSpec("target_group_name", .string),
        ArgumentSpec("target_group_arn", .string),
        ArgumentSpec("targets", .list),
        ArgumentSpec("port", .int),
    ] + AWSArguments.specs, mutuallyExclusive: [["target_group_name", "target_group_arn"]],
    requiredOneOf: [["url", "urls", "target_group_name", "target_group_arn"]])

    /// What one URL has shown so far.
    struct Probe: Sendable {
        let url: String
        let scheme: String
        let host: String
        let port: Int?
        /// Path and query, percent-encoded as given.
        let path: String
        var successes = 0
        var attempts = 0
        var status: Int?
        var error: String?
        var done = false

        var resultValue: Value {
            .dict(["url": .string(url), "ok": .bool(done), "status": status.map(Value.int) ?? .null,
                   "successes": .int(successes), "attempts": .int(attempts), "error": error.map(Value.string) ?? .null])
        }

        var lastSeen: String {
            if let error { return "\(url): \(error)" }
            if let status { return "\(url): status \(status)" }
            return "\(url): not checked"
        }
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await watch(context) }
    }

    private func watch(_ context: ModuleContext) async throws -> TaskResult {
        var texts = (context.list("urls") ?? []).map(\.renderedString)
        if let url = context.string("url") { texts.insert(url, at: 0) }
        var probes: [Probe] = []
        for text in texts where !probes.contains(where: { $0.url == text }) {
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", components.host?.isEmpty == false else {
                throw AWSModuleError("'\(text)' is not an http:// or https:// URL")
            }
            var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            if let query = components.percentEncodedQuery { path += "?" + query }
            probes.append(Probe(url: text, scheme: scheme, host: components.host ?? "", port: components.port, path: path))
        }
        var statusCodes: [Int] = []
        for value in context.list("status_code") ?? [200] {
            guard let code = ValueCoercion.int(value) else { throw AWSModuleError("status_code must be integers, got \(value.renderedString)") }
            statusCodes.append(code)
        }
        let codes = statusCodes
        let pattern = context.string("body_regex")
        if let pattern, Self.regex(pattern) == nil {
            throw AWSModuleError("body_regex '\(pattern)' is not a valid regular expression")
        }
        let consecutive = max(1, context.int("consecutive") ?? 3)
        let interval = max(0.1, context.double("interval") ?? 1)
        let timeout = max(0, context.double("timeout") ?? 60)

        var group: TargetGroupReference?
        var targets: [ELBv2Target] = []
        var elb: ELBv2Client?
        if context.string("target_group_name") != nil || context.string("target_group_arn") != nil {
            let port = context.int("port")
            targets = try TargetArgument.parse(context.list("targets") ?? [], port: port)
            let session = try await context.awsSession()
            group = try await TargetGroupReference.resolve(context, session)
            elb = session.elbv2
        }

        let transport = context.run.resource("health_wait.transport") { CurlTransport(defaultTimeout: 5) }
        let start = ContinuousClock.now
        func elapsed() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        var view: TargetHealthView?
        while true {
            let roundStart = elapsed()
            let requestTimeout = max(1, min(5, timeout - roundStart))
            // Probe the URLs not yet done, all at once, while the target group is read.
            async let healthAnswer: TargetHealthView? = readTargets(elb, group, targets)
            probes = await withTaskGroup(of: (Int, Probe).self) { tasks in
                for (index, probe) in probes.enumerated() where !probe.done {
                    tasks.addTask {
                        (index, await Self.check(probe, transport: transport, codes: codes, pattern: pattern,
                                                 consecutive: consecutive, timeout: requestTimeout))
                    }
                }
                var updated = probes
                for await (index, probe) in tasks { updated[index] = probe }
                return updated
            }
            view = try await healthAnswer ?? view

            let urlsDone = probes.allSatisfy(\.done)
            let targetsDone = group == nil || (view.map { v in !v.targets.isEmpty && v.targets.allSatisfy(v.isHealthy) } ?? false)
            var result: OrderedDictionary<String, Value> = [
                "changed": false, "results": .list(probes.map(\.resultValue)),
                "elapsed": .double((elapsed() * 10).rounded() / 10),
            ]
            if let group {
                result["target_group_arn"] = .string(group.arn)
                result["targets"] = view?.states ?? .emptyDict
            }
            if urlsDone && targetsDone {
                result["msg"] = .string("healthy after \(Int(elapsed()))s")
                return TaskResult(result)
            }
            if context.checkMode {
                result["msg"] = .string("check mode: looked once without waiting")
                return TaskResult(result)
            }
            if elapsed() >= timeout {
                var lines = probes.filter { !$0.done }.map(\.lastSeen)
                if let group, !targetsDone {
                    if let view, !view.targets.isEmpty {
                        lines.append("\(group.name): " + view.targets.filter { !view.isHealthy($0) }.map(view.explain).joined(separator: ", "))
                    } else {
                        lines.append("\(group.name): no registered targets")
                    }
                }
                return .failed("not healthy after \(PollLoop.seconds(timeout))s: " + lines.joined(separator: "; "), result)
            }
            var waiting = probes.filter { !$0.done }.map { "\($0.url) \($0.successes)/\(consecutive)" + ($0.error.map { " (\($0))" } ?? $0.status.map { " (\($0))" } ?? "") }
            if let group, !targetsDone { waiting.append("\(group.name): \(view?.summary ?? "no targets")") }
            context.progress("waiting for " + waiting.joined(separator: "; ") + " (\(Int(elapsed()))s of \(PollLoop.seconds(timeout))s)")
            let pause = min(interval - (elapsed() - roundStart), timeout - elapsed())
            if pause > 0 { try await Task.sleep(for: .milliseconds(Int(pause * 1000))) }
        }
    }

    /// The target group's health for `targets` (every registered target when none are given);
    /// nil when no target group was asked for or AWS throttled this round.
    private func readTargets(_ elb: ELBv2Client?, _ group: TargetGroupReference?, _ targets: [ELBv2Target]) async throws -> TargetHealthView? {
        guard let elb, let group else { return nil }
        do {
            let answer = try await elb.describeTargetHealth(targetGroupARN: group.arn, targets: targets)
            return TargetHealthView(targets: targets.isEmpty ? answer.map(\.target) : targets, answer: answer)
        } catch let error as AWSError where error.isThrottling {
            return nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "reading target health in \(group.name)")
        }
    }

    /// Python's `(?P<name>...)` groups are accepted, as Ansible users write them.
    private static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern.replacingOccurrences(of: "(?P<", with: "(?<"))
    }

    private static func check(_ probe: Probe, transport: CurlTransport, codes: [Int], pattern: String?,
                              consecutive: Int, timeout: Double) async -> Probe {
        var probe = probe
        probe.attempts += 1
        let request = HTTPRequest(method: "GET", scheme: probe.scheme, host: probe.host, port: probe.port,
                                  path: probe.path, headers: ["User-Agent": "play-health-wait"], timeout: timeout,
                                  connectionPool: "health_wait")
        var passed = false
        do {
            let response = try await transport.send(request)
            probe.status = response.status
            probe.error = nil
            if !codes.contains(response.status) {
                probe.error = "status \(response.status), expected \(codes.map(String.init).joined(separator: " or "))"
            } else if let pattern = pattern.flatMap(regex) {
                let body = String(decoding: response.body, as: UTF8.self)
                if pattern.firstMatch(in: body, range: NSRange(body.startIndex..., in: body)) == nil {
                    probe.error = "status \(response.status) but the body does not match body_regex"
                } else {
                    passed = true
                }
            } else {
                passed = true
            }
        } catch let error as HTTPTransportError {
            probe.status = nil
            probe.error = error.kind == .timedOut ? "timed out" : error.message
        } catch {
            probe.status = nil
            probe.error = "\(error)"
        }
        probe.successes = passed ? probe.successes + 1 : 0
        probe.done = probe.successes >= consecutive
        return probe
    }
}
