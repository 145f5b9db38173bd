import Foundation
import PlayBase

/// AWS Signature Version 4 for requests sent in headers (`Authorization`), as the AWS SDKs sign them.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// The signing name: `ec2`, `elasticloadbalancing`, `s3`, `ecs`, `iam`.
    public var service: String

    /// Headers the SDKs leave unsigned because proxies and HTTP stacks may change them.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id",
                                               "content-length", "accept-encoding", "connection"]

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The pieces of one signature, exposed so tests can compare each step with the AWS suite.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signedHeaders: String
        public var signature: String
        public var authorization: String
    }

    /// Adds `X-Amz-Date`, `X-Amz-Security-Token` (signed) and `Authorization` to `request`.
    /// `Content-Length`, if present, stays unsigned: HTTP stacks rewrite it.
    /// The payload hash is the `X-Amz-Content-SHA256` header when present (S3), else SHA-256 of an in-memory body.
    @discardableResult
    public func sign(_ request: inout HTTPRequest, at date: Date) -> Signature {
        request.headers.set("X-Amz-Date", Self.amzDate(date))
        if let token = credentials.sessionToken {
            request.headers.set("X-Amz-Security-Token", token)
        }
        let result = signature(for: request, at: date, signing: { name in !Self.unsignedHeaders.contains(name) })
        request.headers.set("Authorization", result.authorization)
        return result
    }

    /// Computes the signature without changing the request; `signing` picks which headers to sign
    /// (the AWS suite signs every header it lists, `Content-Length` included when present).
    public func signature(for request: HTTPRequest, at date: Date,
                          signing include: (String) -> Bool = { _ in true }) -> Signature {
        let payloadHash = request.headers["X-Amz-Content-SHA256"] ?? {
            if case .data(let data) = request.body { return Digest.sha256(data).hexString }
            return Self.unsignedPayload
        }()

        // Canonical headers: lowercase names sorted, values trimmed with inner whitespace runs
        // collapsed, repeated names joined by commas in their original order.
        var grouped: [String: [String]] = [:]
        var hasHost = false
        for field in request.headers {
            let name = field.name.lowercased()
            guard include(name) || name == "host" else { continue }
            if name == "host" { hasHost = true }
            grouped[name, default: []].append(Self.canonicalHeaderValue(field.value))
        }
        if !hasHost { grouped["host"] = [request.hostHeader] }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let canonicalRequest = [
            request.method.uppercased(),
            canonicalURI(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let amzDate = request.headers["X-Amz-Date"] ?? Self.amzDate(date)
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope,
                            Digest.sha256(Array(canonicalRequest.utf8)).hexString].joined(separator: "\n")

        let key = signingKey(day: day)
        let signature = Digest.hmacSHA256(key: key, stringToSign).hexString
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign,
                         signedHeaders: signedHeaders, signature: signature, authorization: authorization)
    }

    func signingKey(day: String) -> [UInt8] {
        let kDate = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), day)
        let kRegion = Digest.hmacSHA256(key: kDate, region)
        let kService = Digest.hmacSHA256(key: kRegion, service)
        return Digest.hmacSHA256(key: kService, "aws4_request")
    }

    /// S3 signs the path exactly as sent. Every other service signs the path with dot segments and
    /// repeated slashes removed, each segment URI-encoded once more (so a wire path is encoded twice).
    func canonicalURI(_ path: String) -> String {
        if path.isEmpty { return "/" }
        if service == "s3" { return path }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        var normalized = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && normalized != "/" { normalized += "/" }
        return URIEncoding.encode(normalized, keepSlash: true)
    }

    static func canonicalQuery(_ items: [HTTPRequest.QueryItem]) -> String {
        let encoded: [(name: String, value: String)] = items.map {
            (URIEncoding.encode($0.name), URIEncoding.encode($0.value))
        }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    static func canonicalHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
    }

    /// `20150830T123600Z`, always in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        let time = String(format: "%02d%02d%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        return day + "T" + time + "Z"
    }

    /// Parses `20150830T123600Z`.
    public static func parseAmzDate(_ text: String) -> Date? {
        let digits = text.filter(\.isNumber)
        guard digits.count == 14, text.hasSuffix("Z") else { return nil }
        func part(_ from: Int, _ length: Int) -> Int {
            Int(digits.dropFirst(from).prefix(length))!
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: part(0, 4), month: part(4, 2), day: part(6, 2),
                                                  hour: part(8, 2), minute: part(10, 2), second: part(12, 2)))
    }
}
