import Foundation
import OrderedCollections
import PlayBase
import PlayInventory
import PlayInventoryPlugins
import PlayTemplating
import PlayVault

/// `play inventory`: the inventory as `ansible-inventory` shows it, for every kind of source
/// (INI, YAML, folders, host lists, plugin files such as `*.aws_ec2.yml`). The executable parses
/// flags into a `Request`; this loads the inventory and prints.
public enum InventorySession {
    public enum Action: Sendable, Equatable {
        /// `--list`: JSON with the groups and `_meta.hostvars` (or, with `yaml`, the YAML tree);
        /// with `export`, the variables as defined.
        case list(export: Bool, yaml: Bool)
        /// `--graph [GROUP]`, with `--vars` when `showVariables`.
        case graph(group: String, showVariables: Bool)
        /// `--host HOST`: that host's variables.
        case host(String)
    }

    public struct Request: Sendable {
        public var inventories: [String]
        public var action: Action
        public var limit: String?
        public var outputFile: String?
        public var vaultIDs: [String]
        public var vaultPasswordFiles: [String]
        public var askVaultPass: Bool
        public var colour: Bool
        public var environment: [String: String]

        public init(inventories: [String], action: Action, limit: String? = nil, outputFile: String? = nil,
                    vaultIDs: [String] = [], vaultPasswordFiles: [String] = [], askVaultPass: Bool = false,
                    colour: Bool = false, environment: [String: String] = [:]) {
            self.inventories = inventories
            self.action = action
            self.limit = limit
            self.outputFile = outputFile
            self.vaultIDs = vaultIDs
            self.vaultPasswordFiles = vaultPasswordFiles
            self.askVaultPass = askVaultPass
            self.colour = colour
            self.environment = environment
        }
    }

    /// Loads the inventory and prints what the request asks; returns the exit code.
    public static func run(_ request: Request, output: any SessionOutput) async -> Int32 {
        let renderer = DiagnosticRenderer(colour: request.colour)
        do {
            let secrets = try VaultKeyring.loadSecrets(
                vaultIDs: request.vaultIDs, passwordFiles: request.vaultPasswordFiles,
                askVaultPass: request.askVaultPass, environment: request.environment,
                warn: { output.error("[WARNING]: \($0)\n") })
            let vaulted = InventoryVaultValues(secrets)
            let loader = YAMLLoader(secrets: vaulted)
            let inventory = try await Inventory.load(
                sources: request.inventories, playbookDirectory: nil, loader: loader,
                plugins: BuiltinInventoryPlugins.all(environment: request.environment))
            for warning in inventory.warnings { output.error(renderer.render(warning)) }
            let text = try render(inventory, request, vaulted: vaulted)
            if let path = request.outputFile {
                do {
                    try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
                } catch {
                    throw Diagnostic.error(at: .synthetic(path), "Unable to write to destination file '\(path)'.",
                                           notes: ["\(error.localizedDescription)"])
                }
            } else {
                output.write(text + "\n")
            }
            return PlayExitCode.success
        } catch let d as Diagnostic {
            output.error(renderer.render(d))
        } catch let list as DiagnosticList {
            for d in list.diagnostics { output.error(renderer.render(d)) }
        } catch {
            output.error("ERROR! \(error)\n")
        }
        return PlayExitCode.error
    }

    /// The text for the action, as ansible-inventory prints it (JSON with sorted keys, indented 4).
    static func render(_ inventory: Inventory, _ request: Request, vaulted: InventoryVaultValues) throws -> String {
        switch request.action {
        case .list(let export, let yaml):
            if yaml {
                let text = try vaulted.restoringEnvelopes(inventory.yamlListing(limit: request.limit, export: export)).yamlString(indent: 2)
                return text.hasSuffix("\n") ? String(text.dropLast()) : text
            }
            return try vaulted.restoringEnvelopes(inventory.listing(limit: request.limit, export: export))
                .jsonString(sortKeys: true, pretty: true)
        case .graph(let group, let showVariables):
            return try inventory.graphListing(group: group, showVariables: showVariables)
        case .host(let pattern):
            let hosts = try inventory.hosts(matching: pattern).filter { inventory.contains(host: $0) }
            guard hosts.count == 1 else {
                throw Diagnostic.error(at: nil, "You must pass a single valid host to --host parameter",
                                       notes: hosts.isEmpty ? Suggestions.didYouMean(pattern, in: inventory.hostNames)
                                                            : ["'\(pattern)' matches \(hosts.count) hosts"])
            }
            return vaulted.restoringEnvelopes(.dict(inventory.listedVariables(for: hosts[0]))).jsonString(sortKeys: true, pretty: true)
        }
    }
}
