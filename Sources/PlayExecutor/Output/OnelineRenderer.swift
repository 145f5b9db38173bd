import OrderedCollections
import PlayBase

/// Ansible's `oneline` stdout callback: each host result on one line (`host | SUCCESS => {...}`,
/// a command's rc, stdout and stderr), no banners, no recap, no error excerpts.
public struct OnelineRenderer: HostLineRenderer {
    public var colour: Bool
    public var verbosity: Int
    let human: HumanRenderer

    public init(colour: Bool, verbosity: Int) {
        self.colour = colour
        self.verbosity = verbosity
        self.human = HumanRenderer(colour: colour, verbosity: verbosity)
    }

    func resultText(_ r: HostResult) -> String {
        // Results the default callback always shows keep their indentation inside the line.
        let indented = (r.display != .standard && !r.isLoopSummary && r.result["_ansible_verbose_always"]?.boolValue != false)
            || verbosity > 2
        let json = ResultDump(verbosity: verbosity).json(ResultDump.loopSummaryTrimmed(r), indent: indented ? 4 : 0)
            .replacingOccurrences(of: "\n", with: "")
        switch r.status {
        case .ok, .changed:
            let state = r.result.changed ? "CHANGED" : "SUCCESS"
            let code = r.result.changed ? "0;33" : "0;32"
            let body = r.commandOutput && r.result["ansible_job_id"] == nil
                ? commandText(r, state) : "\(r.host) | \(state) => \(json)"
            return paint(body, code) + "\n"
        case .failed:
            // ansible-core 2.19 gives every failure an exception summary; oneline shows it (or a
            // command's output) before the result.
            let first = r.commandOutput && r.result["module_stderr"] == nil
                ? commandText(r, "FAILED")
                : "An exception occurred during task execution. To see the full traceback, use -vvv. The error was: "
                    + (r.result["exception"]?.renderedString.split(separator: "\n").last.map(String.init) ?? "(traceback unavailable)")
            return paint(first, "0;31") + "\n" + paint("\(r.host) | FAILED! => \(json)", "0;31") + "\n"
        case .skipped:
            return paint("\(r.host) | SKIPPED", "0;36") + "\n"
        case .unreachable:
            return paint("\(r.host) | UNREACHABLE!: \(r.result.message ?? "")", "1;31") + "\n"
        }
    }

    /// `host | STATE | rc=N | (stdout) text`, and ` (stderr) text` when there is any; line breaks escaped.
    func commandText(_ r: HostResult, _ state: String) -> String {
        func escaped(_ key: String) -> String {
            (r.result[key]?.renderedString ?? "").replacingOccurrences(of: "\n", with: "\\n")
                .replacingOccurrences(of: "\r", with: "\\r")
        }
        let rc = r.result["rc"]?.renderedString ?? "-1"
        var text = "\(r.host) | \(state) | rc=\(rc) | (stdout) \(escaped("stdout"))"
        if !escaped("stderr").isEmpty { text += " (stderr) \(escaped("stderr"))" }
        return text
    }
}
