/// The result of decrypting vault data: the plaintext bytes and what it took to get them.
public struct VaultDecryption: Sendable {
    public let plaintext: [UInt8]
    /// The secret whose password passed the HMAC check (re-encrypt with it to keep a file's password).
    public let secret: VaultSecret
    /// The data's header, whose label an edit keeps.
    public let envelope: VaultEnvelope
}
