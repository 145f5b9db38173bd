import CLibCrypto
import Foundation

/// Message digests and HMAC-SHA256 from OpenSSL's libcrypto: the one place the project hashes
/// bytes (file checksums, the `hash` filters, SigV4 and S3, vault key ids). Failures here mean
/// libcrypto itself is broken, so they stop the process rather than reach a caller.
public enum Digest {
    /// A digest libcrypto knows by name: `md5`, `sha1`, `sha256`, or any other OpenSSL name.
    public struct Algorithm: Sendable, Hashable {
        public let name: String

        public static let md5 = Algorithm(name: "md5")
        /// The checksum Ansible compares and reports for files.
        public static let sha1 = Algorithm(name: "sha1")
        public static let sha256 = Algorithm(name: "sha256")
        public static let sha512 = Algorithm(name: "sha512")

        private init(name: String) { self.name = name }

        /// An OpenSSL digest name (`sha512`, `blake2b512`, ...); nil when libcrypto does not know it.
        public init?(named name: String) {
            guard name.withCString({ EVP_get_digestbyname($0) }) != nil else { return nil }
            self.name = name
        }

        var md: OpaquePointer {
            switch name {
            case "md5": EVP_md5()
            case "sha1": EVP_sha1()
            case "sha256": EVP_sha256()
            case "sha512": EVP_sha512()
            default: name.withCString { EVP_get_digestbyname($0) }!
            }
        }
    }

    public static func bytes(_ data: some DataProtocol, _ algorithm: Algorithm) -> [UInt8] {
        let hasher = StreamingDigest(algorithm)
        hasher.update(data)
        return hasher.finish()
    }

    /// Lowercase hex, as Ansible, S3 and SigV4 spell digests.
    public static func hex(_ data: some DataProtocol, _ algorithm: Algorithm) -> String {
        bytes(data, algorithm).hexString
    }

    public static func sha256(_ data: some DataProtocol) -> [UInt8] { bytes(data, .sha256) }

    public static func md5(_ data: some DataProtocol) -> [UInt8] { bytes(data, .md5) }

    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty buffer's base address may be nil, which HMAC rejects.
        let input = data.isEmpty ? [0] : data
        let ok = key.withUnsafeBufferPointer { k in
            input.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, data.count, o.baseAddress, &length)
                }
            }
        }
        precondition(ok != nil && length == 32, "HMAC-SHA256 failed in libcrypto")
        return Array(out.prefix(Int(length)))
    }

    public static func hmacSHA256(key: [UInt8], _ text: String) -> [UInt8] {
        hmacSHA256(key: key, data: Array(text.utf8))
    }
}

/// An incremental digest, for bodies and files hashed chunk by chunk.
public final class StreamingDigest {
    private let context: OpaquePointer
    private let md: OpaquePointer

    public init(_ algorithm: Digest.Algorithm) {
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        context = ctx
        md = algorithm.md
        precondition(EVP_DigestInit_ex(ctx, md, nil) == 1, "EVP_DigestInit_ex failed")
    }

    /// Starts a new digest on the same context (for many small digests in a row).
    public func reset() {
        precondition(EVP_DigestInit_ex(context, md, nil) == 1, "EVP_DigestInit_ex failed")
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ data: some DataProtocol) {
        for region in data.regions {
            region.withUnsafeBytes { raw in
                _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count)
            }
        }
    }

    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(ok == 1, "EVP_DigestFinal_ex failed")
        return Array(out.prefix(Int(length)))
    }

    /// Hashes a file in 1 MiB chunks so large artefacts never sit in memory whole; the digests
    /// come in the order of `algorithms`.
    public static func hashFile(_ url: URL, algorithms: [Digest.Algorithm]) throws -> [[UInt8]] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let hashers = algorithms.map { StreamingDigest($0) }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            for hasher in hashers { hasher.update(chunk) }
        }
        return hashers.map { $0.finish() }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
