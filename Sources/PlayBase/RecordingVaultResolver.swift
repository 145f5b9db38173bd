import Foundation

/// A vault resolver that tells a `SecretRedactor` what it decrypted: a `!vault` value whole; a
/// wholly encrypted YAML file as its string values (the file's text itself is never printed).
public struct RecordingVaultResolver: VaultSecretResolver {
    public let inner: any VaultSecretResolver
    public let redactor: SecretRedactor

    public init(_ inner: any VaultSecretResolver, redactor: SecretRedactor) {
        self.inner = inner
        self.redactor = redactor
    }

    public func decrypt(_ envelope: String, source: SourceLocation) throws -> String {
        let plaintext = try inner.decrypt(envelope, source: source)
        guard source.isSynthetic else {
            redactor.record(plaintext)
            return plaintext
        }
        // A whole file: its values, when it is YAML (vars files, inventories); else all of it.
        let loader = YAMLLoader(secrets: self)
        if let documents = try? loader.parseDocuments(plaintext, file: source.file), !documents.isEmpty {
            for document in documents {
                guard let value = try? loader.value(from: document, file: source.file) else { continue }
                redactor.recordStrings(in: value)
            }
        } else {
            redactor.record(plaintext)
        }
        return plaintext
    }
}
