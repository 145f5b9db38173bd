import ArgumentParser
import PlayVault

/// `vault encrypt [FILE...]`: encrypts files in place (mode 0600), or to `--output`; no file
/// means stdin to stdout. The replaced plaintext is zeroed after the atomic rename.
struct EncryptCommand: VaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "encrypt", abstract: "Encrypt YAML file.")

    @OptionGroup var secretOptions: VaultSecretOptions
    @OptionGroup var outputOption: OutputOption
    @OptionGroup var encryptOption: EncryptVaultIDOption
    @Argument(help: ArgumentHelp("Files to encrypt in place (none: stdin).", valueName: "file_name"))
    var files: [String] = []

    func execute(_ session: VaultSession) throws {
        if outputOption.output != nil && files.count > 1 {
            throw VaultCLIError.options("At most one input file may be used with the --output option")
        }
        let (keyring, secret) = try session.encryptingSecret(encryptVaultID: encryptOption.encryptVaultID)
        if files.isEmpty && session.console.stdinIsTerminal {
            session.console.note("Reading plaintext input from stdin")
        }
        let output = session.outputTarget(outputOption.output)
        for file in files.isEmpty ? ["-"] : files {
            let source = session.realPath(file)
            let plaintext = try session.read(source)
            let encrypted = try keyring.encrypt(plaintext, with: secret)
            try session.write(encrypted, to: output ?? source, scrubOld: true)
        }
        if session.console.stdoutIsTerminal { session.console.note("Encryption successful") }
    }
}
