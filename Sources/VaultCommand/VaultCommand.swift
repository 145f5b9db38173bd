import ArgumentParser
import PlayBase
import PlayVault
import PlayVersion

/// `vault`: ansible-vault's commands, options, messages and exit codes, on play's vault library.
/// Reachable as the `vault` executable and as `play vault ...` (play's main hands it every argument
/// after `vault`); both end the process the same way, see `parseAndRun`.
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

    @Flag(name: .long, help: "Show the version, the build and the configuration in use, and exit.")
    var version = false

    public init() {}

    public mutating func run() throws {
        if version {
            let text: String
            do {
                text = VersionReport.text(program: "vault", configuration: try Configuration.forProcess())
            } catch {
                text = VersionReport.text(program: "vault", configuration: nil, configurationProblem: error.description)
            }
            print(text, terminator: "")
            return
        }
        throw ValidationError("a command is required: create, decrypt, edit, view, encrypt, encrypt_string or rekey")
    }

    /// Parses `arguments` (the process's when nil) and runs the command. A usage error is printed
    /// here and becomes `ExitCode(2)`, as argparse gives in ansible-vault (swift-argument-parser's
    /// own would be 64). Every other error is rethrown unprinted: the executable ends the process
    /// with `VaultCommand.exit(withError:)`, which prints it (help on stdout) and exits with its code.
    public static func parseAndRun(_ arguments: [String]? = nil) throws {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error where exitCode(for: error) == .validationFailure {
            var standardError = StandardError()
            print(fullMessage(for: error), to: &standardError)
            throw ExitCode(2)
        }
    }
}
