/// The part of argument-parser's `--experimental-dump-help` JSON (serialization version 0) a
/// manual page is written from: one command, its arguments and its subcommands.
struct ToolDescription: Decodable {
    var serializationVersion: Int
    var command: CommandDescription
}

struct CommandDescription: Decodable {
    var superCommands: [String]?
    var shouldDisplay: Bool?
    var commandName: String
    var abstract: String?
    var discussion: String?
    var subcommands: [CommandDescription]?
    var arguments: [ArgumentDescription]?

    /// The words a user types to reach this command: `play config dump`.
    var fullName: String { ((superCommands ?? []) + [commandName]).joined(separator: " ") }

    /// What a reader should see: hidden commands and argument-parser's generated `help`
    /// subcommand are left out (play dispatches its subcommands by hand, `help` is not one).
    var documentedSubcommands: [CommandDescription] {
        (subcommands ?? []).filter { $0.shouldDisplay != false && $0.commandName != "help" }
    }

    var documentedArguments: [ArgumentDescription] {
        (arguments ?? []).filter(\.shouldDisplay)
    }
}

struct ArgumentDescription: Decodable {
    enum Kind: String, Decodable { case positional, option, flag }

    struct Name: Decodable {
        enum Kind: String, Decodable { case long, short, longWithSingleDash }
        var kind: Kind
        var name: String

        /// As typed: `-i`, `--inventory`, `-inventory`.
        var spelled: String {
            switch kind {
            case .short, .longWithSingleDash: "-" + name
            case .long: "--" + name
            }
        }
    }

    var kind: Kind
    var shouldDisplay: Bool
    var isOptional: Bool
    var isRepeating: Bool
    var names: [Name]?
    var valueName: String?
    var defaultValue: String?
    var allValues: [String]?
    var abstract: String?
    var discussion: String?
}
