import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `ping`: proves the host can run a command (one `sh` command over the connection, so an
/// unreachable host is UNREACHABLE) and answers `ping: pong`, or `data` when given;
/// `data: crash` fails on purpose, as Ansible's does.
public struct PingModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "ping", arguments: [
        ArgumentSpec("data", .string, defaultValue: "pong"),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let data = context.string("data") ?? "pong"
        let answer = try await context.connection().run(CommandRequest(
            command: "echo pong", environment: context.environment, become: context.become, becomeUser: context.becomeUser))
        guard answer.exitCode == 0 else {
            return .failed("the host could not run /bin/sh (exit \(answer.exitCode)): "
                + answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if data == "crash" {
            return .failed("boom", ["exception": "(traceback unavailable)"])
        }
        return TaskResult(["changed": false, "ping": .string(data)])
    }
}
