import Foundation

/// One host's transport: Ansible's four connection verbs. Implementations: `LocalConnection`
/// (a subprocess on this machine) and `SSHConnection` (the system OpenSSH client over one
/// multiplexed master per host). Get them from a `ConnectionPool`.
public protocol Connection: Sendable {
    /// The inventory name of the host, used in every error.
    var hostName: String { get }

    /// Runs `request.command` with `/bin/sh -c` on the host. A command that runs and fails is
    /// a result with its exit code; only transport failures throw.
    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult

    /// Writes `data` to `remotePath` atomically (a temporary file beside it, then a rename),
    /// with `mode` (e.g. `0o644`) if given, else the remote umask's default for new files.
    /// `~/` at the start means the remote user's home. With `become` the file is written as
    /// `becomeUser` (root when nil) through sudo.
    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError)

    /// Reads the whole of `remotePath` (as `becomeUser` through sudo with `become`).
    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data

    /// Releases what this connection holds. Connections from a pool share the host's master;
    /// the pool closes masters (`ConnectionPool.closeAll()`), so this is for standalone use.
    func close() async
}

extension Connection {
    /// `put` as the connecting user.
    public func put(_ data: Data, to remotePath: String, mode: Int? = nil) async throws(ConnectionError) {
        try await put(data, to: remotePath, mode: mode, become: false, becomeUser: nil)
    }

    /// `fetch` as the connecting user.
    public func fetch(_ remotePath: String) async throws(ConnectionError) -> Data {
        try await fetch(remotePath, become: false, becomeUser: nil)
    }

    /// Runs `command` with no input, environment or become.
    public func run(_ command: String) async throws(ConnectionError) -> CommandResult {
        try await run(CommandRequest(command: command))
    }
}
