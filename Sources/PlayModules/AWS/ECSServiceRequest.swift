import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// What an `ecs_service` task asks for, in the API's terms: whether an existing service already
/// matches it (the collection's `is_matching_service`, with the task definition compared by
/// revision rather than by text), and the CreateService / UpdateService bodies.
struct ECSServiceRequest {
    let cluster: String
    let name: String
    let args: ModuleContext
    /// The task definition's ARN (a family resolved to its latest active revision); nil when not
    /// given, or in check mode when it does not exist yet.
    let taskDefinitionARN: String?
    let networkConfiguration: Value?
    let loadBalancers: [Value]
    let deploymentConfiguration: Value
    let deploymentController: Value
    let capacityProviders: [Value]
    let serviceRegistries: [Value]

    init(_ context: ModuleContext, ecs: ECSClient, ec2: EC2Client, existing: Value?) async throws {
        args = context
        cluster = context.string("cluster") ?? "default"
        name = context.string("name") ?? ""
        taskDefinitionARN = try await Self.resolve(context.string("task_definition"), ecs: ecs, checkMode: context.checkMode)
        if let given = context.args["network_configuration"], !given.isNull {
            networkConfiguration = try await ECSNetworkConfiguration.request(given, ec2: ec2)
        } else {
            networkConfiguration = nil
        }
        loadBalancers = (context.list("load_balancers") ?? []).map { balancer in
            guard case .dict(var fields) = balancer else { return balancer }
            if let port = fields["containerPort"], let number = ValueCoercion.int(port) { fields["containerPort"] = .int(number) }
            return .dict(fields)
        }
        deploymentConfiguration = Self.deploymentConfiguration(context.args["deployment_configuration"] ?? .dict([:]))
        deploymentController = ECSResultShape.camelized(context.args["deployment_controller"] ?? .dict([:]))
        capacityProviders = (context.list("capacity_provider_strategy") ?? []).map(ECSResultShape.camelized)
        serviceRegistries = (context.list("service_registries") ?? []).map(ECSResultShape.camelized)
    }

    /// A family means its newest ACTIVE revision; `family:revision` and ARNs are described.
    private static func resolve(_ given: String?, ecs: ECSClient, checkMode: Bool) async throws -> String? {
        guard let given, !given.isEmpty else { return nil }
        do {
            if let found = try await ECSTaskDefinitionInfoModule.resolve(ecs, given) { return found.arn }
            if checkMode { return nil }
            throw AWSModuleError("task definition family '\(given)' has no active revision in \(ecs.region)")
        } catch let error as AWSError where error.isUnknownTaskDefinition {
            if checkMode { return nil }
            throw AWSModuleError("task definition '\(given)' not found in \(ecs.region): register it first (ecs_taskdefinition)")
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing task definition '\(given)'")
        }
    }

    /// `maximum_percent`, `minimum_healthy_percent` as numbers, `deployment_circuit_breaker`
    /// (`enable`, `rollback`) as a dictionary, all camelCased.
    private static func deploymentConfiguration(_ given: Value) -> Value {
        guard case .dict(var fields) = given else { return .dict([:]) }
        for key in ["maximum_percent", "minimum_healthy_percent"] {
            if let value = fields[key], let number = ValueCoercion.int(value) { fields[key] = .int(number) }
        }
        if case .dict(var breaker)? = fields["deployment_circuit_breaker"] {
            for key in ["enable", "rollback"] {
                if let value = breaker[key], let flag = ValueCoercion.bool(value) { breaker[key] = .bool(flag) }
            }
            fields["deployment_circuit_breaker"] = .dict(breaker)
        }
        return ECSResultShape.camelized(.dict(fields))
    }

    /// Whether the existing service already is what the task asks for.
    func matches(_ existing: Value) -> Bool {
        let codeDeploy = existing["deploymentController"]?["type"]?.stringValue == "CODE_DEPLOY"
        if !codeDeploy && (taskDefinitionARN == nil || taskDefinitionARN != existing["taskDefinition"]?.stringValue) { return false }
        if let grace = args.int("health_check_grace_period_seconds"), grace != 0,
           grace != existing["healthCheckGracePeriodSeconds"]?.intValue { return false }
        if !Self.sameItems(loadBalancers, existing["loadBalancers"]?.listValue ?? []) { return false }
        if (args.string("propagate_tags") ?? "NONE") != (existing["propagateTags"]?.stringValue ?? "NONE") { return false }
        if !sameTags(existing) { return false }
        if args.bool("enable_execute_command") != (existing["enableExecuteCommand"]?.isTruthy ?? false) { return false }
        // The collection compares `desired_count or 0`, so leaving it out always counts as a change
        // there; play compares it only when given.
        if args.string("scheduling_strategy") != "DAEMON", let desired = args.int("desired_count"),
           desired != existing["desiredCount"]?.intValue { return false }
        return true
    }

    private func sameTags(_ existing: Value) -> Bool {
        let have = ECSResultShape.tagDictionary(existing["tags"]?.listValue ?? [])
        let want = args.args["tags"].flatMap { $0.isNull ? nil : $0 } ?? .dict([:])
        return ECSContainerDefinitions.same(have, want)
    }

    /// Same count, and every wanted item is in the existing list (values compared as text).
    static func sameItems(_ wanted: [Value], _ existing: [Value]) -> Bool {
        wanted.count == existing.count && wanted.allSatisfy { item in existing.contains { ECSTaskDefinitionModule.contains($0, item) } }
    }

