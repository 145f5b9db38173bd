import Foundation
import PlayAWS
import PlayInventory

/// The inventory plugins `-i` files may name with `plugin:`; the one list `play` and
/// `play inventory` load inventories with.
public enum BuiltinInventoryPlugins {
    /// `environment` is the process environment the plugins read credentials and endpoints from.
    public static func all(environment: [String: String], transport: (any HTTPTransport)? = nil) -> [any InventoryPlugin] {
        let aws = AWSEnvironment(variables: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory())
        return [AWSEC2InventoryPlugin(environment: aws, transport: transport)]
    }
}
