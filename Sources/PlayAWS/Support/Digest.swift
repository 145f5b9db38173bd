import CLibCrypto
import Foundation

/// SHA-256, HMAC-SHA256 and MD5 from OpenSSL's libcrypto.
enum Digest {
    static func sha256(_ data: some DataProtocol) -> [UInt8] {
        let hasher = StreamingDigest(.sha256)
        hasher.update(data)
        return hasher.finish()
    }

    static func md5(_ data: some DataProtocol) -> [UInt8] {
        let hasher = StreamingDigest(.md5)
        hasher.update(data)
        return hasher.finish()
    }

    static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, o.baseAddress, &length)
                }
            }
        }
        precondition(ok != nil, "HMAC-SHA256 failed in libcrypto")
        return Array(out.prefix(Int(length)))
    }

    static func hmacSHA256(key: [UInt8], _ text: String) -> [UInt8] {
        hmacSHA256(key: key, data: Array(text.utf8))
    }
}

/// An incremental hash, for bodies read from or written to files chunk by chunk.
final class StreamingDigest {
    enum Algorithm { case sha256, md5 }

    private let context: OpaquePointer

    init(_ algorithm: Algorithm) {
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        context = ctx
        let md = algorithm == .sha256 ? EVP_sha256() : EVP_md5()
        precondition(EVP_DigestInit_ex(ctx, md, nil) == 1, "EVP_DigestInit_ex failed")
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ data: some DataProtocol) {
        for region in data.regions {
            region.withUnsafeBytes { raw in
                _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count)
            }
        }
    }

    func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return Array(out.prefix(Int(length)))
    }

    /// Hashes a file in 1 MiB chunks so large artefacts never sit in memory whole.
    static func hashFile(_ url: URL, algorithms: [Algorithm]) throws -> [[UInt8]] {
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
    /// Lowercase hex, as SigV4 and S3 ETags spell digests.
    var hexString: String {
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
