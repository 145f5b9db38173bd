import ArgumentParser

/// The vault flags `play` and `play inventory` share, with ansible's names.
struct VaultOptions: ParsableArguments {
    @Flag(name: [.customShort("J"), .customLong("ask-vault-pass"), .customLong("ask-vault-password")], help: "Ask for the vault password.")
    var askVaultPass = false

    @Option(name: .customLong("vault-password-file"), help: "Vault password file (repeatable).")
    var vaultPasswordFiles: [String] = []

    @Option(name: .customLong("vault-id"), help: "Vault identity LABEL@SOURCE (repeatable).")
    var vaultIDs: [String] = []
}
