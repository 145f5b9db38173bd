import PlayBase

/// For `--list-tasks`, `--list-tags`, `--list-hosts` and `--syntax-check` without a vault
/// password: Ansible decrypts `!vault` values only when they are used, so it lists such playbooks
/// anyway. Give the parser a `YAMLLoader(secrets: ListingVaultPlaceholder())` in those modes and
/// every `!vault` value reads as a fixed placeholder. Never use it for a run.
public struct ListingVaultPlaceholder: VaultSecretResolver {
    public static let text = "<vault-encrypted>"

    public init() {}

    public func decrypt(_ envelope: String, source: SourceLocation) throws -> String {
        Self.text
    }
}
