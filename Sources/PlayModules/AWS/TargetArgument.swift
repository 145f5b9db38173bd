import Foundation
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The `targets` argument of the ELB modules: instance ids (or IPs) as strings, or dicts
/// `{id, port}` (amazon.aws's `{Id, Port}` too). Duplicates are dropped, order kept.
enum TargetArgument {
    static func parse(_ values: [Value], port defaultPort: Int?) throws(AWSModuleError) -> [ELBv2Target] {
        var out: [ELBv2Target] = []
        for value in values {
            let target: ELBv2Target
            switch value {
            case .string(let text):
                let id = text.trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty else { throw AWSModuleError("targets: an empty target id") }
                target = ELBv2Target(id: id, port: defaultPort)
            case .dict(let entry):
                guard let id = (entry["id"] ?? entry["Id"])?.renderedString.trimmingCharacters(in: .whitespaces),
                      !id.isEmpty else {
                    throw AWSModuleError("targets: each dict needs an 'id' (got keys \(entry.keys.sorted().joined(separator: ", ")))")
                }
                var port = defaultPort
                if let raw = entry["port"] ?? entry["Port"], !raw.isNull {
                    guard let p = ValueCoercion.int(raw), (1...65535).contains(p) else {
                        throw AWSModuleError("targets: port of \(id) must be 1-65535, got \(raw.renderedString)")
                    }
                    port = p
                }
                target = ELBv2Target(id: id, port: port)
            default:
                throw AWSModuleError("targets: each item is an instance id or {id, port}, got \(value.typeName)")
            }
            if !out.contains(target) { out.append(target) }
        }
        return out
    }

    /// The name results use for a target: its id, or `id:port` when the same id is listed on several ports.
    static func names(_ targets: [ELBv2Target]) -> [ELBv2Target: String] {
        var counts: [String: Int] = [:]
        for target in targets { counts[target.id, default: 0] += 1 }
        var names: [ELBv2Target: String] = [:]
        for target in targets { names[target] = counts[target.id]! > 1 ? target.description : target.id }
        return names
    }
}
