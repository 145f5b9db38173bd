import CLibCrypto
import Dispatch

/// PBKDF2-HMAC-SHA256 (RFC 8018), every hash computed by libcrypto's SHA-256.
///
/// OpenSSL's `PKCS5_PBKDF2_HMAC` duplicates a whole HMAC context (allocation, cleansing) for
/// each of the 30,000 HMACs an 80-byte vault key takes, which more than doubles the cost of the
/// hashing; that was half of `vault view`'s time. Here the keyed inner and outer SHA-256 states
/// are made once and copied by value for each HMAC, and the output's independent 32-byte blocks
/// (three for a vault key) are derived in parallel. Tests check the result against
/// `PKCS5_PBKDF2_HMAC` for many inputs.
struct PBKDF2 {
    private static let blockSize = 64, digestSize = 32

    static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) throws(VaultCrypto.Failure) -> [UInt8] {
        precondition(iterations >= 1 && length >= 0)
        // HMAC's key: the password, or its digest when longer than a block; zero padded.
        var key = password.count > blockSize ? VaultCrypto.sha256(password) : password
        key += [UInt8](repeating: 0, count: blockSize - key.count)
        defer { OPENSSL_cleanse(&key, key.count) }
        var pads = KeyedPads()
        let keyed = SHA256_Init(&pads.inner) == 1 && SHA256_Init(&pads.outer) == 1
            && SHA256_Update(&pads.inner, key.map { $0 ^ 0x36 }, blockSize) == 1
            && SHA256_Update(&pads.outer, key.map { $0 ^ 0x5c }, blockSize) == 1
        guard keyed else { throw VaultCrypto.Failure(operation: "SHA256_Init") }

        let blocks = (length + digestSize - 1) / digestSize
        let output = OutputBuffer(count: blocks * digestSize)
        defer { output.release() }
        let derive: @Sendable (Int) -> Void = { [pads] block in
            deriveBlock(UInt32(block + 1), pads: pads, salt: salt, iterations: iterations, into: output.base + block * digestSize)
        }
        if blocks > 1 {
            DispatchQueue.concurrentPerform(iterations: blocks, execute: derive)
        } else if blocks == 1 {
            derive(0)
        }
        pads.cleanse()
        return Array(UnsafeBufferPointer(start: output.base, count: length))
    }

    /// T(block) = U1 ^ U2 ^ ... ^ Uc with U1 = HMAC(key, salt || INT(block)), Un = HMAC(key, Un-1).
    private static func deriveBlock(_ block: UInt32, pads: KeyedPads, salt: [UInt8], iterations: Int,
                                    into t: UnsafeMutablePointer<UInt8>) {
        var context = pads.inner
        var u = [UInt8](repeating: 0, count: digestSize)
        u.withUnsafeMutableBufferPointer { buffer in
            let u = buffer.baseAddress!
            salt.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
            let index = [UInt8(block >> 24), UInt8(block >> 16 & 0xff), UInt8(block >> 8 & 0xff), UInt8(block & 0xff)]
            SHA256_Update(&context, index, 4)
            SHA256_Final(u, &context)
            context = pads.outer
            SHA256_Update(&context, u, digestSize)
            SHA256_Final(u, &context)
            t.update(from: u, count: digestSize)
            for _ in 1..<iterations {
                context = pads.inner
                SHA256_Update(&context, u, digestSize)
                SHA256_Final(u, &context)
                context = pads.outer
                SHA256_Update(&context, u, digestSize)
                SHA256_Final(u, &context)
                for i in 0..<digestSize { t[i] ^= u[i] }
            }
            OPENSSL_cleanse(u, digestSize)
        }
        OPENSSL_cleanse(&context, MemoryLayout<SHA256_CTX>.size)
    }

    /// SHA-256 states that have absorbed the key XOR ipad and the key XOR opad.
    private struct KeyedPads: @unchecked Sendable {  // plain C structs, copied by value
        var inner = SHA256_CTX(), outer = SHA256_CTX()

        mutating func cleanse() {
            OPENSSL_cleanse(&inner, MemoryLayout<SHA256_CTX>.size)
            OPENSSL_cleanse(&outer, MemoryLayout<SHA256_CTX>.size)
        }
    }

    /// The derived bytes; each parallel block writes only its own 32-byte slice.
    private final class OutputBuffer: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt8>
        let count: Int

        init(count: Int) {
            self.count = count
            base = .allocate(capacity: max(count, 1))
            base.initialize(repeating: 0, count: max(count, 1))
        }

        func release() {
            OPENSSL_cleanse(base, count)
            base.deallocate()
        }
    }
}
