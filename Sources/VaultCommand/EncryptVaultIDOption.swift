import ArgumentParser

/// `--encrypt-vault-id LABEL`: which secret encrypts when several are given.
struct EncryptVaultIDOption: ParsableArguments {
    @Option(name: .customLong("encrypt-vault-id"),
            help: ArgumentHelp("The vault id used to encrypt (required if more than one vault-id is provided).", valueName: "label"))
    var encryptVaultID: String?
}
