import ArgumentParser
import VaultCommand

/// Every `play` command as one tree, for the `--experimental-dump-help` JSON the man page is
/// written from (scripts/gen-docs.sh). Runs are never parsed with it: `main.swift` dispatches
/// `play inventory`, `play config` and `play vault` by hand, so the run's own root knows no
/// subcommands; the dump comes here instead, so `play.1` covers them, with the option types the
/// runs parse. (Completion scripts are joined differently: `PlayCompletionScript`.)
struct PlayCommandTree: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: PlayCommand.configuration.abstract,
        discussion: PlayCommand.configuration.discussion,
        subcommands: [InventoryCommand.self, ConfigCommand.self, VaultCommand.self])

    @OptionGroup var play: PlayCommand
}
