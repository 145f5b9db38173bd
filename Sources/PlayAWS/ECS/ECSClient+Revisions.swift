import OrderedCollections
import PlayBase

extension ECSClient {
    /// ARNs of a family's task definition revisions (`status` "ACTIVE", "INACTIVE" or nil for all),
    /// newest first, every page followed.
    public func listTaskDefinitions(family: String, status: String? = "ACTIVE") async throws -> [String] {
        var arns: [String] = []
        var token: String?
        var tokens = PaginationTokens(service: "ECS", operation: "ListTaskDefinitions", region: region)
        repeat {
            var body: OrderedDictionary<String, Value> = ["familyPrefix": .string(family), "sort": "DESC"]
            if let status { body["status"] = .string(status) }
            if let token { body["nextToken"] = .string(token) }
            let result = try await call("ListTaskDefinitions", body, continuation: token != nil)
            arns += (result["taskDefinitionArns"]?.listValue ?? []).compactMap(\.stringValue)
            token = try tokens.follow(result["nextToken"]?.stringValue)
        } while token != nil
        // familyPrefix also matches longer family names ("web" finds "web-admin"): keep this family.
        return arns.filter { ECSTaskDefinition.family(ofARN: $0) == family }
            .sorted { (ECSTaskDefinition.revision(ofARN: $0) ?? 0) > (ECSTaskDefinition.revision(ofARN: $1) ?? 0) }
    }
}

extension ECSClient {
    /// Marks a revision (`family:revision` or ARN) INACTIVE: services keep running it, new
    /// deployments cannot use it, and "the latest active revision" no longer finds it.
    @discardableResult
    public func deregisterTaskDefinition(_ taskDefinition: String) async throws -> ECSTaskDefinition {
        let result = try await call("DeregisterTaskDefinition", ["taskDefinition": .string(taskDefinition)])
        guard let definition = result["taskDefinition"], case .dict = definition else {
            throw missing("taskDefinition", "DeregisterTaskDefinition")
        }
        return ECSTaskDefinition(json: definition)
    }

    /// The newest ACTIVE revision of `family`, or nil when it has none. (DescribeTaskDefinition
    /// with a bare family does the same on AWS, but moto answers with the newest even when INACTIVE.)
    public func latestActiveTaskDefinition(family: String) async throws -> ECSTaskDefinition? {
        guard let arn = try await listTaskDefinitions(family: family).first else { return nil }
        return try await describeTaskDefinition(arn)
    }
}

extension ECSTaskDefinition {
    /// "web" from "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3" (or from "web:3").
    public static func family(ofARN arn: String) -> String {
        let name = arn.split(separator: "/").last.map(String.init) ?? arn
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[..<colon])
    }

    /// 3 from "...task-definition/web:3"; nil when the text names no revision.
    public static func revision(ofARN arn: String) -> Int? {
        let name = arn.split(separator: "/").last.map(String.init) ?? arn
        guard let colon = name.lastIndex(of: ":") else { return nil }
        return Int(name[name.index(after: colon)...])
    }
}
