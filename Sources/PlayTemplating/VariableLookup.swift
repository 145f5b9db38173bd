import OrderedCollections
import PlayBase

/// Where names resolve during one rendering.
public protocol VariableLookup: Sendable {
    func lookup(_ name: String) -> Value?
    /// Whether the value of `name` may hold templates to render when it is used. Data that came
    /// back from modules or facts is never templated again (as in Ansible), so return false for it.
    func isTemplated(_ name: String) -> Bool
}

extension VariableLookup {
    public func isTemplated(_ name: String) -> Bool { true }
}

/// Variables in precedence layers: later layers win.
public struct VariableLayers: VariableLookup {
    public struct Layer: Sendable {
        public var values: OrderedDictionary<String, Value>
        /// False for raw data (registered results, facts) whose strings are never rendered.
        public var templated: Bool

        public init(_ values: OrderedDictionary<String, Value>, templated: Bool = true) {
            self.values = values
            self.templated = templated
        }
    }

    public private(set) var layers: [Layer]

    public init(_ layers: [OrderedDictionary<String, Value>]) {
        self.layers = layers.map { Layer($0) }
    }

    public init(layers: [Layer]) {
        self.layers = layers
    }

    public mutating func push(_ layer: OrderedDictionary<String, Value>, templated: Bool = true) {
        layers.append(Layer(layer, templated: templated))
    }

    public mutating func push(_ layer: Layer) {
        layers.append(layer)
    }

    public func lookup(_ name: String) -> Value? {
        for layer in layers.reversed() {
            if let v = layer.values[name] { return v }
        }
        return nil
    }

    public func isTemplated(_ name: String) -> Bool {
        for layer in layers.reversed() where layer.values[name] != nil { return layer.templated }
        return true
    }

    /// Every visible variable, the winning value for each name (for `vars` and debugging).
    public var merged: OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        for layer in layers {
            for (k, v) in layer.values { out[k] = v }
        }
        return out
    }
}

extension OrderedDictionary: VariableLookup where Key == String, Value == PlayBase.Value {
    public func lookup(_ name: String) -> PlayBase.Value? { self[name] }
}

extension Dictionary: VariableLookup where Key == String, Value == PlayBase.Value {
    public func lookup(_ name: String) -> PlayBase.Value? { self[name] }
}
