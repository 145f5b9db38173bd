/// The binary values inside a vault body.
struct VaultPayload: Sendable, Hashable {
    /// Key-derivation salt: 32 random bytes when we write; any length is read.
    var salt: [UInt8]
    /// HMAC-SHA256 over `ciphertext` (32 bytes when valid; any length is read and simply fails the check).
    var mac: [UInt8]
    /// AES-256-CTR output over the PKCS#7-padded plaintext.
    var ciphertext: [UInt8]
}
