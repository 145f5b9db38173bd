import ArgumentParser

/// The password options every subcommand takes, as ansible-vault spells them.
struct VaultSecretOptions: ParsableArguments {
    @Option(name: .customLong("vault-id"),
            help: ArgumentHelp("The vault identity to use: LABEL@SOURCE, where SOURCE is a password file, an executable script or 'prompt'. Repeatable.", valueName: "label@source"))
    var vaultIDs: [String] = []

    @Flag(name: [.customShort("J"), .customLong("ask-vault-password"), .customLong("ask-vault-pass")],
          help: "Ask for the vault password on the terminal (no echo).")
    var askVaultPass = false

    @Option(name: [.customLong("vault-password-file"), .customLong("vault-pass-file")],
            help: ArgumentHelp("Vault password file (or executable script printing the password). Repeatable.", valueName: "file"))
    var passwordFiles: [String] = []

    @Flag(name: .shortAndLong, help: "More output; -vvvv lists each vault id that failed to decrypt.")
    var verbose: Int

    func validate() throws {
        if askVaultPass && !passwordFiles.isEmpty {
            throw ValidationError("argument --vault-password-file/--vault-pass-file: not allowed with argument -J/--ask-vault-password/--ask-vault-pass")
        }
    }
}
