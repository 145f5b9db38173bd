import Foundation
import PlayBase
import PlayExecutor
import PlayLanguage

/// `async_status`: reads an async job's file on the target (`mode: status`), or removes it
/// (`mode: cleanup`). Used with `until: job.finished` to wait for a `poll: 0` task.
public struct AsyncStatusModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "async_status", arguments: [
        ArgumentSpec("jid", .string, required: true),
        ArgumentSpec("mode", .string, choices: ["status", "cleanup"], defaultValue: "status"),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let jid = context.string("jid") ?? ""
        // The id becomes a file name on the target: refuse anything that could leave the job directory.
        guard !jid.isEmpty, !jid.contains("/"), jid != ".", jid != ".." else {
            return .failed("invalid job id: \(jid)")
        }
        if context.string("mode") == "cleanup" {
            let path = try await AsyncJob.cleanup(jid, context: context)
            return TaskResult(["ansible_job_id": .string(jid), "changed": false, "erased": .string(path),
                               "finished": false, "started": false, "stderr": "", "stderr_lines": [],
                               "stdout": "", "stdout_lines": []])
        }
        return try await AsyncJob.status(jid, context: context)
    }
}
