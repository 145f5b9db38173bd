import OrderedCollections
import PlayBase
import PlayLanguage

/// The container definitions of `ecs_taskdefinition`: the collection's checks of what a network
/// mode or launch type cannot have, its number coercions, and its test of whether an existing
/// revision already has what the task asks for.
enum ECSContainerDefinitions {
    /// Numbers the API wants as integers, whatever YAML or a template made of them.
    static func coerced(_ containers: [Value]) -> [Value] {
        containers.map { container in
            guard case .dict(var fields) = container else { return container }
            for key in ["memory", "cpu", "memoryReservation", "startTimeout", "stopTimeout"] { integer(&fields, key) }
            integers(&fields, "portMappings", ["hostPort", "containerPort"])
            integers(&fields, "ulimits", ["softLimit", "hardLimit"])
            if case .dict(var linux)? = fields["linuxParameters"] {
                for key in ["maxSwap", "swappiness", "sharedMemorySize"] { integer(&linux, key) }
                fields["linuxParameters"] = .dict(linux)
            }
            return .dict(fields)
        }
    }

    /// `keys` made integers in each dictionary of the list `list`.
    private static func integers(_ fields: inout OrderedDictionary<String, Value>, _ list: String, _ keys: [String]) {
        guard let items = fields[list]?.listValue else { return }
        fields[list] = .list(items.map { item in
            guard case .dict(var values) = item else { return item }
            for key in keys { integer(&values, key) }
            return .dict(values)
        })
    }

    private static func integer(_ fields: inout OrderedDictionary<String, Value>, _ key: String) {
        if let value = fields[key], let number = ValueCoercion.int(value) { fields[key] = .int(number) }
    }

    /// The collection's refusals, with its messages.
    static func validate(_ containers: [Value], networkMode: String, launchType: String?, placementConstraints: Bool) throws {
        let fargate = launchType == "FARGATE", awsvpc = networkMode == "awsvpc"
        if fargate {
            if !awsvpc { throw AWSModuleError("To use FARGATE launch type, network_mode must be awsvpc") }
            if placementConstraints { throw AWSModuleError("Task placement constraints are not supported for tasks run on Fargate") }
        }
        for (position, container) in containers.enumerated() {
            guard container["name"]?.stringValue?.isEmpty == false, container["image"]?.stringValue?.isEmpty == false else {
                throw AWSModuleError("container \(position + 1) needs a 'name' and an 'image'")
            }
            if awsvpc, container["links"]?.isTruthy == true { throw AWSModuleError("links parameter is not supported if network mode is awsvpc.") }
            for file in container["environmentFiles"]?.listValue ?? [] where file["type"]?.stringValue != "s3" {
                throw AWSModuleError("The only supported value for environmentFiles is s3.")
            }
            if let linux = container["linuxParameters"]?.dictValue {
                if fargate && linux["maxSwap"] != nil { throw AWSModuleError("maxSwap parameter is not supported with the FARGATE launch type.") }
                if let swap = linux["maxSwap"].flatMap(ValueCoercion.int), swap < 0 {
                    throw AWSModuleError("Accepted values for maxSwap are 0 or any positive integer.")
                }
                if let swappiness = linux["swappiness"].flatMap(ValueCoercion.int), !(0...100).contains(swappiness) {
                    throw AWSModuleError("Accepted values for swappiness are whole numbers between 0 and 100.")
                }
                if fargate && linux["sharedMemorySize"] != nil { throw AWSModuleError("sharedMemorySize parameter is not supported with the FARGATE launch type.") }
                if fargate && linux["tmpfs"] != nil { throw AWSModuleError("tmpfs parameter is not supported with the FARGATE launch type.") }
            }
            if awsvpc, container["hostname"]?.isTruthy == true {
                throw AWSModuleError("hostname parameter is not supported when the awsvpc network mode is used.")
            }
            if awsvpc, container["extraHosts"]?.isTruthy == true {
                throw AWSModuleError("extraHosts parameter is not supported when the awsvpc network mode is used.")
            }
            for mapping in container["portMappings"]?.listValue ?? [] where awsvpc {
                if let host = mapping["hostPort"], host.renderedString != mapping["containerPort"]?.renderedString {
                    throw AWSModuleError("In awsvpc network mode, host port must be set to the same as container port or not be set")
                }
            }
        }
    }

    /// Whether a registered container (or volume) has every value the requested one gives, and
    /// nothing set that it leaves out (`essential: true`, ECS's default, excepted). Empty values
    /// equal missing ones, lists are compared in any order, a port mapping without a protocol
    /// means tcp. Scalars are compared as text (a templated "256" equals ECS's 256).
    static func has(_ registered: Value, _ requested: Value) -> Bool {
        guard let want = requested.dictValue, let have = registered.dictValue else { return false }
        for (key, value) in want {
            let other = have[key]
            if isEmpty(value) && (other.map(isEmpty) ?? true) { continue }
            guard let other else { return false }
            if case .list(let items) = value {
                let existing = other.listValue ?? []
                guard items.count == existing.count else { return false }
                for item in items where !existing.contains(where: { same($0, item) }) {
                    guard var mapping = item.dictValue, mapping["protocol"] == nil else { return false }
                    mapping["protocol"] = "tcp"
                    if !existing.contains(where: { same($0, .dict(mapping)) }) { return false }
                }
            } else if !same(other, value) {
                return false
            }
        }
        for (key, value) in have where !isEmpty(value) && want[key] == nil {
            if key == "essential", ValueCoercion.bool(value) == true { continue }
            return false
        }
        return true
    }

    /// Python's equality of decoded JSON, scalars by their text: each holds all the other has.
    static func same(_ a: Value, _ b: Value) -> Bool {
        ECSTaskDefinitionModule.contains(a, b) && ECSTaskDefinitionModule.contains(b, a)
    }

    /// Python's falsiness of a JSON value.
    static func isEmpty(_ value: Value) -> Bool {
        switch value {
        case .null: return true
        case .bool(let flag): return !flag
        case .int(let number): return number == 0
        case .double(let number): return number == 0
        case .string(let text): return text.isEmpty
        case .list(let items): return items.isEmpty
        case .dict(let entries): return entries.isEmpty
        }
    }
}
