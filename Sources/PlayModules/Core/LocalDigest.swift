import CLibCrypto
import Foundation

/// Hex digests of controller-side data with OpenSSL's libcrypto: SHA-1 is the checksum Ansible
/// compares and reports for files, MD5 its `md5sum` result key.
enum LocalDigest {
    enum Algorithm {
        case sha1, md5
    }

    static func hex(_ data: Data, _ algorithm: Algorithm = .sha1) -> String {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        precondition(EVP_DigestInit_ex(context, algorithm == .sha1 ? EVP_sha1() : EVP_md5(), nil) == 1,
                     "EVP_DigestInit_ex failed")
        data.withUnsafeBytes { raw in
            _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count)
        }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &out, &length) == 1, "EVP_DigestFinal_ex failed")
        return out.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}
