import Foundation

extension S3Client {
    /// A presigned URL for an object (SigV4 query signing, `UNSIGNED-PAYLOAD`), valid for
    /// `expiry` seconds: anyone holding it can download (`GET`) or, for `PUT`, upload the object
    /// until then.
    public func presignedURL(bucket: String, key: String, expiry: Int, method: String = "GET",
                             at date: Date = Date()) async throws -> String {
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
        var request = HTTPRequest(method: method, scheme: endpoint.scheme, host: host, port: endpoint.port, path: path, query: query)
        request.headers.set("X-Amz-Date", amzDate)
        // The payload of a presigned request is unsigned (the signer would hash an empty body).
        request.headers.set("X-Amz-Content-SHA256", SigV4Signer.unsignedPayload)
        let signature = signer.signature(for: request, at: date) { _ in false }
        request.query.append(.init("X-Amz-Signature", signature.signature))
        request.headers = HTTPHeaders()
        return request.url?.absoluteString ?? ""
    }
}
