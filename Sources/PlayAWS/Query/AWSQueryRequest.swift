import Foundation

/// A Query-protocol request for the services whose lists are `Name.member.N` (IAM,
/// CloudFormation, Auto Scaling), built by callers outside PlayAWS that report AWS's own answer.
public struct AWSQueryRequest: Sendable {
    var parameters: QueryParameters

    public init(_ action: String, version: String) {
        parameters = QueryParameters(action: action, version: version)
    }

    public var action: String { parameters.action }
    /// The form-encoded parameters as sent (for names derived from a request's content).
    public var parameterText: String { parameters.body }

    public mutating func set(_ name: String, _ value: String?) { parameters.set(name, value) }
    public mutating func set(_ name: String, _ value: Int?) { parameters.set(name, value) }
    public mutating func set(_ name: String, _ value: Bool?) { parameters.set(name, value) }
    /// `Name.member.1`, `Name.member.2`...
    public mutating func members(_ prefix: String, _ values: [String]) { parameters.members(prefix, values) }

    /// `Name.member.N.<keyName>` / `Name.member.N.<valueName>` pairs, sorted by key so bodies are
    /// stable: tags (`Key`/`Value`) and CloudFormation parameters (`ParameterKey`/`ParameterValue`).
    public mutating func pairs(_ prefix: String, _ pairs: [String: String], keyName: String = "Key", valueName: String = "Value") {
        for (i, pair) in pairs.sorted(by: { $0.key < $1.key }).enumerated() {
            parameters.set("\(prefix).member.\(i + 1).\(keyName)", pair.key)
            parameters.set("\(prefix).member.\(i + 1).\(valueName)", pair.value)
        }
    }
}
