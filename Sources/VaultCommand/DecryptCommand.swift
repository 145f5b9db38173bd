import ArgumentParser
import PlayVault

/// `vault decrypt [FILE...]`: decrypts files in place (mode 0600), or to `--output` (`-` gives the
/// exact bytes on stdout); no file means stdin. A wrong password changes nothing and prints nothing.
struct DecryptCommand: VaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "decrypt", abstract: "Decrypt vault encrypted file or string.")

    @OptionGroup var secretOptions: VaultSecretOptions
    @OptionGroup var outputOption: OutputOption
    @Argument(help: ArgumentHelp("Files to decrypt in place (none: stdin).", valueName: "file_name"))
    var files: [String] = []

    func execute(_ session: VaultSession) throws {
        if outputOption.output != nil && files.count > 1 {
            throw VaultCLIError.options("At most one input file may be used with the --output option")
        }
        let keyring = try session.readingKeyring()
        if files.isEmpty && session.console.stdinIsTerminal {
            session.console.note("Reading ciphertext input from stdin")
        }
        let output = session.outputTarget(outputOption.output)
        for file in files.isEmpty ? ["-"] : files {
            let source = session.realPath(file)
            let data = try session.read(source)
            let plaintext = try session.decrypt(data, with: keyring, naming: source).plaintext
            try session.write(plaintext, to: output ?? source)
        }
        if session.console.stdoutIsTerminal { session.console.note("Decryption successful") }
    }
}
