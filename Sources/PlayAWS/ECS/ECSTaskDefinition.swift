import PlayBase

/// A registered task definition revision. `raw` keeps the whole JSON for anything not lifted out.
public struct ECSTaskDefinition: Sendable, Hashable {
    public var arn: String
    public var family: String
    public var revision: Int
    public var status: String?
    /// As AWS returned them (camelCase keys, as in the API and amazon.aws's ecs_taskdefinition).
    public var containerDefinitions: [Value]
    public var raw: Value

    /// Each container's image, in order.
    public var images: [String] { containerDefinitions.compactMap { $0["image"]?.stringValue } }

    public init(json: Value) {
        arn = json["taskDefinitionArn"]?.stringValue ?? ""
        family = json["family"]?.stringValue ?? ""
        revision = json["revision"]?.intValue ?? 0
        status = json["status"]?.stringValue
        containerDefinitions = json["containerDefinitions"]?.listValue ?? []
        raw = json
    }
}
