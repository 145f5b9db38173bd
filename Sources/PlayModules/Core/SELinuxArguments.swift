import PlayConnection
import PlayExecutor
import PlayLanguage

/// The SELinux context arguments every file-writing module accepts (`seuser`, `serole`,
/// `setype`, `selevel`). Ansible ignores them where SELinux is disabled, which is the case on
/// most Debian and Alpine hosts; where it is enabled `play` does not set contexts yet, so the task
/// fails and says what to do instead rather than leave a file with the wrong label.
enum SELinuxArguments {
    static let names = ["seuser", "serole", "setype", "selevel"]
    static let specs: [ArgumentSpec] = names.map { ArgumentSpec($0, .string) }

    /// nil when no context was asked for or the target has SELinux disabled; otherwise the
    /// failed result to return. One probe command, and only when an argument is given.
    static func refusal(_ context: ModuleContext) async throws -> TaskResult? {
        let asked = names.filter { context.string($0) != nil }
        guard !asked.isEmpty else { return nil }
        let probe = try await context.connection().run(CommandRequest(
            command: "if command -v selinuxenabled >/dev/null 2>&1; then selinuxenabled && echo enabled; "
                + "elif [ -r /sys/fs/selinux/enforce ]; then echo enabled; fi",
            environment: context.environment, become: context.become, becomeUser: context.becomeUser))
        guard probe.stdoutText.contains("enabled") else { return nil }
        return .failed("SELinux is enabled on this host and play does not set file contexts (\(asked.joined(separator: ", "))) yet: "
            + "drop them and label the path with a task such as `command: chcon -t TYPE PATH` or `restorecon`")
    }
}
