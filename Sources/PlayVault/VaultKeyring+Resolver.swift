import Foundation
import PlayBase

/// `play`'s side of the vault: decrypt wholly encrypted files and `!vault` scalars met while
/// loading YAML. Errors are Diagnostics that name the place and never quote plaintext or passwords.
extension VaultKeyring: VaultSecretResolver {
    public func decrypt(_ envelope: String, source: SourceLocation) throws -> String {
        let decryption: VaultDecryption
        do {
            decryption = try decrypt(Array(envelope.utf8))
        } catch {
            throw diagnostic(for: error, at: source)
        }
        guard let text = String(bytes: decryption.plaintext, encoding: .utf8) else {
            throw Diagnostic.error(at: source, "the vault-encrypted data is not UTF-8 text",
                notes: ["vaulted YAML must be UTF-8; use `vault decrypt` to inspect the bytes"])
        }
        return text
    }

    /// Turns a vault error at `source` into a Diagnostic. A wholly encrypted file (synthetic
    /// location) gets the exact line and column of a format error; a `!vault` value keeps its
    /// own position and says where inside the value the damage is.
    public func diagnostic(for error: VaultError, at source: SourceLocation) -> Diagnostic {
        var location = source
        var notes: [String] = []
        if let line = error.line, let column = error.column {
            if source.isSynthetic {
                location = SourceLocation(file: source.file, line: line, column: column)
            } else {
                notes.append("the damage is on line \(line), column \(column) of the encrypted value")
            }
        }
        switch error.kind {
        case .decryptionFailed:
            let tried = error.triedLabels.isEmpty ? "none matched the data's label" : error.triedLabels.joined(separator: ", ")
            notes.append("vault ids tried, in order: \(tried)")
            notes.append("the password is wrong or the data was changed; give the right one with --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass")
        case .noSecrets:
            notes.append("give a password with --ask-vault-pass, --vault-password-file FILE or --vault-id LABEL@FILE")
        case .format, .notVaultData, .unknownCipher:
            notes.append("the encrypted text is damaged or was not made by ansible-vault; encrypt the value again with `vault encrypt` or `vault encrypt_string`")
        default:
            break
        }
        return Diagnostic.error(at: location, error.message, notes: notes)
    }
}
