import PlayBase

/// Keywords Ansible honours that play accepts but does not act on: each is reported as a
/// warning at its place before the run, with what to do instead, rather than ignored silently.
extension ParseSession {
    static let notHonoured: [String: (what: String, instead: String)] = [
        "strategy": ("play runs every play with the linear strategy (all hosts in lockstep)",
                     "remove 'strategy', or use serial to let batches of hosts go ahead"),
        "throttle": ("play does not limit a task's parallelism below --forks",
                     "use serial, or --forks, to run fewer hosts at once"),
        "timeout": ("play does not stop a task that runs too long",
                    "use async with a poll, which fails the task after 'async' seconds"),
        "become_flags": ("play runs become with its own flags",
                         "remove it, or set the flags in the become method's own configuration (sudoers)"),
        "fact_path": ("play does not read local facts (ansible_local)",
                      "read the .fact files with a task (slurp or command) and set_fact them"),
    ]

    /// Warns that `key` (written at `node`) is accepted and not acted on. `value` lets a keyword
    /// whose default play does honour pass: `strategy: linear`.
    func warnNotHonoured(_ key: String, _ node: YAMLNode, _ file: SourceFile) {
        guard let reason = Self.notHonoured[key] else { return }
        if key == "strategy", let text = node.scalarText, text == "linear" || text.hasSuffix(".linear") { return }
        report(Diagnostic(.warning, at: location(node, file), "'\(key)' is not supported: \(reason.what)",
                          notes: [reason.instead]))
    }
}
