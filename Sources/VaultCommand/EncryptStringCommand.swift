import ArgumentParser
import PlayVault

/// `vault encrypt_string`: prints `NAME: !vault |` blocks to paste into YAML. Values come from the
/// arguments (exactly as given), stdin (read whole, trailing newline kept) or a hidden prompt.
struct EncryptStringCommand: VaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "encrypt_string", abstract: "Encrypt a string.")

    @OptionGroup var secretOptions: VaultSecretOptions
    @OptionGroup var outputOption: OutputOption
    @OptionGroup var encryptOption: EncryptVaultIDOption
    @Flag(name: [.customShort("p"), .customLong("prompt")], help: "Prompt for the string to encrypt.")
    var prompt = false
    @Flag(name: .customLong("show-input"), help: "Do not hide input when prompted for the string to encrypt.")
    var showInput = false
    @Option(name: [.customShort("n"), .customLong("name")], help: ArgumentHelp("Specify the variable name (repeatable, in argument order).", valueName: "name"))
    var names: [String] = []
    @Option(name: .customLong("stdin-name"), help: ArgumentHelp("Specify the variable name for stdin.", valueName: "name"))
    var stdinName: String?
    @Argument(help: ArgumentHelp("Strings to encrypt; '-' reads stdin.", valueName: "string_to_encrypt"))
    var strings: [String] = []

    /// Where a value came from, for the comments ansible prints when there are several.
    private enum Origin: String {
        case prompt = "the interactive prompt", stdin = "stdin", arguments = "the command line args"
    }

    private var readsStdin: Bool {
        strings.contains("-") || stdinName != nil || (strings.isEmpty && !prompt)
    }

    func execute(_ session: VaultSession) throws {
        if prompt && readsStdin {
            throw VaultCLIError.options("The --prompt option is not supported if also reading input from stdin")
        }
        let (keyring, secret) = try session.encryptingSecret(encryptVaultID: encryptOption.encryptVaultID)
        let console = session.console
        var values: [(plaintext: [UInt8], origin: Origin, name: String?)] = []

        if prompt {
            let prompter = TerminalPrompter()
            let nameAnswer = try prompter.read(prompt: "Variable name (enter for no name): ", echo: true) ?? []
            let name = nameAnswer.isEmpty ? nil : String(decoding: nameAnswer, as: UTF8.self)
            let text = showInput ? "String to encrypt:" : "String to encrypt (hidden): "
            let value = try prompter.read(prompt: text, echo: showInput) ?? []
            guard !value.isEmpty else {
                throw VaultCLIError.options("The plaintext provided from the prompt was empty, not encrypting")
            }
            values.append((value, .prompt, name))
        }
        if readsStdin {
            if console.stdoutIsTerminal {
                console.note("Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)")
            }
            let input = try console.readStdin()
            guard !input.isEmpty else { throw VaultCLIError.options("stdin was empty, not encrypting") }
            values.append((input, .stdin, stdinName))
        }
        let arguments = strings.filter { $0 != "-" }
        if !names.isEmpty && arguments.count > names.count {
            // Vague on purpose: never echo a value that was meant to be secret.
            console.note("The number of --name options do not match the number of args.")
            console.note("The last named variable will be \"\(names[names.count - 1])\". The rest will not have names.")
        }
        for (index, argument) in arguments.enumerated() {
            guard !argument.isEmpty else {
                throw VaultCLIError.options("The plaintext provided from the command line args was empty, not encrypting")
            }
            values.append((Array(argument.utf8), .arguments, index < names.count ? names[index] : nil))
        }

        var blocks: [String] = []
        for (index, value) in values.enumerated() {
            let envelope = try keyring.encrypt(value.plaintext, with: secret)
            blocks.append(Self.yamlBlock(envelope, name: value.name))
            if values.count > 1 {
                let comment = value.name.map { "# The encrypted version of variable (\"\($0)\", the string #\(index + 1) from \(value.origin.rawValue))." }
                    ?? "# The encrypted version of the string #\(index + 1) from \(value.origin.rawValue).)"
                console.note(comment)
            }
        }
        let output = Array((blocks.joined(separator: "\n") + "\n").utf8)
        try session.write(output, to: session.outputTarget(outputOption.output) ?? "-", scrubOld: true)
        if console.stdoutIsTerminal { console.note("Encryption successful") }
    }

    /// `NAME: !vault |` then every envelope line indented by ten spaces.
    static func yamlBlock(_ envelope: [UInt8], name: String?) -> String {
        var lines = ["\(name.map { "\($0): " } ?? "")!vault |"]
        for line in String(decoding: envelope, as: UTF8.self).split(separator: "\n") {
            lines.append(String(repeating: " ", count: 10) + line)
        }
        return lines.joined(separator: "\n")
    }
}
