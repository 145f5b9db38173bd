import ArgumentParser
import PlayVault

/// `vault create FILE`: opens the editor on an empty scratch file (memory filesystem) and saves
/// the result encrypted, mode 0600, even if left empty. Refuses an existing file.
struct CreateCommand: VaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create new vault encrypted file.")

    @OptionGroup var secretOptions: VaultSecretOptions
    @OptionGroup var encryptOption: EncryptVaultIDOption
    @Flag(name: .customLong("skip-tty-check"), help: "Allows the editor to be opened when no tty is attached.")
    var skipTTYCheck = false
    @Argument(help: ArgumentHelp("The file to create.", valueName: "file_name"))
    var files: [String] = []

    func execute(_ session: VaultSession) throws {
        guard files.count == 1 else {
            throw VaultCLIError.options("vault create can take only one filename argument")
        }
        let (keyring, secret) = try session.encryptingSecret(encryptVaultID: encryptOption.encryptVaultID)
        guard session.console.stdoutIsTerminal || skipTTYCheck else {
            throw VaultCLIError.options("not a tty, editor cannot be opened")
        }
        try VaultEditor(environment: session.environment)
            .create(path: files[0], keyring: keyring, secret: secret, warn: session.console.warning)
    }
}
