/// Decrypts ansible-vault envelopes met while loading YAML (`!vault` scalars, wholly encrypted files).
/// PlayBase only knows this protocol; PlayVault provides the implementation.
public protocol VaultSecretResolver: Sendable {
    /// Returns the plaintext of `envelope` (the `$ANSIBLE_VAULT;...` text), or throws a Diagnostic
    /// that names `source` and never contains any of the plaintext.
    func decrypt(_ envelope: String, source: SourceLocation) throws -> String
}
