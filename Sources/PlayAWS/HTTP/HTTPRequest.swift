import Foundation

/// One HTTP exchange as the signer and the transport see it.
public struct HTTPRequest: Sendable {
    /// What is sent as the body.
    public enum Body: Sendable, Hashable {
        case data(Data)
        /// Streamed from a file (large S3 uploads).
        case file(URL)

        public static let empty = Body.data(Data())
    }

    public var method: String
    public var scheme: String
    public var host: String
    /// nil for the scheme's default port.
    public var port: Int?
    /// The path as it goes on the wire (S3 keys already percent-encoded once); Query APIs use "/".
    public var path: String
    /// Query parameters, not yet encoded.
    public var query: [QueryItem]
    public var headers: HTTPHeaders
    public var body: Body
    /// Seconds without progress before the attempt fails; 0 means the transport's default.
    public var timeout: TimeInterval
    /// When set, the response body is written to this file instead of memory.
    public var downloadDestination: URL?
    /// Requests with the same pool share one connection pool (one set of warm libcurl handles per service and region).
    public var connectionPool: String
    /// A response body held in memory (not one written to `downloadDestination`) may be this
    /// large; a larger one fails the attempt with a local transport error.
    public var maxResponseBytes = HTTPRequest.defaultMaxResponseBytes
    /// 64 MiB: AWS API answers are kilobytes; an endless body (a wrong endpoint) must not fill memory.
    public static let defaultMaxResponseBytes = 64 << 20

    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, scheme: String = "https", host: String, port: Int? = nil, path: String = "/",
                query: [QueryItem] = [], headers: HTTPHeaders = HTTPHeaders(), body: Body = .empty,
                timeout: TimeInterval = 0, downloadDestination: URL? = nil, connectionPool: String = "default") {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.downloadDestination = downloadDestination
        self.connectionPool = connectionPool
    }

    /// `host[:port]`, the port only when it is not the scheme's default: what `Host` carries and SigV4 signs.
    public var hostHeader: String {
        guard let port else { return host }
        let isDefault = (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
        return isDefault ? host : "\(host):\(port)"
    }

    /// The encoded query string, in the order given.
    public var encodedQuery: String {
        query.map { URIEncoding.encode($0.name) + "=" + URIEncoding.encode($0.value) }.joined(separator: "&")
    }

    public var url: URL? {
        var text = "\(scheme)://\(hostHeader)\(path.isEmpty ? "/" : path)"
        if !query.isEmpty { text += "?" + encodedQuery }
        return URL(string: text)
    }

    /// "GET https://host/path" without the query, for error messages and logs.
    public var summary: String { "\(method) \(scheme)://\(hostHeader)\(path)" }
}
