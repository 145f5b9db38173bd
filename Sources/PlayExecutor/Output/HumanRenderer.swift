import Foundation
import Synchronization
import OrderedCollections
import PlayBase
import PlayLanguage

/// Renders events as ansible-playbook's default output: banners, one line per host result, PLAY RECAP.
/// Pure text in, text out; the executable decides where it goes.
public struct HumanRenderer: Sendable {
    public var colour: Bool
    public var verbosity: Int
    public var width = 80
    /// ansible-playbook's `check_mode_markers` (off by default): " [CHECK MODE]" after the play's name.
    public var checkModeMarkers = false
    /// The default callback's `result_format`: results after `=>` as JSON or as YAML.
    public var resultFormat = ResultFormat.json
    /// Ansible prints an identical error report once per run.
    private let shownErrors = ShownErrors()
    private let progressLines = ProgressThrottle()

    public init(colour: Bool, verbosity: Int) {
        self.colour = colour
        self.verbosity = verbosity
    }

    /// The text for one event (may be empty), ending with a newline when not empty.
    public func render(_ event: PlayEvent) -> String {
        switch event {
        case .playbookStarted(let path):
            // ansible-playbook names the playbook from -vv, in a banner.
            return verbosity > 1 ? banner("PLAYBOOK: " + (path as NSString).lastPathComponent) : ""
        case .playStarted(let info):
            let check = info.checkMode && checkModeMarkers ? " [CHECK MODE]" : ""
            return "\n" + banner("PLAY [\(info.name)]\(check)")
        case .taskStarted(let info):
            let word = info.kind == .handler ? "RUNNING HANDLER" : "TASK"
            var text = "\n" + banner("\(word) [\(info.name)]")
            if verbosity >= 2, let loc = info.location { text += "task path: \(loc)\n" }
            return text
        case .hostResult(let r):
            return renderResult(r)
        case .progress(let host, let task, let message, let elapsed):
            guard progressLines.shouldShow(key: host + "\u{0}" + task, message: message, elapsed: elapsed) else { return "" }
            return paint("  [\(host)] \(message) (\(Int(elapsed))s)", "0;36") + "\n"
        case .retrying(let host, let task, let left, let result, let display):
            var text = "FAILED - RETRYING: [\(host)]: \(task) (\(left) retries left)."
            let always = display != .standard
            if verbosity >= 2 || always {
                var shown = result.values
                for key in shown.keys where key.hasPrefix("_ansible") { shown.removeValue(forKey: key) }
                if shown["failed"] == .bool(false) { shown.removeValue(forKey: "failed") }
                text += "Result was: " + (always || verbosity > 2 ? Value.dict(shown).jsonString(sortKeys: true, pretty: true)
                                                                  : compactJSON(shown))
            }
            return paint(text, "0;31") + "\n"
        case .asyncPoll(let host, _, let jid, let state):
            // Ansible's default callback, in its debug colour (dark gray).
            switch state {
            case .running: return paint("ASYNC POLL on \(host): jid=\(jid) started=True finished=False", "1;30") + "\n"
            case .ok: return paint("ASYNC OK on \(host): jid=\(jid)", "1;30") + "\n"
            case .failed: return paint("ASYNC FAILED on \(host): jid=\(jid)", "1;30") + "\n"
            }
        case .included(let path, let hosts, let item):
            let suffix = item.map { " => (item=\($0))" } ?? ""
            return paint("included: \(path) for \(hosts.joined(separator: ", "))\(suffix)", "0;36") + "\n"
        case .warning(let message):
            return paint("[WARNING]: \(message)", "1;35") + "\n"
        case .noHostsMatched:
            return "skipping: no hosts matched\n"
        case .noMoreHosts:
            return "\n" + banner("NO MORE HOSTS LEFT")
        case .recap(let rows):
            var text = "\n" + banner("PLAY RECAP")
            for (host, s) in rows { text += recapLine(host: host, s) + "\n" }
            return text + "\n"

        case .interrupted:
            return paint("[ERROR]: User interrupted execution", "0;31") + "\n"
        }
    }

    func banner(_ title: String) -> String {
        let stars = max(3, width - 1 - title.count)
        return title + " " + Self.run(of: UInt8(ascii: "*"), count: stars) + "\n"
    }

