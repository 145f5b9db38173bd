import Foundation
import PlayAWS

/// One HTTP request and its response through libcurl (`CurlEasy`, loaded on first use), with
/// redirects and authentication challenges NOT handled by libcurl: `uri` decides about both
/// itself, as Ansible does (a 401 comes back as the answer). Each exchange has its own handle.
enum HTTPExchange {
    struct Response: Sendable {
        var status: Int
        /// Header fields as received (repeated names stay separate), sorted by name.
        var headers: [(name: String, value: String)]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        var timedOut: Bool
        var description: String
    }

    /// `url` must carry no credentials (they would show in error messages); `verifyTLS` false
    /// skips certificate and host name checks.
    static func send(method: String, url: URL, headers: [(String, String)], body: Data,
                     timeout: Double, verifyTLS: Bool = true) async throws -> Response {
        let summary = "\(method) \(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
        let exchange = CurlExchange(
            method: method, url: url.absoluteString,
            headers: headers.map { HTTPHeaders.Field(name: $0.0, value: $0.1) },
            body: .data(body), timeout: timeout, verifyTLS: verifyTLS, summary: summary)
        do {
            let easy = try CurlEasy()
            let response = try await easy.perform(exchange)
            let fields = response.headers.fields.map { (name: $0.name, value: $0.value) }
            // Stable sort: repeated names keep the order they came in.
            let sorted = fields.enumerated().sorted {
                let (a, b) = ($0.element.name.lowercased(), $1.element.name.lowercased())
                return a == b ? $0.offset < $1.offset : a < b
            }.map(\.element)
            return Response(status: response.status, headers: sorted, body: response.body)
        } catch let error as HTTPTransportError {
            throw Failure(timedOut: error.kind == .timedOut, description: error.message)
        }
    }
}
