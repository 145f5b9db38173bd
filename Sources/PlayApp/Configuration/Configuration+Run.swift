import PlayBase
import PlayConnection
import PlayExecutor

extension Configuration {
    /// Ansible's warnings about the config search, then with `-v` the file in use and, once, the
    /// settings given that `play` has no use for (never an error).
    func announce(verbosity: Int, output: any SessionOutput) {
        for warning in warnings { output.error("[WARNING]: \(warning)\n") }
        guard verbosity >= 1 else { return }
        output.write(file.map { "Using \($0) as config file\n" } ?? "No config file found; using defaults\n")
        let unused = unusedSettings
        if !unused.isEmpty {
            // On stderr: stdout stays what ansible-playbook -v prints.
            output.error("Settings play has no use for (they have no effect): \(unused.joined(separator: ", "))\n")
        }
    }

    /// The settings a run follows where plays and hosts say nothing.
    func apply(to options: inout RunOptions) {
        options.configFile = file
        options.gathering = string("DEFAULT_GATHERING") ?? "implicit"
        options.anyErrorsFatal = bool("ANY_ERRORS_FATAL")
        var defaults = ConnectionDefaults()
        defaults.port = int("DEFAULT_REMOTE_PORT")
        defaults.hostKeyChecking = bool("ssh.host_key_checking")
        defaults.connectTimeout = int("ssh.timeout").map { .seconds($0) }
        defaults.sshExecutable = string("ssh.ssh_executable")
        defaults.sshArgs = string("ssh.ssh_args")
        defaults.sshCommonArgs = string("ssh.ssh_common_args")
        defaults.sshExtraArgs = string("ssh.ssh_extra_args")
        defaults.becomeMethod = string("DEFAULT_BECOME_METHOD")
        options.connectionDefaults = defaults
    }
}
