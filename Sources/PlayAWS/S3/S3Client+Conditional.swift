import Foundation
import PlayBase

/// Compare-and-swap on one S3 object, the primitive of a lease lock kept in S3: a PUT that only
/// creates (`If-None-Match: *`), a PUT or DELETE that only replaces the version the caller read
/// (`If-Match: ETAG`). S3 answers 412 PreconditionFailed when the condition does not hold, and
/// 409 ConditionalRequestConflict when two conditional writes race; both come back as
/// `AWSError.isConditionFailure`.
public enum S3WriteCondition: Sendable, Hashable {
    /// Only when no object has the key.
    case absent
    /// Only when the object's ETag is this one (without quotes).
    case matches(String)

    var header: (String, String) {
        switch self {
        case .absent: return ("If-None-Match", "*")
        case .matches(let etag): return ("If-Match", "\"\(etag)\"")
        }
    }
}

/// A small object read with the facts a lease needs: its ETag, when S3 last wrote it, and S3's
/// clock at the time of the read (so expiry is judged on one clock, not on each operator's).
public struct S3VersionedObject: Sendable {
    public var data: Data
    public var etag: String
    public var lastModified: Date?
    public var serverDate: Date?
}

extension S3Client {
    /// Writes `data` only if `condition` holds. Returns the new ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, data: Data, condition: S3WriteCondition,
                          contentType: String = "application/json") async throws -> String {
        let md5 = Digest.md5(data)
        var headers = HTTPHeaders()
        headers.set("Content-Type", contentType)
        headers.set("Content-MD5", Data(md5).base64EncodedString())
        let (name, value) = condition.header
        headers.set(name, value)
        let response = try await send("PutObject", "PUT", bucket: bucket, key: key, headers: headers, body: .data(data),
                                      payloadHash: Digest.sha256(data).hexString)
        return response.headers["ETag"].map(S3ObjectInfo.unquote) ?? md5.hexString
    }

    /// Deletes the object only while its ETag is `etag`.
    public func deleteObject(bucket: String, key: String, ifMatch etag: String) async throws {
        var headers = HTTPHeaders()
        headers.set("If-Match", "\"\(etag)\"")
        _ = try await send("DeleteObject", "DELETE", bucket: bucket, key: key, headers: headers)
    }

    /// The object with its ETag and S3's dates, or nil when there is none.
    public func versionedObject(bucket: String, key: String) async throws -> S3VersionedObject? {
        let response: HTTPResponse
        do {
            response = try await send("GetObject", "GET", bucket: bucket, key: key)
        } catch let error as AWSError where error.code == "NoSuchKey" || (error.kind == .service && error.httpStatus == 404
                                                                           && error.code != "NoSuchBucket") {
            return nil
        }
        let info = S3ObjectInfo(bucket: bucket, key: key, headers: response.headers)
        return S3VersionedObject(data: response.body, etag: info.etag ?? Digest.md5(response.body).hexString,
                                 lastModified: info.lastModified,
                                 serverDate: response.headers["Date"].flatMap(AWSSession.parseHTTPDate))
    }

    /// The keys under `prefix` in S3's (ascending) order, at most `limit` of them: one page.
    public func firstKeys(bucket: String, prefix: String, limit: Int) async throws -> [String] {
        let query = [HTTPRequest.QueryItem("list-type", "2"), .init("prefix", prefix),
                     .init("max-keys", String(max(1, min(limit, 1000))))]
        let response = try await send("ListObjectsV2", "GET", bucket: bucket, key: nil, query: query)
        guard let root = XMLTree.parse(response.body) else {
            throw session.decodingError(operation("ListObjectsV2", bucket: bucket, key: nil), response, "the answer is not XML")
        }
        return root.children("Contents").map(S3Object.init(xml:)).map(\.key)
    }
}

extension AWSError {
    /// A conditional write lost: the object changed (412) or another conditional write raced it (409).
    public var isConditionFailure: Bool {
        kind == .service && (code == "PreconditionFailed" || code == "ConditionalRequestConflict"
                             || httpStatus == 412)
    }
}
