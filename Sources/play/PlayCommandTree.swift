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
        subcommands: PlayCommandTree.handDispatched)

    @OptionGroup var play: PlayCommand

    /// The hand-dispatched commands as subcommands of a tree. `play inventory` and `play config`
    /// are roots of their own when they run (so their usage lines and "See 'play inventory
    /// --help'" name them fully); in a tree they are one word under `play`, with the same options.
    static let handDispatched: [ParsableCommand.Type] = [InventoryInTree.self, ConfigInTree.self, VaultCommand.self]

    struct InventoryInTree: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inventory", abstract: InventoryCommand.configuration.abstract)

        @OptionGroup var inventory: InventoryCommand
    }

    struct ConfigInTree: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config", abstract: ConfigCommand.configuration.abstract,
            subcommands: ConfigCommand.configuration.subcommands)
    }
}
