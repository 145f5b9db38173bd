import Foundation
import PlayBase
import PlayConnection
import PlayTestSupport

/// A private UTS and mount namespace on this machine (`unshare --uts --mount`, held open by a
/// `sleep` this object started and stops), and a connection whose commands run inside it
/// through `nsenter`: hostname and mount tests change the namespace's host name and mount
/// table, never the machine's.
final class NamespaceHost {
    private let holder: Process
    var pid: Int32 { holder.processIdentifier }

    init() throws {
        holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        holder.arguments = ["--uts", "--mount", "--propagation", "private", "sleep", "600"]
        try holder.run()
        // unshare has made the namespaces once /proc shows the sleep's own mount namespace.
        let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
        for _ in 0..<200 {
            if let theirs = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/mnt"), theirs != own,
               (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("sleep") == true { return }
            usleep(10_000)
        }
        holder.terminate()
        throw SSHFleet.Failure(description: "unshare --uts --mount did not start (is this machine allowed to make namespaces?)")
    }

    deinit {
        if holder.isRunning { kill(pid, SIGKILL) }
        holder.waitUntilExit()
    }

    /// The words that run a command inside the namespaces.
    var prefix: [String] { ["nsenter", "-t", String(pid), "-u", "-m"] }

    var connection: NamespaceConnection { NamespaceConnection(pid: pid) }
}

/// A local connection whose commands run inside another process's UTS and mount namespaces.
struct NamespaceConnection: Connection {
    let pid: Int32
    private let base = LocalConnection()

    init(pid: Int32) { self.pid = pid }

    var hostName: String { "namespace" }

    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        var wrapped = request
        wrapped.command = "exec nsenter -t \(pid) -u -m /bin/sh -c " + ShellWords.quote(request.command)
        return try await base.run(wrapped)
    }

    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        try await base.put(data, to: remotePath, mode: mode, become: become, becomeUser: becomeUser)
    }

    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        try await base.fetch(remotePath, become: become, becomeUser: becomeUser)
    }

    func close() async { await base.close() }
}
