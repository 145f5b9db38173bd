import Foundation
import PlayBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `ansible_connection=local`: commands run as `/bin/sh -c` subprocesses of play (in their own
/// process group, killed whole on a time limit), files are written directly.
public struct LocalConnection: Connection {
    public let hostName: String
    /// Become method from the settings; only sudo is supported.
    public let becomeMethod: String
    /// Limit for requests that set none.
    public let commandTimeout: Duration?

    public init(hostName: String = "localhost", settings: ConnectionSettings? = nil) {
        self.hostName = hostName
        self.becomeMethod = settings?.becomeMethod ?? "sudo"
        self.commandTimeout = settings?.commandTimeout
    }

    public func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        let invocation = try CommandScript.invocation(for: request, becomeMethod: becomeMethod, markExit255: false, host: hostName)
        let timeout = request.timeout ?? commandTimeout
        let output: SubprocessOutput
        do {
            output = try await Subprocess.run(invocation.words, stdin: invocation.stdin, timeout: timeout,
                                               outputLimit: request.outputLimit)
        } catch {
            throw .configuration(host: hostName, message: error.description)
        }
        if output.cancelled { throw .cancelled(host: hostName) }
        if output.timedOut, let timeout { throw .timedOut(host: hostName, after: timeout) }
        switch CommandScript.interpret(
            status: output.status, stdout: output.stdout, stderr: output.stderr, become: request.become, viaSSH: false)
        {
        case .completed(let status, let stdout, let stderr):
            return CommandResult(exitCode: status, stdout: stdout, stderr: stderr, duration: output.duration,
                                 stdoutOmitted: output.stdoutOmitted, stderrOmitted: output.stderrOmitted)
        case .becomeFailed(let message):
            throw .becomeFailed(host: hostName, message: message)
        case .connectionFailed(let message, _, _):
            throw .unreachable(host: hostName, message: message)
        }
    }

    public func put(_ data: Data, to path: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        guard FileTransferScript.validMode(mode) else {
            throw .configuration(host: hostName, message: "file mode \(mode ?? 0) is out of range (0 to 0o7777)")
        }
        if become {
            let request = CommandRequest(
                command: FileTransferScript.put(path: path, mode: mode), stdin: data, become: true, becomeUser: becomeUser)
            let result = try await run(request)
            if result.exitCode != 0 {
                throw .transfer(host: hostName, path: path, message: CommandScript.text(result.stderr))
            }
            return
        }
        let target = Self.expand(path)
        let url = URL(fileURLWithPath: target)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).play-tmp-\(UInt64.random(in: 0...UInt64.max))").path
        if let message = Self.writeFile(data, at: temporary, mode: mode) {
            unlink(temporary)
            throw .transfer(host: hostName, path: path, message: message)
        }
        if rename(temporary, target) != 0 {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw .transfer(host: hostName, path: path, message: message)
        }
    }

    public func fetch(_ path: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        if become {
            let result = try await run(FileTransferScript.fetch(path: path, become: true, becomeUser: becomeUser))
            return try FileTransferScript.fetched(result, path: path, host: hostName)
        }
        switch Self.readFile(at: Self.expand(path)) {
        case .success(let data): return data
        case .failure(let message): throw .transfer(host: hostName, path: path, message: message.text)
        }
    }

    public func close() async {}

    /// `~` and `~/...` mean this user's home, as they would in a shell.
    private static func expand(_ path: String) -> String {
        path == "~" || path.hasPrefix("~/") ? NSString(string: path).expandingTildeInPath : path
    }

    /// Creates `path` (which must not exist), writes all of `data`, applies `mode`; returns
    /// the error text on failure.
    private static func writeFile(_ data: Data, at path: String, mode: Int?) -> String? {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode ?? 0o666))
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { closeDescriptor(fd) }
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { write(fd, $0.baseAddress! + offset, data.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        // open() applied the umask; an explicit mode is meant exactly.
        if let mode, fchmod(fd, mode_t(mode)) != 0 { return String(cString: strerror(errno)) }
        return nil
    }

    private struct ReadFailure: Error { var text: String }

    private static func readFile(at path: String) -> Result<Data, ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadFailure(text: String(cString: strerror(errno)))) }
        defer { closeDescriptor(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buffer[0..<n]); continue }
            if n == 0 { return .success(data) }
            if errno == EINTR { continue }
            return .failure(ReadFailure(text: String(cString: strerror(errno))))
        }
    }
}

/// `close(2)`, under a name the `Connection.close()` method does not shadow.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
