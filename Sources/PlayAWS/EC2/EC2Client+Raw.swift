import Foundation

/// An EC2 Query request built by a caller outside PlayAWS (the amazon.aws modules, which report
/// AWS's own answer): an action, then parameters in EC2's list conventions.
public struct EC2Request: Sendable {
    var parameters: QueryParameters

    public init(_ action: String) {
        parameters = QueryParameters(action: action, version: EC2Client.version)
    }

    public var action: String { parameters.action }

    public mutating func set(_ name: String, _ value: String?) { parameters.set(name, value) }
    public mutating func set(_ name: String, _ value: Int?) { parameters.set(name, value) }
    public mutating func set(_ name: String, _ value: Bool?) { parameters.set(name, value) }
    /// `Name.1`, `Name.2`...
    public mutating func list(_ prefix: String, _ values: [String]) { parameters.list(prefix, values) }
    public mutating func filters(_ filters: [EC2Filter]) { parameters.filters(filters) }
    public mutating func tagSpecifications(_ resourceTypes: [String], tags: [String: String]) {
        parameters.tagSpecifications(resourceTypes, tags: tags)
    }
}

extension EC2Client {
    /// Sends `request` and returns the answer's root element. `idempotent: false` for creating
    /// calls without a client token (never repeated after an ambiguous failure).
    public func send(_ request: EC2Request, idempotent: Bool = true) async throws -> XMLTree {
        try await call(request.parameters, idempotent: idempotent)
    }

    /// Sends a Describe request page by page and returns the `<item>`s of `set` from every page.
    public func describeItems(_ request: EC2Request, set: String) async throws -> [XMLTree] {
        try await paginate(request.parameters) { $0.list(set, item: "item") }
    }
}
