import OrderedCollections
import PlayBase

/// Ansible's `minimal` stdout callback: one block per host result (`host | CHANGED => {...}`, a
/// command's rc and output), no banners, no recap; loop items are not shown, only the loop's result.
public struct MinimalRenderer: HostLineRenderer {
    public var colour: Bool
    public var verbosity: Int
    public var resultFormat = ResultFormat.json
    let human: HumanRenderer

    public init(colour: Bool, verbosity: Int, resultFormat: ResultFormat = .json) {
        self.colour = colour
        self.verbosity = verbosity
        self.resultFormat = resultFormat
        self.human = HumanRenderer(colour: colour, verbosity: verbosity)
    }

    func resultText(_ r: HostResult) -> String {
        let dump = ResultDump(verbosity: verbosity)
        let values = r.display == .message ? ResultDump.cleanedForDebug(r.result.values) : ResultDump.loopSummaryTrimmed(r)
        func dumped() -> String {
            resultFormat == .yaml ? dump.yaml(values) : dump.json(values, indent: 4)
        }
        switch r.status {
        case .ok, .changed:
            let state = r.result.changed ? "CHANGED" : "SUCCESS"
            let code = r.result.changed ? "0;33" : "0;32"
            let body = r.commandOutput && r.result["ansible_job_id"] == nil
                ? commandText(r, state) : "\(r.host) | \(state) => \(dumped())"
            return human.diffText(r) + paint(body, code) + "\n"
        case .failed:
            let body = r.commandOutput && r.result["module_stderr"] == nil
                ? commandText(r, "FAILED") : "\(r.host) | FAILED! => \(dumped())"
            return human.errorBlock(r) + paint(body, "0;31") + "\n"
        case .skipped:
            return paint("\(r.host) | SKIPPED", "0;36") + "\n"
        case .unreachable:
            return paint("\(r.host) | UNREACHABLE! => \(dumped())", "1;31") + "\n"
        }
    }

    /// A command's result: `host | STATE | rc=N >>` and its stdout, stderr and message.
    func commandText(_ r: HostResult, _ state: String) -> String {
        let rc = r.result["rc"]?.renderedString ?? "-1"
        let output = ["stdout", "stderr", "msg"].map { r.result[$0]?.renderedString ?? "" }.joined()
        return "\(r.host) | \(state) | rc=\(rc) >>\n" + output
    }
}
