import Foundation

/// Where one service's requests go.
public struct AWSEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?
    /// A path prefix from a custom endpoint URL, without a trailing slash ("" for none).
    public var basePath: String
    /// True when the endpoint came from configuration, not the AWS default: S3 then uses path style.
    public var isCustom: Bool
    /// Where it came from, for messages: "AWS_ENDPOINT_URL_EC2", "endpoint_url argument", "default".
    public var source: String

    public init(scheme: String, host: String, port: Int? = nil, basePath: String = "", isCustom: Bool, source: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
        self.isCustom = isCustom
        self.source = source
    }

    /// Parses `http://127.0.0.1:5000` or `https://host/prefix`; nil when it is not an http(s) URL with a host.
    public init?(url text: String, isCustom: Bool = true, source: String) {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { return nil }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.init(scheme: scheme, host: host, port: components.port, basePath: path, isCustom: isCustom, source: source)
    }

    public var url: String {
        let portPart = port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(portPart)\(basePath)"
    }

    public var description: String { url }

    /// The default AWS endpoint of `service` in `region`.
    public static func standard(for service: AWSService, region: String) -> AWSEndpoint {
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let host = service.isGlobal ? "\(service.endpointPrefix).\(suffix)" : "\(service.endpointPrefix).\(region).\(suffix)"
        return AWSEndpoint(scheme: "https", host: host, isCustom: false, source: "default")
    }
}
