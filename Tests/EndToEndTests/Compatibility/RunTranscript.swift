import Foundation

/// A run's stdout cut into what can be compared between two tools that run hosts in parallel:
/// per playbook (by the `cNN` that starts each play name), per banner (PLAY/TASK/HANDLER/RECAP),
/// and within a banner the host results grouped by host (each host's own order kept), since the
/// order in which hosts finish a task is not part of the behaviour.
struct RunTranscript {
    /// Normalised text per playbook key (`c01`...).
    var sections: [String: String] = [:]

    init(_ stdout: String) {
        var current = "preamble"
        var blocks: [String: [[String]]] = [:]
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: false).map(Self.maskingTimes) {
            if let key = Self.playKey(line) { current = key }
            if Self.isBanner(line) || blocks[current] == nil {
                blocks[current, default: []].append([])
            }
            blocks[current]![blocks[current]!.count - 1].append(line)
        }
        for (key, list) in blocks {
            sections[key] = list.map(Self.normalise).joined(separator: "\n")
        }
    }

    /// A command result's `start`, `end` and `delta` say when it ran, not what it did.
    static func maskingTimes(_ line: Substring) -> String {
        String(line).replacing(/"(start|end|delta)": "[0-9:. -]+"/) { match in "\"\(match.output.1)\": \"<time>\"" }
    }

    /// `PLAY [c07 handlers] ***` → `c07`.
    static func playKey(_ line: String) -> String? {
        guard line.hasPrefix("PLAY [c"), line.count > 9 else { return nil }
        let key = line.dropFirst(6).prefix(3)
        return key.dropFirst().allSatisfy(\.isNumber) ? String(key) : nil
    }

    static func isBanner(_ line: String) -> Bool {
        guard line.hasSuffix("*") else { return false }
        return ["PLAY [", "TASK [", "RUNNING HANDLER [", "PLAY RECAP"].contains { line.hasPrefix($0) }
    }

    private static let statuses = ["ok: [", "changed: [", "skipping: [", "fatal: [", "failed: [", "included: ",
                                   "FAILED - RETRYING: ", "[WARNING]"]

    /// A banner's lines with the host results grouped by host (each host's own order kept). An
    /// `[ERROR]` explanation is printed once per distinct text, before whichever host's result
    /// came first, so those explanations are compared apart, as a set, ahead of the results.
    static func normalise(_ block: [String]) -> String {
        guard let banner = block.first else { return "" }
        var body = Array(block.dropFirst())
        var trailingBlanks = 0
        while body.last == "" { body.removeLast(); trailingBlanks += 1 }
        var explanations: [String] = []
        var units: [(host: String, lines: [String])] = []
        var inExplanation = false
        // A diff is printed just before the result it belongs to.
        var pendingDiff: [String] = []
        for line in body {
            let starts = statuses.contains { line.hasPrefix($0) }
            if line.hasPrefix("[ERROR]") {
                explanations.append(line)
                inExplanation = true
            } else if line.hasPrefix("--- before") || !pendingDiff.isEmpty && !starts {
                pendingDiff.append(line)
                inExplanation = false
            } else if starts {
                units.append((host(of: line), pendingDiff + [sortingIncludedHosts(line)]))
                pendingDiff = []
                inExplanation = false
            } else if inExplanation {
                explanations[explanations.count - 1] += "\n" + line
            } else if units.isEmpty {
                units.append(("", [line]))
            } else {
                units[units.count - 1].lines.append(line)
            }
        }
        let hosts = units.map(\.host).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
        let ordered = hosts.flatMap { h in units.filter { $0.host == h }.flatMap(\.lines) }
        return ([banner] + explanations.sorted() + ordered + Array(repeating: "", count: trailingBlanks)).joined(separator: "\n")
    }

    /// `included: FILE for h2, h1 => (item=...)` with its hosts sorted: Ansible lists them in the
    /// order their results arrived, which varies from run to run.
    static func sortingIncludedHosts(_ line: String) -> String {
        guard line.hasPrefix("included: "), let forRange = line.range(of: " for ") else { return line }
        let rest = line[forRange.upperBound...]
        let end = rest.range(of: " => ")?.lowerBound ?? rest.endIndex
        let hosts = rest[..<end].components(separatedBy: ", ").sorted().joined(separator: ", ")
        return String(line[..<forRange.upperBound]) + hosts + String(rest[end...])
    }

    /// The first `[name]` of a result line: `ok: [h1] => ...` → `h1`.
    static func host(of line: String) -> String {
        guard let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]") else { return "" }
        let name = line[line.index(after: open)..<close]
        return name == "ERROR" || name == "WARNING" ? "" : String(name)
    }
}
