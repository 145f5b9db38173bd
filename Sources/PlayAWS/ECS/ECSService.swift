import PlayBase

/// An ECS service and its deployments: what "wait until stable" watches.
public struct ECSService: Sendable, Hashable {
    public var arn: String
    public var name: String
    public var clusterARN: String?
    public var status: String?
    public var taskDefinition: String?
    public var desiredCount: Int
    public var runningCount: Int
    public var pendingCount: Int
    public var deployments: [Deployment]
    public var raw: Value

    public struct Deployment: Sendable, Hashable {
        public var id: String
        /// "PRIMARY", "ACTIVE", "INACTIVE".
        public var status: String
        public var taskDefinition: String?
        public var desiredCount: Int
        public var runningCount: Int
        public var pendingCount: Int
        /// "IN_PROGRESS", "COMPLETED", "FAILED" (nil where the API or moto leaves it out).
        public var rolloutState: String?

        init(json: Value) {
            id = json["id"]?.stringValue ?? ""
            status = json["status"]?.stringValue ?? ""
            taskDefinition = json["taskDefinition"]?.stringValue
            desiredCount = json["desiredCount"]?.intValue ?? 0
            runningCount = json["runningCount"]?.intValue ?? 0
            pendingCount = json["pendingCount"]?.intValue ?? 0
            rolloutState = json["rolloutState"]?.stringValue
        }
    }

    /// Stable as `aws ecs wait services-stable` defines it: one deployment, running = desired.
    public var isStable: Bool {
        deployments.count == 1 && runningCount == desiredCount
            && (deployments[0].rolloutState == nil || deployments[0].rolloutState == "COMPLETED")
    }

    public init(json: Value) {
        arn = json["serviceArn"]?.stringValue ?? ""
        name = json["serviceName"]?.stringValue ?? ""
        clusterARN = json["clusterArn"]?.stringValue
        status = json["status"]?.stringValue
        taskDefinition = json["taskDefinition"]?.stringValue
        desiredCount = json["desiredCount"]?.intValue ?? 0
        runningCount = json["runningCount"]?.intValue ?? 0
        pendingCount = json["pendingCount"]?.intValue ?? 0
        deployments = (json["deployments"]?.listValue ?? []).map(Deployment.init(json:))
        raw = json
    }
}
