import OrderedCollections
import PlayBase
import PlayTemplating

/// The variables one task sees on one host: layers in Ansible's precedence order (lowest first),
/// looked up from the top without merging, so building them per task costs almost nothing.
public struct TaskVariables: VariableLookup, Sendable {
    public private(set) var layers: [OrderedDictionary<String, Value>]
    let hostvars: HostvarsSnapshot?

    public init(layers: [OrderedDictionary<String, Value>], hostvars: HostvarsSnapshot? = nil) {
        self.layers = layers
        self.hostvars = hostvars
    }

    public func lookup(_ name: String) -> Value? {
        for layer in layers.reversed() {
            if let v = layer[name] { return v }
        }
        if name == "hostvars", let hostvars { return hostvars.value }
        return nil
    }

    /// A copy with one more layer on top (loop variables, registered results during failed_when).
    public func adding(_ layer: OrderedDictionary<String, Value>) -> TaskVariables {
        var copy = self
        copy.layers.append(layer)
        return copy
    }
}

/// `hostvars`: every host's variables, built on first use in a step and shared by all its tasks.
public final class HostvarsSnapshot: Sendable {
    private let build: @Sendable () -> Value
    private let cache = LazyBox<Value>()

    public init(_ build: @escaping @Sendable () -> Value) {
        self.build = build
    }

    public var value: Value { cache.get(build) }
}