    /// `count` copies of one ASCII byte, made in one go (`String(repeating:count:)` appends
    /// the text once per copy, and every banner asks for about seventy).
    static func run(of byte: UInt8, count: Int) -> String {
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.initialize(repeating: byte)
            return count
        }
    }

    /// `text.padding(toLength: length, withPad: " ", startingAt: 0)`: the length counts UTF-16
    /// units; Foundation is asked only when the text is longer and must be cut.
    static func padded(_ text: String, toLength length: Int) -> String {
        let units = text.utf16.count
        guard units <= length else { return text.padding(toLength: length, withPad: " ", startingAt: 0) }
        return text + run(of: UInt8(ascii: " "), count: length - units)
    }

    func recapLine(host: String, _ s: HostStats) -> String {
        func cell(_ name: String, _ n: Int, _ code: String) -> String {
            let text = name + "=" + Self.padded(String(n), toLength: max(4, String(n).count))
            return n != 0 ? paint(text, code) : text
        }
        let hostCode = (s.failed > 0 || s.unreachable > 0) ? "0;31" : (s.changed > 0 ? "0;33" : "0;32")
        let name = Self.padded(host, toLength: max(26, host.count))
        return [
            paint(name, hostCode), ":",
            cell("ok", s.ok, "0;32"), cell("changed", s.changed, "0;33"),
            cell("unreachable", s.unreachable, "1;31"), cell("failed", s.failed, "0;31"),
            cell("skipped", s.skipped, "0;36"), cell("rescued", s.rescued, "0;35"),
            cell("ignored", s.ignored, "0;35"),
        ].joined(separator: " ")
    }

    func renderResult(_ r: HostResult) -> String {
        let target = r.delegatedTo.map { "\(r.host) -> \($0)" } ?? r.host
        let item = r.itemLabel.map { " => (item=\($0))" } ?? ""
        let itemPlain = r.itemLabel.map { " (item=\($0))" } ?? ""
        // A module that is always shown can opt out per result (assert's `quiet`), as Ansible's
        // `_ansible_verbose_always` does.
        let alwaysShown = r.display != .standard && r.failure?.isTaskLevel != true
            && r.result["_ansible_verbose_always"]?.boolValue != false
        var line: String
        switch r.status {
        case .ok, .changed:
            if r.isLoopSummary { return "" }
            let word = r.status == .ok ? "ok" : "changed"
            let code = r.status == .ok ? "0;32" : "0;33"
            if alwaysShown {
                line = paint("\(word): [\(target)]\(item) => \(verboseBody(r.result, display: r.display))", code)
            } else if verbosity > 0 && r.result["_ansible_verbose_override"] == nil {
                // `setup` sets the override: Ansible never prints the facts.
                line = paint("\(word): [\(target)]\(itemPlain) => \(compactJSON(r.result.values))", code)
            } else {
                line = paint("\(word): [\(target)]\(item)", code)
            }
            line = diffText(r) + line
        case .skipped:
            // A loop whose every item was skipped ends with the host's own line, as in Ansible.
            line = verbosity > 0
                ? paint("skipping: [\(target)]\(itemPlain) => \(compactJSON(r.result.values))", "0;36")
                : paint("skipping: [\(target)]\(item.isEmpty ? "" : item + " ")", "0;36")
        case .failed:
            // ansible-core 2.19 reports each failed item (with its error block) and not the loop's
            // own "One or more items failed".
            if r.isLoopSummary { return "" }
            var values = r.result.values
            // A failure without `msg` (include_vars reports `message`) gets Ansible's own.
            if r.result.message == nil, let loc = r.location, !loc.isSynthetic {
                values["msg"] = .string("Task failed: \(r.runsOnController ? "Action" : "Module") failed: Unknown error.")
            }
            let body = compactJSON(values)
            if r.itemLabel != nil {
                line = errorBlock(r) + paint("failed: [\(target)]\(itemPlain) => \(body)", "0;31")
            } else {
                let shown = alwaysShown ? verboseBody(r.result, display: r.display) : body
                line = errorBlock(r) + paint("fatal: [\(target)]: FAILED! => \(shown)", "0;31")
            }
            if r.ignored && r.itemLabel == nil { line += "\n" + paint("...ignoring", "0;36") }
            if r.itemLabel != nil && r.ignored { line += "\n" + paint("...ignoring", "0;36") }
        case .unreachable:
            line = paint("fatal: [\(target)]: UNREACHABLE! => \(compactJSON(r.result.values))", "1;31")
            if r.ignored { line += "\n" + paint("...ignoring", "0;36") }
        }
        return line + "\n"
    }

    /// A changed result's diff when the task runs in diff mode, printed as Ansible's display does
    /// (Windows line ends made Unix ones, a newline at the end).
    func diffText(_ r: HostResult) -> String {
        guard r.showsDiff, r.result.changed, let diff = r.result["diff"], diff.isTruthy else { return "" }
        let text = DiffText.render(diff, colour: colour).replacingOccurrences(of: "\r\n", with: "\n")
        guard !text.isEmpty else { return "" }
        return text.unicodeScalars.last == "\n" ? text : text + "\n"
    }

    /// ansible-core 2.19's error report before a failed task's line: the message, its origin and the
    /// source lines around it.
    func errorBlock(_ r: HostResult) -> String {
        guard let loc = r.location, !loc.isSynthetic else { return "" }
        var text = "[ERROR]: \(Self.failureSummary(r))\nOrigin: \(Self.absolute(loc))\n\n"
        let first = max(1, loc.line - 2)
        let width = String(loc.line).count
        for n in first...loc.line {
            guard let source = DiagnosticRenderer.sourceLine(file: loc.file, line: n) else { continue }
            let number = String(repeating: " ", count: width - String(n).count) + String(n)
            text += source.isEmpty ? number + "\n" : number + " " + source + "\n"
        }
        text += String(repeating: " ", count: width + loc.column) + "^ column \(loc.column)\n\n"
        guard shownErrors.firstTime(text) else { return "" }
        return paint(text, "0;31")
    }

    /// `Task failed: Module failed: <message>`: how ansible-core 2.19 sums up a failure.
    static func failureSummary(_ r: HostResult) -> String {
        let kind = r.runsOnController ? "Action" : "Module"
        let message = r.result.message ?? "Unknown error."
        return "Task failed: " + (r.failure?.isTaskLevel == true ? message : "\(kind) failed: \(message)")
    }

    static func absolute(_ loc: SourceLocation) -> SourceLocation {
        guard !loc.file.hasPrefix("/") else { return loc }
        var l = loc
        l.file = FileManager.default.currentDirectoryPath + "/" + loc.file
        return l
    }

    /// A result shown always, as indented JSON; a `.message` result drops its status keys.
    func verboseBody(_ result: TaskResult, display: ResultDisplay) -> String {
        var shown = result.values
        if display == .message {
            if shown["msg"] != nil {
                // A message stands alone (Ansible's _DEBUG_ALLOWED_KEYS).
                shown = shown.filter { ["msg", "exception", "warnings", "deprecations"].contains($0.key) }
            } else {
                for key in ["changed", "failed", "skipped", "invocation", "skip_reason"] { shown.removeValue(forKey: key) }
            }
        }
        for key in shown.keys where key.hasPrefix("_ansible") { shown.removeValue(forKey: key) }
        // As in compactJSON: the line's own word (ok, fatal) already says it.
        shown.removeValue(forKey: "failed")
        if resultFormat == .yaml { return ResultDump(verbosity: verbosity).yaml(shown) }
        return Value.dict(shown).jsonString(sortKeys: true, pretty: true)
    }

    /// The result as Ansible prints it after `=>`: sorted compact JSON without internal keys.
    func compactJSON(_ values: OrderedDictionary<String, Value>) -> String {
        var v = values
        // ansible-core 2.19's callbacks see a result without its `failed` and `skipped` flags.
        for key in ["failed", "skipped", "_ansible_verbose_always", "_ansible_no_log"] { v.removeValue(forKey: key) }
        if resultFormat == .yaml { return ResultDump(verbosity: verbosity).yaml(v) }
        return Value.dict(v).jsonString(sortKeys: true)
    }

    private func paint(_ s: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}

/// Error reports already printed in this run.
final class ShownErrors: Sendable {
    private let seen = Mutex<Set<String>>([])
    func firstTime(_ text: String) -> Bool { seen.withLock { $0.insert(text).inserted } }
}

/// Keeps live-progress output readable: a host's waiting task prints a new line only when its
/// status text changes, at most once a second.
final class ProgressThrottle: Sendable {
    private let last = Mutex<[String: (message: String, elapsed: Double)]>([:])

    func shouldShow(key: String, message: String, elapsed: Double) -> Bool {
        last.withLock { shown in
            if let previous = shown[key], previous.message == message || elapsed - previous.elapsed < 1 { return false }
            shown[key] = (message, elapsed)
            return true
        }
    }
}
