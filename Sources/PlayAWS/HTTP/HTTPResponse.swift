import Foundation

/// What came back from one attempt.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The body, or empty when it went to the request's `downloadDestination`.
    public var body: Data

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The request id AWS puts in headers (S3 uses its own name).
    public var requestIDHeader: String? {
        headers["x-amzn-RequestId"] ?? headers["x-amz-request-id"] ?? headers["x-amzn-requestid"]
    }
}
