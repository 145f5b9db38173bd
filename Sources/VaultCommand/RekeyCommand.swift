import ArgumentParser
import PlayVault

/// `vault rekey FILE...`: re-encrypts with a new password (fresh salt), keeping mode and owner.
/// The new label is the new vault id's (`--new-vault-password-file` means `default`, a 1.1 header).
struct RekeyCommand: VaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "rekey", abstract: "Re-key a vault encrypted file.")

    @OptionGroup var secretOptions: VaultSecretOptions
    @OptionGroup var encryptOption: EncryptVaultIDOption
    @Option(name: .customLong("new-vault-password-file"), help: ArgumentHelp("New vault password file for rekey.", valueName: "file"))
    var newPasswordFile: String?
    @Option(name: .customLong("new-vault-id"), help: ArgumentHelp("The new vault identity to use for rekey (LABEL@SOURCE).", valueName: "label@source"))
    var newVaultID: String?
    @Argument(help: ArgumentHelp("Files to re-key.", valueName: "file_name"))
    var files: [String] = []

    func validate() throws {
        if newPasswordFile != nil && newVaultID != nil {
            throw ValidationError("argument --new-vault-id: not allowed with argument --new-vault-password-file")
        }
    }

    func execute(_ session: VaultSession) throws {
        if let newVaultID {
            do { _ = try VaultID.parse(newVaultID) } catch { throw VaultCLIError.options(error.message) }
        }
        let keyring = try session.readingKeyring()
        let newSecret = try loadNewSecret(session)
        for file in files {
            let path = session.realPath(file)
            let attributes = AtomicFile.Attributes.of(path) ?? .init(mode: 0o600)
            let data = try session.read(path)
            let plaintext = try session.decrypt(data, with: keyring, naming: path).plaintext
            let encrypted = try keyring.encrypt(plaintext, with: newSecret)
            try session.write(encrypted, to: path, attributes: attributes)
        }
        session.console.note("Rekey successful")
    }

    /// The new secret: from `--new-vault-id` or `--new-vault-password-file`, else a new password
    /// asked twice on the terminal.
    private func loadNewSecret(_ session: VaultSession) throws -> VaultSecret {
        let ids = try session.loader.vaultIDs(arguments: newVaultID.map { [$0] } ?? [],
                                              passwordFiles: newPasswordFile.map { [$0] } ?? [],
                                              askVaultPass: false, autoPrompt: true, includeConfigured: false)
        let secrets = try session.loader.load(ids, purpose: .encrypt, warn: session.console.warning)
        guard !secrets.isEmpty else {
            throw VaultCLIError.options("A new vault password is required to use Ansible's Vault rekey")
        }
        return try VaultKeyring(secrets: secrets).encryptionSecret(encryptVaultID: encryptOption.encryptVaultID)
    }
}
