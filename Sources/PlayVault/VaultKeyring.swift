/// The vault secrets of one run, in the order they were given, and the keys derived from them.
/// Copies share one key cache, so each (password, salt) pair costs one PBKDF2 derivation per run.
public struct VaultKeyring: Sendable {
    public let secrets: [VaultSecret]
    /// `ANSIBLE_VAULT_ID_MATCH`: only try secrets whose label equals the data's label.
    public let requireLabelMatch: Bool
    private let cache = VaultKeyCache()

    public init(secrets: [VaultSecret], requireLabelMatch: Bool = false) {
        self.secrets = secrets
        self.requireLabelMatch = requireLabelMatch
    }

    public var isEmpty: Bool { secrets.isEmpty }

    /// How many PBKDF2 derivations this keyring (and its copies) has run so far.
    public var derivationCount: Int { cache.derivationCount }

    /// Secrets in the order ansible tries them for data labelled `label`: the same label first,
    /// then every other secret in command-line order (unless labels must match).
    public func candidates(for label: String) -> [VaultSecret] {
        let matching = secrets.filter { $0.label == label }
        if requireLabelMatch { return matching }
        return matching + secrets.filter { $0.label != label }
    }

    /// Decrypts vault data (a whole file or a `!vault` value). Format errors are reported at once;
    /// a password that fails the HMAC check moves on to the next secret.
    public func decrypt(_ vaultText: [UInt8]) throws(VaultError) -> VaultDecryption {
        let envelope = try VaultEnvelope.parse(vaultText)
        guard !secrets.isEmpty else {
            throw VaultError(.noSecrets, "Attempting to decrypt but no vault secrets found.")
        }
        let candidates = candidates(for: envelope.effectiveLabel)
        if !candidates.isEmpty {
            let payload = try envelope.payload()
            for secret in candidates {
                let keys = try cache.keys(password: secret.password, salt: payload.salt)
                if let plaintext = try VaultCipher.open(payload, keys: keys) {
                    return VaultDecryption(plaintext: plaintext, secret: secret, envelope: envelope)
                }
            }
        }
        throw VaultError(.decryptionFailed, "Decryption failed (no vault secrets were found that could decrypt).",
                         triedLabels: candidates.map(\.label))
    }

    /// Encrypts with a fresh random salt. `label` goes in the header (nil: the secret's label);
    /// `default` writes a 1.1 header, any other label 1.2.
    public func encrypt(_ plaintext: [UInt8], with secret: VaultSecret, label: String? = nil) throws(VaultError) -> [UInt8] {
        let salt: [UInt8]
        do { salt = try VaultCrypto.randomBytes(32) } catch { throw VaultError(.crypto, error.description) }
        return try encrypt(plaintext, with: secret, label: label, salt: salt)
    }

    /// The salt seam: ansible's `ANSIBLE_VAULT_ENCRYPT_SALT` makes output deterministic the same way.
    /// Internal so only tests reach it; real writes always get a fresh salt.
    func encrypt(_ plaintext: [UInt8], with secret: VaultSecret, label: String?, salt: [UInt8]) throws(VaultError) -> [UInt8] {
        guard !VaultEnvelope.isVaultData(plaintext) else {
            throw VaultError(.alreadyEncrypted, "input is already encrypted")
        }
        let headerLabel = label ?? secret.label
        guard VaultEnvelope.canWrite(label: headerLabel) else {
            throw VaultError(.invalidVaultID, "'\(headerLabel)' is not a valid vault id: a label must be printable ASCII without ';' or surrounding spaces")
        }
        // Fresh salts never repeat, so these keys bypass the cache.
        let keys = try VaultKeys.derive(password: secret.password, salt: salt)
        let payload = try VaultCipher.seal(plaintext, keys: keys, salt: salt)
        return VaultEnvelope.format(payload, label: headerLabel)
    }

    /// The secret to encrypt with: the one labelled `encryptVaultID` if given, else the first.
    public func encryptionSecret(encryptVaultID: String? = nil) throws(VaultError) -> VaultSecret {
        if let encryptVaultID, !encryptVaultID.isEmpty {
            if let match = secrets.first(where: { $0.label == encryptVaultID }) { return match }
            let known = secrets.map { "'\($0.label)'" }.joined(separator: ", ")
            throw VaultError(.noEncryptSecret,
                "Did not find a match for --encrypt-vault-id=\(encryptVaultID) in the known vault-ids [\(known)]")
        }
        guard let first = secrets.first else {
            throw VaultError(.noSecrets, "A vault password is required to use Ansible's Vault")
        }
        return first
    }
}
