import Foundation
import PlayBase

/// S3 (REST). Path-style URLs whenever the endpoint is overridden (moto, MinIO, the sandbox) or the
/// bucket name does not fit in a host name; virtual-hosted style on AWS otherwise.
public struct S3Client: Sendable {
    public let session: AWSSession
    public let region: String

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    // MARK: objects

    /// Metadata of an object; throws `NotFound` (HTTP 404) when it does not exist.
    public func headObject(bucket: String, key: String) async throws -> S3ObjectInfo {
        let response = try await send("HeadObject", "HEAD", bucket: bucket, key: key)
        return S3ObjectInfo(bucket: bucket, key: key, headers: response.headers)
    }

    /// Metadata of an object, or nil when there is none.
    public func objectInfo(bucket: String, key: String) async throws -> S3ObjectInfo? {
        do {
            return try await headObject(bucket: bucket, key: key)
        } catch let error as AWSError where error.kind == .service && error.httpStatus == 404 {
            return nil
        }
    }

    /// Downloads an object into `destination`, streamed to disk, and verifies it before the file
    /// appears: the size against Content-Length, the MD5 against the ETag where the ETag is one, and
    /// `expectedSHA256` (hex) when given. A mismatch is downloaded once more, then is an error;
    /// a partial or corrupt file never replaces `destination`.
    @discardableResult
    public func getObject(bucket: String, key: String, to destination: URL,
                          expectedSHA256: String? = nil) async throws -> S3ObjectInfo {
        let directory = destination.deletingLastPathComponent()
        var lastError: AWSError?
        for _ in 1...2 {
            let partial = directory.appendingPathComponent(".\(destination.lastPathComponent).part-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: partial) }
            let response = try await send("GetObject", "GET", bucket: bucket, key: key, download: partial)
            let info = S3ObjectInfo(bucket: bucket, key: key, headers: response.headers)
            if let failure = verify(file: partial, info: info, expectedSHA256: expectedSHA256) {
                lastError = failure
                continue
            }
            // rename(2) in the same directory: readers see the old file or the new one, never a mix.
            guard rename(partial.path, destination.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw AWSError(kind: .transport, service: "S3", operation: "GetObject", code: "LocalError",
                               message: "cannot write \(destination.path): \(reason)", region: region)
            }
            return info
        }
        throw lastError!
    }

    /// A small object read into memory, verified like `getObject(to:)`.
    public func getObjectData(bucket: String, key: String) async throws -> (Data, S3ObjectInfo) {
        let response = try await send("GetObject", "GET", bucket: bucket, key: key)
        let info = S3ObjectInfo(bucket: bucket, key: key, headers: response.headers)
        if info.etagIsMD5, let etag = info.etag, Digest.md5(response.body).hexString != etag {
            throw checksumError("GetObject", bucket, key, "the body's MD5 differs from the ETag \(etag)")
        }
        return (response.body, info)
    }

    /// Uploads `data`; S3 checks it against Content-MD5 and we check the returned ETag. Returns the ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, data: Data, contentType: String? = nil,
                          metadata: [String: String] = [:]) async throws -> String {
        let md5 = Digest.md5(data)
        return try await put(bucket: bucket, key: key, body: .data(data), sha256: Digest.sha256(data).hexString,
                             md5: md5, contentType: contentType, metadata: metadata)
    }