    func createBody() -> OrderedDictionary<String, Value> {
        var body: OrderedDictionary<String, Value> = [
            "cluster": .string(cluster), "serviceName": .string(name),
            "taskDefinition": taskDefinitionARN.map(Value.string) ?? .string(args.string("task_definition") ?? ""),
            "loadBalancers": .list(loadBalancers), "deploymentConfiguration": deploymentConfiguration,
            "placementStrategy": .list(args.list("placement_strategy") ?? []),
        ]
        // Sent even when empty, as the collection sends them (ECS then records an empty `roleArn`).
        body["clientToken"] = .string(args.string("client_token") ?? "")
        body["role"] = .string(args.string("role") ?? "")
        if let networkConfiguration { body["networkConfiguration"] = networkConfiguration }
        if deploymentController.dictValue?.isEmpty == false { body["deploymentController"] = deploymentController }
        if let launch = args.string("launch_type") { body["launchType"] = .string(launch) }
        if let version = args.string("platform_version") { body["platformVersion"] = .string(version) }
        if !loadBalancers.isEmpty, let grace = args.int("health_check_grace_period_seconds") {
            body["healthCheckGracePeriodSeconds"] = .int(grace)
        }
        if !serviceRegistries.isEmpty { body["serviceRegistries"] = .list(serviceRegistries) }
        if let constraints = placementConstraints, !constraints.isEmpty { body["placementConstraints"] = .list(constraints) }
        if let desired = args.int("desired_count") { body["desiredCount"] = .int(desired) }
        if !capacityProviders.isEmpty { body["capacityProviderStrategy"] = .list(capacityProviders) }
        if let propagate = args.string("propagate_tags") { body["propagateTags"] = .string(propagate) }
        if case .dict(let tags)? = args.args["tags"], !tags.isEmpty { body["tags"] = ECSResultShape.tagList(tags) }
        if let strategy = args.string("scheduling_strategy") { body["schedulingStrategy"] = .string(strategy) }
        if args.bool("enable_execute_command") { body["enableExecuteCommand"] = .bool(true) }
        return body
    }

    /// The UpdateService body; fails, as the collection does, on what an update cannot change.
    func updateBody(_ existing: Value) throws -> OrderedDictionary<String, Value> {
        if let strategy = args.string("scheduling_strategy"), strategy != existing["schedulingStrategy"]?.stringValue {
            throw AWSModuleError("It is not possible to update the scheduling strategy of an existing service")
        }
        if !serviceRegistries.isEmpty, !Self.sameItems(serviceRegistries, existing["serviceRegistries"]?.listValue ?? []) {
            throw AWSModuleError("It is not possible to update the service registries of an existing service")
        }
        if !capacityProviders.isEmpty, existing["launchType"] != nil {
            throw AWSModuleError("It is not possible to change an existing service from launch_type to capacity_provider_strategy.")
        }
        if args.string("launch_type") != nil, existing["capacityProviderStrategy"]?.listValue?.isEmpty == false {
            throw AWSModuleError("It is not possible to change an existing service from capacity_provider_strategy to launch_type.")
        }
        let controller = existing["deploymentController"]?["type"]?.stringValue ?? "ECS"
        if !Self.sameItems(loadBalancers, existing["loadBalancers"]?.listValue ?? []), !["CODE_DEPLOY", "ECS"].contains(controller) {
            throw AWSModuleError("It is not possible to update the load balancers of an existing service")
        }
        if let propagate = args.string("propagate_tags"), propagate != (existing["propagateTags"]?.stringValue ?? "NONE") {
            throw AWSModuleError("It is not currently supported to enable propagation tags of an existing service")
        }
        if case .dict(let tags)? = args.args["tags"], !tags.isEmpty, !sameTags(existing) {
            throw AWSModuleError("It is not currently supported to change tags of an existing service")
        }
        var body: OrderedDictionary<String, Value> = ["cluster": .string(cluster), "service": .string(name)]
        if controller != "CODE_DEPLOY" {
            body["taskDefinition"] = taskDefinitionARN.map(Value.string) ?? existing["taskDefinition"] ?? .null
        }
        body["deploymentConfiguration"] = deploymentConfiguration
        if let constraints = placementConstraints, !constraints.isEmpty {
            body["placementConstraints"] = .list(constraints)
        } else if args.bool("purge_placement_constraints") {
            body["placementConstraints"] = []
        }
        if let strategy = args.list("placement_strategy"), !strategy.isEmpty {
            body["placementStrategy"] = .list(strategy)
        } else if args.bool("purge_placement_strategy") {
            body["placementStrategy"] = []
        }
        if let networkConfiguration, controller != "CODE_DEPLOY" { body["networkConfiguration"] = networkConfiguration }
        if args.bool("force_new_deployment") { body["forceNewDeployment"] = .bool(true) }
        if !capacityProviders.isEmpty { body["capacityProviderStrategy"] = .list(capacityProviders) }
        if let grace = args.int("health_check_grace_period_seconds") { body["healthCheckGracePeriodSeconds"] = .int(grace) }
        if let desired = args.int("desired_count") { body["desiredCount"] = .int(desired) }
        if let flag = args.args["enable_execute_command"], !flag.isNull { body["enableExecuteCommand"] = .bool(args.bool("enable_execute_command")) }
        if controller == "ECS", !loadBalancers.isEmpty { body["loadBalancers"] = .list(loadBalancers) }
        return body
    }

    /// Placement constraints with their null members left out (`distinctInstance` has no expression).
    private var placementConstraints: [Value]? {
        args.list("placement_constraints")?.map { constraint in
            guard case .dict(let fields) = constraint else { return constraint }
            return .dict(fields.filter { !$0.value.isNull })
        }
    }
}
