import Foundation
import OrderedCollections
import PlayBase

/// An inventory source read by a plugin rather than parsed: a YAML file whose `plugin:` key names
/// it (Ansible's `auto` inventory plugin), such as `amazon.aws.aws_ec2`. Loading a plugin source
/// has two steps so that only the first waits on the network: `prepare` reads the configuration
/// and fetches what it describes; the populator it returns then adds hosts and groups in source
/// order, without I/O, like any other file.
public protocol InventoryPlugin: Sendable {
    /// The names `plugin:` may give, the fully qualified one first.
    var names: [String] { get }
    /// Whether the plugin reads this file (Ansible's `verify_file`: a name ending the plugin wants).
    func accepts(path: String) -> Bool
    /// What the user should call a file the plugin reads, for the error when `accepts` says no.
    var fileNameHint: String { get }
    /// Reads the source: everything that may block or fail on I/O happens here.
    func prepare(_ source: InventoryPluginSource) async throws -> any InventoryPopulator
}

/// The second step of a plugin source: adds what `prepare` fetched to the inventory.
public protocol InventoryPopulator: Sendable {
    func populate(_ builder: inout InventoryBuilder) throws
}

/// A plugin source's file and its YAML configuration (the mapping with the `plugin:` key).
public struct InventoryPluginSource: Sendable {
    public let path: String
    public let configuration: OrderedDictionary<String, Value>
    /// Where each top-level key sits in the file, for errors.
    public let locations: [String: SourceLocation]

    public init(path: String, configuration: OrderedDictionary<String, Value>, locations: [String: SourceLocation] = [:]) {
        self.path = path
        self.configuration = configuration
        self.locations = locations
    }

    /// The location of `key` in the file, or the file itself.
    public func location(of key: String) -> SourceLocation {
        locations[key] ?? SourceLocation(file: path, line: 1, column: 1)
    }
}