    /// Uploads a file, streamed from disk (single PUT: up to 5 GB). Returns the ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, file: URL, contentType: String? = nil,
                          metadata: [String: String] = [:]) async throws -> String {
        let digests: [[UInt8]]
        do {
            digests = try StreamingDigest.hashFile(file, algorithms: [.sha256, .md5])
        } catch {
            throw AWSError(kind: .transport, service: "S3", operation: "PutObject", code: "LocalError",
                           message: "cannot read \(file.path): \(error.localizedDescription)", region: region)
        }
        return try await put(bucket: bucket, key: key, body: .file(file), sha256: digests[0].hexString, md5: digests[1],
                             contentType: contentType, metadata: metadata)
    }

    private func put(bucket: String, key: String, body: HTTPRequest.Body, sha256: String, md5: [UInt8],
                     contentType: String?, metadata: [String: String]) async throws -> String {
        var headers = HTTPHeaders()
        headers.set("Content-Type", contentType ?? "application/octet-stream")
        headers.set("Content-MD5", Data(md5).base64EncodedString())
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { headers.set("x-amz-meta-\(name)", value) }
        let response = try await send("PutObject", "PUT", bucket: bucket, key: key, headers: headers, body: body,
                                      payloadHash: sha256)
        let etag = response.headers["ETag"].map(S3ObjectInfo.unquote) ?? ""
        let encrypted = response.headers["x-amz-server-side-encryption"].map { $0 != "AES256" } ?? false
        if !encrypted, etag.count == 32, etag != md5.hexString {
            throw checksumError("PutObject", bucket, key, "S3 stored content whose MD5 (\(etag)) differs from what was sent (\(md5.hexString))")
        }
        return etag
    }

    /// Every object under `prefix`, across pages.
    public func listObjects(bucket: String, prefix: String? = nil, pageSize: Int? = nil) async throws -> [S3Object] {
        var all: [S3Object] = []
        var token: String?
        var tokens = PaginationTokens(service: "S3", operation: "ListObjectsV2", region: region)
        repeat {
            var query = [HTTPRequest.QueryItem("list-type", "2")]
            if let prefix { query.append(.init("prefix", prefix)) }
            if let pageSize { query.append(.init("max-keys", String(pageSize))) }
            if let token { query.append(.init("continuation-token", token)) }
            let response = try await send("ListObjectsV2", "GET", bucket: bucket, key: nil, query: query,
                                          continuation: token != nil)
            let root: XMLTree
            do { root = try XMLTree.read(response.body) } catch {
                throw session.decodingError(operation("ListObjectsV2", bucket: bucket, key: nil), response, error.description)
            }
            all += root.children("Contents").map(S3Object.init(xml:))
            token = try tokens.follow(root.bool("IsTruncated") == true ? root.nonEmpty("NextContinuationToken") : nil)
        } while token != nil
        return all
    }

    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send("DeleteObject", "DELETE", bucket: bucket, key: key)
    }

    // MARK: buckets

    /// Creates a bucket in this client's region; a bucket we already own counts as success.
    public func createBucket(_ bucket: String) async throws {
        var body = Data()
        if region != "us-east-1" {
            body = Data(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        do {
            _ = try await send("CreateBucket", "PUT", bucket: bucket, key: nil, body: .data(body),
                               payloadHash: Digest.sha256(body).hexString)
        } catch let error as AWSError where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    // MARK: plumbing

    func operation(_ name: String, bucket: String, key: String?) -> AWSOperation {
        var context = ["Bucket": bucket]
        context["Key"] = key
        // Every S3 call here is safe to repeat: reads, deletes, and PUTs that overwrite with the same bytes.
        return AWSOperation(service: .s3, name: name, region: region, wire: .restXML, idempotent: true, context: context)
    }

    func send(_ name: String, _ method: String, bucket: String, key: String?,
                      query: [HTTPRequest.QueryItem] = [], headers: HTTPHeaders = HTTPHeaders(),
                      body: HTTPRequest.Body = .empty, payloadHash: String = SigV4Signer.emptyPayloadHash,
                      download: URL? = nil, continuation: Bool = false) async throws -> HTTPResponse {
        var operation = operation(name, bucket: bucket, key: key)
        operation.isContinuation = continuation
        return try await session.perform(operation) { endpoint in
            let (host, path) = Self.address(bucket: bucket, key: key, endpoint: endpoint)
            var request = HTTPRequest(method: method, scheme: endpoint.scheme, host: host, port: endpoint.port,
                                      path: path, query: query, headers: headers, body: body,
                                      downloadDestination: download)
            request.headers.set("X-Amz-Content-SHA256", payloadHash)
            // libcurl would otherwise inflate gzip-encoded objects and break the checksum.
            if method == "GET" { request.headers.set("Accept-Encoding", "identity") }
            return request
        }
    }

    /// Host and path for an object: path style (`host/bucket/key`) for custom endpoints and names that
    /// cannot be a host label, else virtual-hosted (`bucket.host/key`). Keys are encoded once, `/` kept.
    static func address(bucket: String, key: String?, endpoint: AWSEndpoint) -> (host: String, path: String) {
        let encodedKey = key.map { URIEncoding.encode($0, keepSlash: true) }
        if endpoint.isCustom || !isVirtualHostable(bucket, scheme: endpoint.scheme) {
            let base = endpoint.basePath + "/" + bucket
            return (endpoint.host, encodedKey.map { base + "/" + $0 } ?? base)
        }
        return ("\(bucket).\(endpoint.host)", "/" + (encodedKey ?? ""))
    }

    static func isVirtualHostable(_ bucket: String, scheme: String) -> Bool {
        guard (3...63).contains(bucket.count), !bucket.hasPrefix("-"), !bucket.hasSuffix("-") else { return false }
        // Dots break the wildcard TLS certificate.
        if scheme == "https" && bucket.contains(".") { return false }
        return bucket.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." } && bucket.allSatisfy(\.isASCII)
    }

    private func verify(file: URL, info: S3ObjectInfo, expectedSHA256: String?) -> AWSError? {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue
        if let expected = info.size, let size, expected != size {
            return checksumError("GetObject", info.bucket, info.key, "received \(size) bytes of \(expected)")
        }
        var algorithms: [Digest.Algorithm] = []
        if info.etagIsMD5 { algorithms.append(.md5) }
        if expectedSHA256 != nil { algorithms.append(.sha256) }
        guard !algorithms.isEmpty else { return nil }
        guard let digests = try? StreamingDigest.hashFile(file, algorithms: algorithms) else {
            return checksumError("GetObject", info.bucket, info.key, "the downloaded file could not be read back")
        }
        var index = 0
        if info.etagIsMD5 {
            if digests[0].hexString != info.etag {
                return checksumError("GetObject", info.bucket, info.key,
                                     "the file's MD5 \(digests[0].hexString) differs from the ETag \(info.etag ?? "")")
            }
            index = 1
        }
        if let expectedSHA256, digests[index].hexString != expectedSHA256.lowercased() {
            return checksumError("GetObject", info.bucket, info.key,
                                 "the file's SHA-256 \(digests[index].hexString) differs from the expected \(expectedSHA256.lowercased())")
        }
        return nil
    }

    private func checksumError(_ operation: String, _ bucket: String, _ key: String, _ message: String) -> AWSError {
        AWSError(kind: .checksum, service: "S3", operation: operation, code: "ChecksumMismatch", message: message,
                 hint: "s3://\(bucket)/\(key) arrived damaged twice: check the network or proxy; the previous local file was kept",
                 region: region)
    }
}
