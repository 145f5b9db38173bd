import ArgumentParser
import PlayVault

/// `vault`: ansible-vault's commands, options, messages and exit codes, on play's vault library.
/// Reachable as the `vault` executable and as `play vault ...` (add `VaultCommand.self` to play's
/// subcommands).
public struct VaultCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Encryption/decryption utility for Ansible data files (ansible-vault compatible).",
        discussion: """
            Files use ansible-vault's format ($ANSIBLE_VAULT;1.1;AES256, or 1.2 with a vault-id label), \
            so existing vault files keep working with both tools.
            Exit codes: 0 success, 1 error (wrong password, damaged file...), 2 usage error, \
            5 invalid option combination, 99 interrupted.
            """,
        subcommands: [
            CreateCommand.self, DecryptCommand.self, EditCommand.self, ViewCommand.self,
            EncryptCommand.self, EncryptStringCommand.self, RekeyCommand.self,
        ])

    public init() {}

    public mutating func run() throws {
        throw ValidationError("a command is required: create, decrypt, edit, view, encrypt, encrypt_string or rekey")
    }

    /// The `vault` executable's entry point. Like argparse in ansible-vault, usage errors exit 2
    /// (swift-argument-parser's own default would be 64).
    public static func runAsExecutable(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            exit()
        } catch {
            if exitCode(for: error) == .validationFailure {
                var standardError = StandardError()
                print(fullMessage(for: error), to: &standardError)
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
