import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `wait_for`: waits until a TCP port opens or closes, a path appears or goes away, or a
/// pattern shows up in a file or in what a port sends; with neither port nor path it just
/// waits `timeout` seconds. Checks run on the target (see `RemoteProbe`); when the target is
/// this machine through the local connection they are done natively (see `LocalProbe`).
/// Progress is reported while waiting.
public struct WaitForModule: Module {
    public init() {}

    /// Longest a single remote check command runs before reporting back.
    static let remoteChunk: Double = 3

    public let spec = ModuleSpec(name: "wait_for", arguments: [
        ArgumentSpec("host", .string, defaultValue: "127.0.0.1"),
        ArgumentSpec("port", .int),
        ArgumentSpec("path", .path),
        ArgumentSpec("state", .string, choices: ["absent", "drained", "present", "started", "stopped"], defaultValue: "started"),
        ArgumentSpec("exclude_hosts", .list, elements: .string),
        ArgumentSpec("active_connection_states", .list, defaultValue: .list(TCPConnectionTable.defaultActiveStates.map(Value.string)),
                     elements: .string),
        ArgumentSpec("search_regex", .string),
        ArgumentSpec("delay", .float, defaultValue: 0),
        ArgumentSpec("timeout", .float, defaultValue: 300),
        ArgumentSpec("sleep", .float, defaultValue: 1),
        ArgumentSpec("connect_timeout", .float, defaultValue: 5),
        ArgumentSpec("msg", .string),
    ], freeForm: .keyValue, mutuallyExclusive: [["port", "path"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let state = context.string("state") ?? "started"
        let host = context.string("host") ?? "127.0.0.1"
        let port = context.int("port")
        let path = context.string("path")
        let pattern = context.string("search_regex")
        let timeout = max(0, context.double("timeout") ?? 300)
        let interval = max(0.05, context.double("sleep") ?? 1)
        let connectTimeout = max(0.1, context.double("connect_timeout") ?? 5)

        if port != nil && path != nil {
            return .failed("port and path parameter can not both be passed to wait_for")
        }
        if path != nil && (state == "stopped" || state == "drained") {
            return .failed("state=\(state) should only be used for checking a port in the wait_for module")
        }
        if state == "drained" && port == nil {
            return .failed("state=drained needs a port to check")
        }
        if pattern != nil && (state == "absent" || state == "stopped" || state == "drained") {
            return .failed("search_regex should only be used with state=present or state=started")
        }
        if let port, !(1...65535).contains(port) {
            return .failed("port must be between 1 and 65535, got \(port)")
        }
        if let pattern, (try? NSRegularExpression(pattern: pattern.replacingOccurrences(of: "(?P<", with: "(?<"))) == nil {
            return .failed("search_regex '\(pattern)' is not a valid regular expression")
        }
        let condition: WaitCondition
        let waitingForAbsence = state == "absent" || state == "stopped"
        if let port, state == "drained" {
            condition = .portDrained(host: host, port: port,
                                     excluded: (context.list("exclude_hosts") ?? []).map(\.renderedString),
                                     states: (context.list("active_connection_states") ?? []).map(\.renderedString))
        } else if let port {
            condition = waitingForAbsence ? .portClosed(host: host, port: port) : .portOpen(host: host, port: port, pattern: pattern)
        } else if let path {
            condition = waitingForAbsence ? .pathAbsent(path) : .pathPresent(path, pattern: pattern)
        } else {
            condition = .time
        }

        if let delay = context.double("delay"), delay > 0 {
            context.progress("waiting \(RemoteProbe.seconds(delay))s before the first check")
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
        let start = ContinuousClock.now
        func elapsed() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        if condition == .time {
            var left = timeout
            while left > 0 {
                context.progress("waiting \(Int(timeout))s (\(Int(elapsed()))s so far)")
                try await Task.sleep(for: .milliseconds(Int(min(left, 1) * 1000)))
                left = timeout - elapsed()
            }
            return TaskResult(["changed": false, "elapsed": .int(Int(elapsed()))])
        }

        let connection = try await context.connection()
        do {
            return try await waitLoop(condition, state: state, port: port, path: path, pattern: pattern, timeout: timeout,
                                      interval: interval, connectTimeout: connectTimeout, start: start,
                                      connection: connection, context: context)
        } catch let failure as DrainCheckFailure {
            return failure.result
        }
    }

    private func waitLoop(_ condition: WaitCondition, state: String, port: Int?, path: String?, pattern: String?,
                          timeout: Double, interval: Double, connectTimeout: Double, start: ContinuousClock.Instant,
                          connection: any Connection, context: ModuleContext) async throws -> TaskResult {
        func elapsed() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        let native = connection is LocalConnection && !(context.become && path != nil)
        var lastReport = -1
        while true {
            let matched: (holds: Bool, text: String?)
            var attributes: OrderedDictionary<String, Value> = [:]
            if case .portDrained = condition {
                matched = try await Self.checkDrained(condition, native: native, connection: connection, context: context)
            } else if native {
                matched = try await LocalProbe.check(condition, connectTimeout: .milliseconds(Int(connectTimeout * 1000)))
                if matched.holds, let path, let line = LocalProbe.attributeLine(path) {
                    attributes = ScriptRecords(Data("st=\(line)\0".utf8)).fileAttributes()
                }
            } else {
                // The first command checks once, so a condition that already holds costs one
                // round trip and one that does not is reported at once; later ones wait on the
                // target for a few seconds between reports.
                let budget = max(0, min(Self.remoteChunk, timeout - elapsed()))
                let rounds = lastReport < 0 ? 1 : Int(budget / interval) + 1
                let script = RemoteProbe.script(condition, connectTimeout: connectTimeout, sleep: interval,
                                                rounds: rounds)
                let request = CommandRequest(
                    command: script, environment: context.environment,
                    timeout: .milliseconds(Int((budget + connectTimeout + 30) * 1000)),
                    become: context.become, becomeUser: context.becomeUser)
                let answer = try await connection.run(request)
                let records = ScriptRecords(answer.stdout)
                if let failure = records.failure(of: answer) { return failure }
                matched = (records.flag("ok"), records["line"])
                attributes = records.fileAttributes()
            }
            if matched.holds {
                var r = success(state: state, port: port, path: path, pattern: pattern, text: matched.text,
                                elapsed: Int(elapsed()))
                // Like Ansible's, a result naming an existing path carries its attributes, whose
                // `state` ("file", "directory") replaces the awaited one.
                for (k, v) in attributes { r[k] = v }
                return r
            }
            let spent = elapsed()
            if spent >= timeout {
                return .failed(context.string("msg") ?? condition.timeoutMessage, ["elapsed": .int(Int(spent))])
            }
            if Int(spent) != lastReport {
                lastReport = Int(spent)
                context.progress("\(condition.progressText) (\(Int(spent))s of \(RemoteProbe.seconds(timeout))s)")
            }
            try await Task.sleep(for: .milliseconds(Int(min(interval, timeout - spent) * 1000)))
        }
    }

    /// One look at the target's TCP tables: read here for the local connection, else by a short
    /// script on the target; counted by `TCPConnectionTable`.
    private static func checkDrained(_ condition: WaitCondition, native: Bool, connection: any Connection,
                                     context: ModuleContext) async throws -> (holds: Bool, text: String?) {
        guard case .portDrained(let host, _, _, _) = condition else { return (false, nil) }
        if native {
            // /proc files report size 0: read them to the end rather than by their size.
            let text = ["/proc/net/tcp", "/proc/net/tcp6"].compactMap { path in
                FileHandle(forReadingAtPath: path).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }
            }
            return (TCPConnectionTable(text.joined(separator: "\n")).isDrained(condition, resolved: TCPConnectionTable.resolve(host)), nil)
        }
        let request = CommandRequest(command: RemoteProbe.script(condition, connectTimeout: 1, sleep: 0, rounds: 1),
                                     environment: context.environment, timeout: .seconds(30),
                                     become: context.become, becomeUser: context.becomeUser)
        let answer = try await connection.run(request)
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { throw DrainCheckFailure(result: failure) }
        let resolved = (records["addrs"] ?? "").split(separator: "\n").map(String.init)
        return (TCPConnectionTable(records["tcp"] ?? "").isDrained(condition, resolved: resolved), nil)
    }

    private func success(state: String, port: Int?, path: String?, pattern: String?, text: String?,
                         elapsed: Int) -> TaskResult {
        var groups: [Value] = []
        var named: OrderedDictionary<String, Value> = [:]
        if let pattern, let text, let match = WaitCondition.search(pattern, in: text) {
            groups = match.groups
            named = match.named
        }
        return TaskResult([
            "changed": false,
            "elapsed": .int(elapsed),
            "state": .string(state),
            "port": port.map(Value.int) ?? .null,
            "path": path.map(Value.string) ?? .null,
            "search_regex": pattern.map(Value.string) ?? .null,
            "match_groups": .list(groups),
            "match_groupdict": .dict(named),
        ])
    }
}

/// The drained check's script failed on the target: its result ends the task.
private struct DrainCheckFailure: Error {
    var result: TaskResult
}
