import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `pause`: waits `seconds` or `minutes` (reporting progress), or, with neither, shows
/// `prompt` and waits for Enter on the terminal, returning what was typed as `user_input`.
/// When play's input is not a terminal the prompt is skipped with a warning, as in Ansible.
/// Hosts running the same pause task at the same time share one pause (see `PauseGate`).
public struct PauseModule: Module {
    let terminal: TerminalPrompt

    public init() { self.init(terminal: .system) }

    init(terminal: TerminalPrompt) { self.terminal = terminal }

    public let spec = ModuleSpec(name: "pause", arguments: [
        ArgumentSpec("minutes", .raw),
        ArgumentSpec("seconds", .raw),
        ArgumentSpec("prompt", .string),
        ArgumentSpec("echo", .bool, defaultValue: true),
    ], freeForm: .keyValue, mutuallyExclusive: [["minutes", "seconds"]],
       traits: ModuleTraits(runsOnController: true, bypassesHostLoop: true))

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let terminal = self.terminal
        return try await PauseGate.shared(in: context.run).run(context.location.description) {
            try await Self.pause(context, terminal: terminal)
        }
    }

    private static func pause(_ context: ModuleContext, terminal: TerminalPrompt) async throws -> TaskResult {
        var duration: Double?
        var unit = "minutes"
        for (key, scale) in [("seconds", 1.0), ("minutes", 60.0)] {
            guard let raw = context.args[key], !raw.isNull else { continue }
            guard let number = ValueCoercion.double(raw), number >= 0 else {
                return .failed("non-integer value given for prompt duration:\n\(raw.renderedString)")
            }
            duration = number * scale
            unit = key
        }
        let echo = context.bool("echo", default: true)
        var r = TaskResult(["changed": false, "rc": 0, "stderr": "", "stdout": "", "echo": .bool(echo)])
        let startDate = Date()
        let start = ContinuousClock.now
        r["start"] = .string(PythonFormat.dateTime(startDate))
        var input = ""
        if let duration {
            var left = duration
            while left > 0 {
                context.progress("paused for \(RemoteProbe.seconds(duration))s, \(Int(left.rounded(.up)))s left")
                try await Task.sleep(for: .milliseconds(Int(min(left, 1) * 1000)))
                left = duration - Self.seconds(since: start)
            }
        } else {
            let prompt = context.string("prompt") ?? "Press enter to continue, Ctrl+C to interrupt"
            if terminal.isInteractive() {
                do {
                    input = try await terminal.readLine(prompt: "[pause]\n\(prompt):\n", echo: echo)
                } catch let failure as TerminalPrompt.Failure {
                    return .failed("pause could not read from the terminal: \(failure.description)")
                }
            } else {
                r["warnings"] = ["Not waiting for response to prompt as stdin is not interactive"]
            }
        }
        let elapsed = Self.seconds(since: start)
        r["stop"] = .string(PythonFormat.dateTime(Date()))
        r["delta"] = .int(Int(elapsed))
        let shown = unit == "minutes" ? elapsed / 60 : elapsed
        r["stdout"] = .string("Paused for \(Value.pythonFloatString((shown * 100).rounded() / 100)) \(unit)")
        r["user_input"] = .string(input)
        return r
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
