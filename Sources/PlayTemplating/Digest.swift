import CLibCrypto
import Foundation

/// Message digests through OpenSSL's EVP interface.
enum Digest {
    static func hex(_ algorithm: String, _ data: Data) -> String? {
        guard let md = algorithm.withCString({ EVP_get_digestbyname($0) }) else { return nil }
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { buffer in
            EVP_DigestInit_ex(context, md, nil) == 1 &&
                EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) == 1 &&
                EVP_DigestFinal_ex(context, &out, &length) == 1
        }
        guard ok else { return nil }
        return out.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}
