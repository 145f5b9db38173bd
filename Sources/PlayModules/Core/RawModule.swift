import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `raw`: the free-form text run as it is by the host's `/bin/sh -c` (or `executable -c`), with
/// nothing sent ahead of it. Always `changed`; a non-zero exit fails. Skipped in check mode, as
/// in Ansible.
public struct RawModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "raw", arguments: [
        ArgumentSpec("executable", .string),
    ], freeForm: .rawParams, traits: {
        var traits = ModuleTraits.remote
        traits.commandOutput = true
        return traits
    }())

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if context.checkMode { return TaskResult(["changed": false, "skipped": true]) }
        let raw = context.string("_raw_params") ?? ""
        if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .failed("no command given") }
        var command = raw
        if let executable = context.string("executable"), !executable.isEmpty {
            command = "\(ShellWords.quote(executable)) -c \(ShellWords.quote(raw))"
        }
        let answer = try await context.connection().run(CommandRequest(
            command: command, environment: context.environment, become: context.become, becomeUser: context.becomeUser))
        let stdout = answer.stdoutText
        let stderr = answer.stderrText
        var r = TaskResult([
            "changed": true, "rc": .int(Int(answer.exitCode)), "stdout": .string(stdout),
            "stdout_lines": .list(Self.lines(stdout).map(Value.string)), "stderr": .string(stderr),
            "stderr_lines": .list(Self.lines(stderr).map(Value.string)),
        ])
        if answer.exitCode != 0 {
            r.failed = true
            r.message = "non-zero return code"
        }
        return r
    }

    /// Python's `splitlines()`: "\n", "\r\n" and "\r" end lines; no empty last line.
    static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if afterCR && scalar == "\n" { afterCR = false; continue }
            afterCR = false
            if scalar == "\n" || scalar == "\r" {
                out.append(String(current)); current = String.UnicodeScalarView()
                afterCR = scalar == "\r"
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }
}
