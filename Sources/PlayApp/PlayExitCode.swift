import PlayExecutor

/// `play`'s process exit codes: ansible-playbook's, so scripts and CI jobs written for it read
/// them the same way.
public enum PlayExitCode {
    public static let success: Int32 = 0
    /// Unusable input: vault secrets, extra vars, inventory, a playbook that is not there.
    public static let error: Int32 = 1
    /// A host failed a task.
    public static let hostFailed: Int32 = 2
    /// A host could not be reached (ansible-playbook's RUN_UNREACHABLE_HOSTS).
    public static let hostUnreachable: Int32 = 4
    /// A playbook failed to parse or compile (AnsibleParserError, also 4).
    public static let parseError: Int32 = 4
    /// Bad command-line options (AnsibleOptionsError).
    public static let badOptions: Int32 = 5
    /// Stopped by Ctrl-C or SIGTERM.
    public static let interrupted: Int32 = 99

    /// A finished run's code: an interruption outranks unreachable hosts, which outrank failures.
    public static func of(_ outcome: RunOutcome) -> Int32 {
        if outcome.interrupted { return interrupted }
        if outcome.anyUnreachable { return hostUnreachable }
        if outcome.anyFailed { return hostFailed }
        return success
    }
}
