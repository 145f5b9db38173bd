import Foundation

extension S3Client {
    /// A presigned GET URL for an object (SigV4 query signing, `UNSIGNED-PAYLOAD`), valid for
    /// `expiry` seconds: anyone holding it can download the object until then.
    public func presignedURL(bucket: String, key: String, expiry: Int, at date: Date = Date()) async throws -> String {
        let credentials = try await session.credentials()
        let endpoint = try session.endpoint(for: .s3, region: region)
        let (host, path) = Self.address(bucket: bucket, key: key, endpoint: endpoint)
        let signer = SigV4Signer(credentials: credentials, region: region, service: "s3")
        let amzDate = SigV4Signer.amzDate(date)
        var query: [HTTPRequest.QueryItem] = [
            .init("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            .init("X-Amz-Credential", "\(credentials.accessKeyID)/\(amzDate.prefix(8))/\(region)/s3/aws4_request"),
            .init("X-Amz-Date", amzDate),
            .init("X-Amz-Expires", String(expiry)),
            .init("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { query.append(.init("X-Amz-Security-Token", token)) }
        var request = HTTPRequest(method: "GET", scheme: endpoint.scheme, host: host, port: endpoint.port, path: path, query: query)
        request.headers.set("X-Amz-Date", amzDate)
        let signature = signer.signature(for: request, at: date) { _ in false }
        request.query.append(.init("X-Amz-Signature", signature.signature))
        request.headers = HTTPHeaders()
        return request.url?.absoluteString ?? ""
    }
}
