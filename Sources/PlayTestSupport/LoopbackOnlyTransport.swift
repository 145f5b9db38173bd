import Foundation
import PlayAWS

/// Wraps a transport and refuses any request that would leave 127.0.0.0/8, so a test that forgot
/// an endpoint fails instead of calling real AWS.
public struct LoopbackOnlyTransport: HTTPTransport {
    public let base: any HTTPTransport

    public init(_ base: any HTTPTransport) {
        self.base = base
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard Self.isLoopback(request.host) else {
            throw HTTPTransportError(.cannotConnect, "test transport refuses \(request.summary): only 127.0.0.0/8 is allowed in tests")
        }
        return try await base.send(request)
    }

    public func shutdown() { base.shutdown() }

    public static func isLoopback(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
