import ArgumentParser
import Foundation
import PlayApp

/// `play inventory`: shows the inventory as `ansible-inventory` does. Flags follow ansible-inventory's.
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play inventory",
        abstract: "Show the inventory (INI, YAML, folders, host lists, *.aws_ec2.yml) as ansible-inventory does.")

    @Argument(help: "With --graph: the group to start at (default all).")
    var pattern: String?

    @Option(name: [.customShort("i"), .long], help: "Inventory file, directory or comma-separated host list (repeatable).")
    var inventory: [String] = []

    @Flag(name: .long, help: "Output all hosts and groups as JSON, with every host's variables under _meta.hostvars.")
    var list = false

    @Flag(name: .long, help: "Print the group tree below a group.")
    var graph = false

    @Option(name: .long, help: "Output one host's variables as JSON.")
    var host: String?

    @Flag(name: [.customShort("y"), .long], help: "With --list: YAML instead of JSON.")
    var yaml = false

    @Flag(name: .long, help: "With --list: show each group's and host's own variables, not the merged ones.")
    var export = false

    @Flag(name: .customLong("vars"), help: "With --graph: show variables too.")
    var showVars = false

    @Option(name: [.customShort("l"), .long], help: "Further limit the listed hosts to a pattern.")
    var limit: String?

    @Option(name: .long, help: "Write the result to this file instead of standard output.")
    var output: String?

    @OptionGroup var vault: VaultOptions

    func validate() throws {
        let chosen = [list, graph, host != nil].filter { $0 }.count
        if chosen == 0 { throw ValidationError("No action selected, at least one of --host, --graph or --list needs to be specified.") }
        if chosen > 1 { throw ValidationError("Conflicting options used, only one of --host, --graph or --list can be used at the same time.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let action: InventorySession.Action
        if let host {
            action = .host(host)
        } else if graph {
            action = .graph(group: pattern ?? "all", showVariables: showVars)
        } else {
            action = .list(export: export, yaml: yaml)
        }
        let configuration = try LoadedConfiguration.forProcess()
        let request = InventorySession.Request(
            inventories: inventory.isEmpty ? configuration.inventorySources : inventory, action: action, limit: limit, outputFile: output, vaultIDs: vault.vaultIDs,
            vaultPasswordFiles: vault.vaultPasswordFiles, askVaultPass: vault.askVaultPass || configuration.bool("DEFAULT_ASK_VAULT_PASS"),
            colour: isatty(STDERR_FILENO) == 1 && environment["NO_COLOR"] == nil, environment: configuration.vaultEnvironment(environment))
        let code = await InventorySession.run(request, output: StandardStreams())
        if code != 0 { throw ExitCode(code) }
    }
}
