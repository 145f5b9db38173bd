import Foundation

/// What HeadObject / GetObject / PutObject tell about an object.
public struct S3ObjectInfo: Sendable, Hashable {
    public var bucket: String
    public var key: String
    public var size: Int?
    /// Without quotes. For single-part uploads without KMS encryption, the MD5 of the content in hex.
    public var etag: String?
    public var contentType: String?
    public var lastModified: Date?
    public var versionID: String?
    /// `x-amz-meta-*` headers, names without the prefix, lowercased.
    public var metadata: [String: String]
    /// "AES256", "aws:kms"...
    public var serverSideEncryption: String?

    init(bucket: String, key: String, headers: HTTPHeaders) {
        self.bucket = bucket
        self.key = key
        size = headers["Content-Length"].flatMap { Int($0) }
        etag = headers["ETag"].map(Self.unquote)
        contentType = headers["Content-Type"]
        lastModified = headers["Last-Modified"].flatMap(AWSSession.parseHTTPDate)
        versionID = headers["x-amz-version-id"]
        serverSideEncryption = headers["x-amz-server-side-encryption"]
        var metadata: [String: String] = [:]
        for field in headers where field.name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(field.name.lowercased().dropFirst("x-amz-meta-".count))] = field.value
        }
        self.metadata = metadata
    }

    /// True when the ETag is the content's MD5 (not multipart, not KMS or customer-key encrypted).
    public var etagIsMD5: Bool {
        guard let etag, etag.count == 32, etag.allSatisfy(\.isHexDigit) else { return false }
        return serverSideEncryption == nil || serverSideEncryption == "AES256"
    }

    static func unquote(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("W/") { t.removeFirst(2) }
        if t.hasPrefix("\""), t.hasSuffix("\""), t.count >= 2 { t = String(t.dropFirst().dropLast()) }
        return t.lowercased()
    }
}
