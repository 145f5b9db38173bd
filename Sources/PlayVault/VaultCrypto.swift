import CLibCrypto
import PlayBase

/// The primitives the AES256 vault cipher needs, all from OpenSSL's libcrypto.
/// Failures here mean libcrypto itself is broken (allocation, RNG), not bad input.
enum VaultCrypto {
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var description: String { "libcrypto failed in \(operation)" }
    }

    /// PBKDF2-HMAC-SHA256: see `PBKDF2`.
    static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) throws(Failure) -> [UInt8] {
        try PBKDF2.sha256(password: password, salt: salt, iterations: iterations, length: length)
    }

    /// AES-256 in CTR mode with a 128-bit big-endian counter (OpenSSL increments all 16 bytes).
    /// Encryption and decryption are the same operation.
    static func aes256CTR(key: [UInt8], counter: [UInt8], _ input: [UInt8]) throws(Failure) -> [UInt8] {
        precondition(key.count == 32 && counter.count == 16)
        guard let ctx = EVP_CIPHER_CTX_new() else { throw Failure(operation: "EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), nil, key, counter) == 1 else {
            throw Failure(operation: "EVP_EncryptInit_ex")
        }
        var out = [UInt8](repeating: 0, count: input.count)
        if input.isEmpty { return out }
        let chunk = 1 << 30
        let ok: Bool = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var offset = 0
                while offset < src.count {
                    let n = min(chunk, src.count - offset)
                    var written: Int32 = 0
                    guard EVP_EncryptUpdate(ctx, dst.baseAddress! + offset, &written,
                                            src.baseAddress! + offset, Int32(n)) == 1, Int(written) == n else { return false }
                    offset += n
                }
                return true
            }
        }
        guard ok else { throw Failure(operation: "EVP_EncryptUpdate") }
        return out
    }

    /// PlayBase's Digest; kept throwing so the cipher's signature stays as it was.
    static func hmacSHA256(key: [UInt8], _ data: [UInt8]) throws(Failure) -> [UInt8] {
        Digest.hmacSHA256(key: key, data: data)
    }

    static func sha256(_ data: [UInt8]) -> [UInt8] { Digest.sha256(data) }

    /// Compares in time that depends only on the length, never on where the bytes differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }

    static func randomBytes(_ count: Int) throws(Failure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else { throw Failure(operation: "RAND_bytes") }
        return out
    }
}
