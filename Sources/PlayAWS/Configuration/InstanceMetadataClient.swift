import Foundation

/// The EC2 instance metadata service (IMDSv2, falling back to v1 where the token call is not
/// supported), with short timeouts so runs off EC2 give up quickly. The endpoint comes from
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or the profile's `ec2_metadata_service_endpoint`), as in the SDKs.
struct InstanceMetadataClient: Sendable {
    static let defaultEndpoint = "http://169.254.169.254"
    static let defaultIPv6Endpoint = "http://[fd00:ec2::254]"

    let endpoint: AWSEndpoint
    let transport: any HTTPTransport
    let timeout: TimeInterval
    let attempts: Int

    struct Unavailable: Error, Sendable { let reason: String }

    /// nil when `AWS_EC2_METADATA_DISABLED=true`; throws when the configured endpoint is not a URL.
    static func configured(environment env: AWSEnvironment, profile: [String: String],
                           transport: any HTTPTransport) throws -> InstanceMetadataClient? {
        if env.isTrue("AWS_EC2_METADATA_DISABLED") { return nil }
        let ipv6 = (env["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] ?? profile["ec2_metadata_service_endpoint_mode"])?
            .lowercased() == "ipv6"
        let text = env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? profile["ec2_metadata_service_endpoint"]
            ?? (ipv6 ? defaultIPv6Endpoint : defaultEndpoint)
        guard let endpoint = AWSEndpoint(url: text, source: "AWS_EC2_METADATA_SERVICE_ENDPOINT") else {
            throw AWSError.configuration("InvalidEndpoint", "instance metadata endpoint '\(text)' is not an http(s) URL",
                                         about: "credentials",
                                         hint: "fix AWS_EC2_METADATA_SERVICE_ENDPOINT or unset it")
        }
        let timeout = env["AWS_METADATA_SERVICE_TIMEOUT"].flatMap(Double.init) ?? 1
        let attempts = env["AWS_METADATA_SERVICE_NUM_ATTEMPTS"].flatMap(Int.init) ?? 1
        return InstanceMetadataClient(endpoint: endpoint, transport: transport, timeout: timeout, attempts: max(1, attempts))
    }

    /// The role's temporary credentials.
    func credentials() async throws -> AWSCredentials {
        let token = try await sessionToken()
        let listing = try await get("/latest/meta-data/iam/security-credentials/", token: token)
        guard let role = listing.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw Unavailable(reason: "the instance has no IAM role")
        }
        let body = try await get("/latest/meta-data/iam/security-credentials/\(role)", token: token)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let keyID = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String
        else { throw Unavailable(reason: "the role's credentials document could not be read") }
        if let code = object["Code"] as? String, code != "Success" {
            throw Unavailable(reason: "the role's credentials are not available (\(code))")
        }
        let expiration = (object["Expiration"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: object["Token"] as? String,
                              expiration: expiration, source: "EC2 instance metadata (role \(role))")
    }

    /// The instance's region.
    func region() async throws -> String {
        let token = try await sessionToken()
        let region = try await get("/latest/meta-data/placement/region", token: token)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !region.isEmpty else { throw Unavailable(reason: "empty region") }
        return region
    }

    /// An IMDSv2 session token, or nil where the service only speaks v1 (404/405 on the token call).
    func sessionToken() async throws -> String? {
        var request = makeRequest("PUT", "/latest/api/token")
        request.headers.set("X-aws-ec2-metadata-token-ttl-seconds", "21600")
        let response = try await send(request)
        switch response.status {
        case 200: return String(decoding: response.body, as: UTF8.self)
        case 404, 405: return nil
        case 403: throw Unavailable(reason: "instance metadata is disabled on this instance (HTTP 403)")
        default: throw Unavailable(reason: "the token call answered HTTP \(response.status)")
        }
    }

    func get(_ path: String, token: String?) async throws -> String {
        var request = makeRequest("GET", path)
        if let token { request.headers.set("X-aws-ec2-metadata-token", token) }
        let response = try await send(request)
        guard response.status == 200 else {
            throw Unavailable(reason: "\(path) answered HTTP \(response.status)")
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    private func makeRequest(_ method: String, _ path: String) -> HTTPRequest {
        HTTPRequest(method: method, scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                    path: endpoint.basePath + path, timeout: timeout, connectionPool: "imds")
    }

    private func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var lastError: HTTPTransportError?
        for _ in 0..<attempts {
            do {
                return try await transport.send(request)
            } catch let error as HTTPTransportError {
                lastError = error
            }
        }
        let seconds = timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
        throw Unavailable(reason: lastError?.kind == .timedOut ? "no answer within \(seconds) s"
                                                                 : "no answer (\(lastError?.message ?? "unreachable"))")
    }
}
