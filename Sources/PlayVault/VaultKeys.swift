/// The three values PBKDF2 derives from a (password, salt) pair for the AES256 vault cipher.
struct VaultKeys: Sendable {
    static let iterations = 10_000

    /// Bytes 0-31 of the derivation: the AES-256 key.
    let cipherKey: [UInt8]
    /// Bytes 32-63: the HMAC-SHA256 key.
    let hmacKey: [UInt8]
    /// Bytes 64-79: the initial CTR counter block.
    let counter: [UInt8]

    static func derive(password: [UInt8], salt: [UInt8]) throws(VaultError) -> VaultKeys {
        let bytes: [UInt8]
        do {
            bytes = try VaultCrypto.pbkdf2SHA256(password: password, salt: salt, iterations: iterations, length: 80)
        } catch {
            throw VaultError(.crypto, error.description)
        }
        return VaultKeys(cipherKey: Array(bytes[0..<32]), hmacKey: Array(bytes[32..<64]), counter: Array(bytes[64..<80]))
    }
}
