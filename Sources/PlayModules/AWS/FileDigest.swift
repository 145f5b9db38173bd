import CLibCrypto
import Foundation

/// MD5 and SHA-256 of a local file, read in chunks (builds can be large), with libcrypto.
enum FileDigest {
    enum Algorithm {
        case md5, sha256
    }

    /// Hex digests in the order asked; nil when the file cannot be read.
    static func hex(of path: String, _ algorithms: [Algorithm]) -> [String]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var contexts: [OpaquePointer] = []
        defer { contexts.forEach { EVP_MD_CTX_free($0) } }
        for algorithm in algorithms {
            guard let context = EVP_MD_CTX_new() else { return nil }
            contexts.append(context)
            guard EVP_DigestInit_ex(context, algorithm == .md5 ? EVP_md5() : EVP_sha256(), nil) == 1 else { return nil }
        }
        while true {
            let chunk: Data
            do {
                guard let read = try handle.read(upToCount: 1 << 20), !read.isEmpty else { break }
                chunk = read
            } catch {
                return nil
            }
            chunk.withUnsafeBytes { raw in
                for context in contexts { _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count) }
            }
        }
        return contexts.map { context in
            var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            _ = EVP_DigestFinal_ex(context, &out, &length)
            return out.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
        }
    }
}
