/// ansible-vault's AES256 cipher: PKCS#7 padding, AES-256-CTR, then HMAC-SHA256 over the
/// ciphertext only (encrypt-then-MAC). The MAC is checked in constant time before any decryption.
enum VaultCipher {
    static let blockSize = 16

    static func seal(_ plaintext: [UInt8], keys: VaultKeys, salt: [UInt8]) throws(VaultError) -> VaultPayload {
        let padding = blockSize - plaintext.count % blockSize
        let padded = plaintext + [UInt8](repeating: UInt8(padding), count: padding)
        do {
            let ciphertext = try VaultCrypto.aes256CTR(key: keys.cipherKey, counter: keys.counter, padded)
            let mac = try VaultCrypto.hmacSHA256(key: keys.hmacKey, ciphertext)
            return VaultPayload(salt: salt, mac: mac, ciphertext: ciphertext)
        } catch {
            throw VaultError(.crypto, error.description)
        }
    }

    /// The plaintext, or nil when the MAC does not match (wrong password or tampered data).
    static func open(_ payload: VaultPayload, keys: VaultKeys) throws(VaultError) -> [UInt8]? {
        let padded: [UInt8]
        do {
            let expected = try VaultCrypto.hmacSHA256(key: keys.hmacKey, payload.ciphertext)
            guard VaultCrypto.constantTimeEqual(expected, payload.mac) else { return nil }
            padded = try VaultCrypto.aes256CTR(key: keys.cipherKey, counter: keys.counter, payload.ciphertext)
        } catch {
            throw VaultError(.crypto, error.description)
        }
        // ansible pads every plaintext, so authentic data always ends in 1...16 equal padding bytes.
        guard padded.count >= blockSize, padded.count % blockSize == 0,
              let last = padded.last, last >= 1, Int(last) <= blockSize,
              padded.suffix(Int(last)).allSatisfy({ $0 == last }) else {
            throw VaultError(.format, "Vault data has invalid padding: it passed the HMAC check but was not written by ansible-vault or play")
        }
        return Array(padded.dropLast(Int(last)))
    }
}
