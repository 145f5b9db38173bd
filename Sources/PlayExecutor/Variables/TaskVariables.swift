import OrderedCollections
import PlayBase
import PlayTemplating

/// The variables one task sees on one host: layers in Ansible's precedence order (lowest first),
/// looked up from the top without merging, so building them per task costs almost nothing.
public struct TaskVariables: VariableLookup, Sendable {
    public private(set) var layers: [OrderedDictionary<String, Value>]
    /// Indices of layers holding data that is never templated again (facts, registered results,
    /// loop items): Ansible renders them once, when they are made.
    private var rawLayers: Set<Int>
    let hostvars: HostvarsSnapshot?

    public init(layers: [OrderedDictionary<String, Value>], rawLayers: Set<Int> = [], hostvars: HostvarsSnapshot? = nil) {
        self.layers = layers
        self.rawLayers = rawLayers
        self.hostvars = hostvars
    }

    public func lookup(_ name: String) -> Value? {
        for layer in layers.reversed() {
            if let v = layer[name] { return v }
        }
        if name == "hostvars", let hostvars { return hostvars.value }
        return nil
    }

    public func isTemplated(_ name: String) -> Bool {
        for index in layers.indices.reversed() where layers[index][name] != nil { return !rawLayers.contains(index) }
        return name != "hostvars"
    }

    /// A copy with one more layer on top (loop variables, registered results during failed_when),
    /// raw unless said otherwise.
    public func adding(_ layer: OrderedDictionary<String, Value>, templated: Bool = false) -> TaskVariables {
        var copy = self
        copy.layers.append(layer)
        if !templated { copy.rawLayers.insert(copy.layers.count - 1) }
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
