import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `wait_for_connection`: after `delay` seconds, tries a trivial command on the host every
/// `sleep` seconds (each try limited to `connect_timeout`) until one answers or `timeout`
/// seconds have passed. Reports `elapsed` in whole seconds. Skipped in check mode, as in Ansible.
public struct WaitForConnectionModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "wait_for_connection", arguments: [
        ArgumentSpec("connect_timeout", .int, defaultValue: 5),
        ArgumentSpec("delay", .int, defaultValue: 0),
        ArgumentSpec("sleep", .int, defaultValue: 1),
        ArgumentSpec("timeout", .int, defaultValue: 600),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if context.checkMode { return TaskResult(["changed": false, "skipped": true]) }
        let connectTimeout = max(1, context.int("connect_timeout") ?? 5)
        let delay = max(0, context.int("delay") ?? 0)
        let sleep = max(0, context.int("sleep") ?? 1)
        let timeout = context.int("timeout") ?? 600
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Int { Int((clock.now - start).components.seconds) }
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
        var lastError = ""
        while true {
            do {
                let answer = try await context.connection().run(CommandRequest(
                    command: "echo pong", timeout: .seconds(connectTimeout), become: context.become,
                    becomeUser: context.becomeUser))
                if answer.exitCode == 0 { return TaskResult(["changed": false, "elapsed": .int(elapsed())]) }
                lastError = answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            } catch let error as ConnectionError {
                // Only a host that cannot be reached (yet) is worth waiting for; bad settings,
                // sudo refusals and cancellation end the wait at once.
                switch error {
                case .unreachable, .authentication, .hostKeyVerification, .timedOut: lastError = error.description
                default: throw error
                }
            }
            if clock.now - start >= .seconds(timeout) {
                return .failed("timed out waiting for ping module test: \(lastError)", ["elapsed": .int(elapsed())])
            }
            context.progress("waiting for a connection (\(lastError))")
            try await Task.sleep(for: .seconds(sleep))
        }
    }
}
