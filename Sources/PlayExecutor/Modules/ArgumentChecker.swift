import OrderedCollections
import PlayBase
import PlayLanguage

/// Checks rendered arguments against a module's spec at run time (templated values could not be
/// checked when the playbook was parsed): converts as Ansible does, fills defaults, names what is wrong.
enum ArgumentChecker {
    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    static func check(_ args: OrderedDictionary<String, Value>, against spec: ModuleSpec) throws -> OrderedDictionary<String, Value> {
        if spec.acceptsAnyArguments { return args }
        var out: OrderedDictionary<String, Value> = [:]
        var unknown: [String] = []
        for (key, value) in args {
            if key.hasPrefix("_") { out[key] = value; continue }
            guard let arg = spec.argument(named: key) else { unknown.append(key); continue }
            out[arg.name] = try convert(value, to: arg, module: spec.name)
        }
        if !unknown.isEmpty {
            let known = spec.arguments.flatMap { [$0.name] + $0.aliases }.sorted()
            throw Failure(description: "Unsupported parameters for (\(spec.name)) module: \(unknown.sorted().joined(separator: ", ")). Supported parameters include: \(known.joined(separator: ", ")).")
        }
        let missing = spec.arguments.filter { $0.required && (out[$0.name] == nil || out[$0.name] == .null) }.map(\.name)
        if !missing.isEmpty {
            throw Failure(description: "missing required arguments: \(missing.joined(separator: ", "))")
        }
        for group in spec.mutuallyExclusive {
            let present = group.filter { out[$0] != nil && out[$0] != .null }
            if present.count > 1 {
                throw Failure(description: "parameters are mutually exclusive: \(group.joined(separator: "|"))")
            }
        }
        for group in spec.requiredOneOf where !group.contains(where: { out[$0] != nil && out[$0] != .null }) {
            throw Failure(description: "one of the following is required: \(group.joined(separator: ", "))")
        }
        for arg in spec.arguments where out[arg.name] == nil {
            if let d = arg.defaultValue { out[arg.name] = d }
        }
        return out
    }

    static func convert(_ value: Value, to arg: ArgumentSpec, module: String) throws -> Value {
        if value == .null { return value }
        func bad() -> Failure {
            Failure(description: "argument '\(arg.name)' is of type \(value.typeName) and we were unable to convert to \(arg.type)")
        }
        let converted: Value
        switch arg.type {
        case .raw: converted = value
        case .string, .path:
            switch value {
            case .list, .dict: throw bad()
            default: converted = .string(value.renderedString)
            }
        case .int:
            guard let i = ValueCoercion.int(value) else { throw bad() }
            converted = .int(i)
        case .float:
            guard let d = ValueCoercion.double(value) else { throw bad() }
            converted = .double(d)
        case .bool:
            guard let b = ValueCoercion.bool(value) else { throw bad() }
            converted = .bool(b)
        case .list:
            converted = .list(ValueCoercion.list(value))
        case .dict:
            if case .dict = value { converted = value }
            else if case .string(let s) = value, s.isEmpty { converted = .emptyDict }
            else { throw bad() }
        }
        if let choices = arg.choices, case .string(let s) = converted, !choices.contains(s) {
            throw Failure(description: "value of \(arg.name) must be one of: \(choices.joined(separator: ", ")), got: \(s)")
        }
        return converted
    }
}
