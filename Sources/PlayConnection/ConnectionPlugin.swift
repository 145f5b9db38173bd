import Foundation

/// A connection kind implemented in a target above this one (the `aws_ssm` connection needs
/// PlayAWS, which this target must not know): the pool hands hosts whose settings name it
/// (`ConnectionSettings.Kind.plugin`) to it. It keeps what it shares between hosts (sessions,
/// clients) and releases it in `close()`, which the pool calls from `closeAll()`.
public protocol ConnectionPlugin: Sendable {
    /// The `ConnectionSettings.Kind.plugin` name it serves.
    var name: String { get }
    func connection(for hostName: String, settings: ConnectionSettings) async throws(ConnectionError) -> any Connection
    func close() async
}
