import ArgumentParser
import PlayVault

/// `vault edit FILE...`: decrypts to a memory-filesystem scratch file, runs `$ANSIBLE_EDITOR` /
/// `$EDITOR` / `vi`, and re-encrypts only if the text changed (fresh salt, same label, mode and
/// owner, atomic replace). The scratch copy is wiped on every exit path.
struct EditCommand: VaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "Edit vault encrypted file.")

    @OptionGroup var secretOptions: VaultSecretOptions
    @OptionGroup var encryptOption: EncryptVaultIDOption
    @Argument(help: ArgumentHelp("Files to edit.", valueName: "file_name"))
    var files: [String] = []

    func execute(_ session: VaultSession) throws {
        let keyring = try session.readingKeyring()
        let editor = VaultEditor(environment: session.environment)
        for file in files {
            let outcome = try editor.edit(path: file, keyring: keyring)
            if outcome == .unchanged && session.console.verbosity >= 1 {
                session.console.note("\(file) is unchanged; it was not rewritten")
            }
        }
    }
}
