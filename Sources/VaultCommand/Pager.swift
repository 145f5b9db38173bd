#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PlayBase
import PlayVault

/// Shows text through `$ANSIBLE_PAGER` / `$PAGER` / `less` when stdout is a terminal, else writes it.
struct Pager {
    var environment: [String: String]
    var console: Console

    func show(_ text: [UInt8]) throws {
        let configured = environment["ANSIBLE_PAGER"] ?? environment["PAGER"]
        let command = configured ?? "less"
        // Without a configured pager and without less, the text goes straight to the terminal.
        guard console.stdoutIsTerminal, !command.isEmpty, configured != nil || onPath("less") else {
            try console.writeStdout(text)
            return
        }
        var childEnvironment = environment
        if command.contains("less") { childEnvironment["LESS"] = "FRSX" }
        // No pager to run: show the text directly, as ansible does when less is missing.
        guard let pipe = try? Subprocess.makePipe() else {
            try console.writeStdout(text)
            return
        }
        let pid: pid_t
        switch Subprocess.spawn(["/bin/sh", "-c", command], environment: childEnvironment,
                                stdin: .descriptor(pipe.read), processGroup: false) {
        case .success(let child): pid = child
        case .failure:
            close(pipe.read)
            close(pipe.write)
            try console.writeStdout(text)
            return
        }
        close(pipe.read)
        // The user may quit the pager early (EPIPE instead of dying), and Ctrl-C belongs to the pager.
        let oldPipe = signal(SIGPIPE, SIG_IGN)
        let oldInterrupt = signal(SIGINT, SIG_IGN)
        defer {
            signal(SIGPIPE, oldPipe)
            signal(SIGINT, oldInterrupt)
        }
        _ = FileIO.write(fd: pipe.write, text)
        close(pipe.write)
        _ = Subprocess.wait(pid)
    }

    private func onPath(_ name: String) -> Bool {
        (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}
