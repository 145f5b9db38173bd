import ArgumentParser
import VaultCommand

/// Every `play` command as one tree, for what is generated from the command definitions: the
/// `--experimental-dump-help` JSON the man page is written from, and the shell completion scripts.
/// Runs are never parsed with it: `main.swift` dispatches `play inventory`, `play config` and
/// `play vault` by hand (a playbook may be called `config`), so the run's own root knows no
/// subcommands. Documentation requests (`documents(_:)`) come here instead, so man pages and
/// completions cover the hand-dispatched commands, with the same option types the runs parse.
struct PlayCommandTree: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: PlayCommand.configuration.abstract,
        discussion: PlayCommand.configuration.discussion,
        subcommands: [InventoryCommand.self, ConfigCommand.self, VaultCommand.self])

    @OptionGroup var play: PlayCommand

    /// The command lines argument-parser answers with generated text rather than a run.
    static func documents(_ arguments: [String]) -> Bool {
        guard let first = arguments.first else { return false }
        return first == "--experimental-dump-help" || first == "--generate-completion-script"
            || first.hasPrefix("--generate-completion-script=")
    }
}
