import Foundation
import PlayBase

extension S3Client {
    /// True when the bucket exists and these credentials may see it (HeadBucket 200); false on 404.
    public func bucketExists(_ bucket: String) async throws -> Bool {
        do {
            _ = try await send("HeadBucket", "HEAD", bucket: bucket, key: nil)
            return true
        } catch let error as AWSError where error.httpStatus == 404 {
            return false
        }
    }

    /// Deletes an empty bucket.
    public func deleteBucket(_ bucket: String) async throws {
        _ = try await send("DeleteBucket", "DELETE", bucket: bucket, key: nil)
    }

    /// A bucket sub-resource (`?versioning`, `?tagging`, `?policy`...) as parsed XML, or nil when
    /// S3 answers that it is not set (404 with the given codes).
    public func bucketSubresource(_ bucket: String, _ name: String, absentCodes: Set<String> = []) async throws -> (XMLTree?, Data) {
        do {
            let response = try await send("GetBucket\(name.capitalized)", "GET", bucket: bucket, key: nil, query: [.init(name, "")])
            return (XMLTree.parse(response.body), response.body)
        } catch let error as AWSError where absentCodes.contains(error.code) {
            return (nil, Data())
        }
    }

    /// Sets a bucket sub-resource from an XML or JSON body; an empty body deletes it.
    public func putBucketSubresource(_ bucket: String, _ name: String, body: Data) async throws {
        let method = body.isEmpty ? "DELETE" : "PUT"
        var headers = HTTPHeaders()
        if !body.isEmpty { headers.set("Content-MD5", Data(Digest.md5(body)).base64EncodedString()) }
        _ = try await send("\(method == "PUT" ? "Put" : "Delete")Bucket\(name.capitalized)", method, bucket: bucket, key: nil,
                           query: [.init(name, "")], headers: headers, body: body.isEmpty ? .empty : .data(body),
                           payloadHash: Digest.sha256(body).hexString)
    }
}
