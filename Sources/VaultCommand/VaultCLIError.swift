/// A command-line error with ansible-vault's exit code: 5 for invalid option combinations
/// (AnsibleOptionsError), 1 for everything else.
struct VaultCLIError: Error, CustomStringConvertible {
    static let optionsExitCode: Int32 = 5

    var message: String
    var exitCode: Int32

    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    static func options(_ message: String) -> VaultCLIError {
        VaultCLIError(message, exitCode: optionsExitCode)
    }

    var description: String { message }
}
