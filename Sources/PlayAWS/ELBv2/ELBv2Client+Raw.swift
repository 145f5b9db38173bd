import Foundation

/// An ELBv2 Query request built outside PlayAWS (the amazon.aws modules, which report AWS's own
/// answer): an action, then parameters with ELBv2's `Name.member.N` lists.
public struct ELBv2Request: Sendable {
    var parameters: QueryParameters

    public init(_ action: String) {
        parameters = QueryParameters(action: action, version: ELBv2Client.version)
    }

    public mutating func set(_ name: String, _ value: String?) { parameters.set(name, value) }
    public mutating func set(_ name: String, _ value: Int?) { parameters.set(name, value) }
    public mutating func set(_ name: String, _ value: Bool?) { parameters.set(name, value) }
    /// `Name.member.1`, `Name.member.2`...
    public mutating func members(_ prefix: String, _ values: [String]) { parameters.members(prefix, values) }
}

extension ELBv2Client {
    /// Sends `request`; returns the `<…Result>` element.
    public func send(_ request: ELBv2Request) async throws -> XMLTree {
        try await call(request.parameters)
    }

    /// Sends a Describe request page by page and returns the `<member>`s of `list` from every page.
    public func describeMembers(_ request: ELBv2Request, list: String) async throws -> [XMLTree] {
        try await paginate(request.parameters) { $0.list(list, item: "member") }
    }
}
