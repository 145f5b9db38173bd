import ArgumentParser
import PlayVault

/// `vault view FILE...`: shows decrypted text (through the pager on a terminal). For the exact
/// bytes use `vault decrypt --output -`.
struct ViewCommand: VaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "view", abstract: "View vault encrypted file.")

    @OptionGroup var secretOptions: VaultSecretOptions
    @Argument(help: ArgumentHelp("Files to show.", valueName: "file_name"))
    var files: [String] = []

    func execute(_ session: VaultSession) throws {
        let keyring = try session.readingKeyring()
        let pager = Pager(environment: session.environment, console: session.console)
        for file in files {
            let data = try session.read(file)
            let plaintext = try session.decrypt(data, with: keyring, naming: file).plaintext
            let display = DisplayText(plaintext)
            if display.replacedInvalidBytes {
                session.console.warning("Non UTF-8 encoded data replaced with \"?\" while displaying text to stdout/stderr.")
            }
            try pager.show(display.bytes)
        }
    }
}
