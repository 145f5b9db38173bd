import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// Launch templates in the collection's shape: EC2's XML (`tagSpecificationSet`, `tagSet`...)
/// as boto3's snake_case (`tag_specifications`, `tags` as a list of `{key, value}`), and the
/// module's arguments as the SDK's `LaunchTemplateData` (CamelCase) to send.
enum LaunchTemplateShape {
    /// EC2 list element → boto3 member, in snake_case.
    static let lists: [String: String] = [
        "tagSpecificationSet": "tag_specifications", "tagSet": "tags", "blockDeviceMappingSet": "block_device_mappings",
        "networkInterfaceSet": "network_interfaces", "securityGroupIdSet": "security_group_ids", "securityGroupSet": "security_groups",
        "elasticGpuSpecificationSet": "elastic_gpu_specifications", "groupSet": "groups", "ipv6AddressesSet": "ipv6_addresses",
        "privateIpAddressesSet": "private_ip_addresses", "licenseSet": "license_specifications",
        "elasticInferenceAcceleratorSet": "elastic_inference_accelerators",
    ]
    static let integers: Set<String> = [
        "versionNumber", "defaultVersionNumber", "latestVersionNumber", "volumeSize", "iops", "throughput", "deviceIndex",
        "coreCount", "threadsPerCore", "httpPutResponseHopLimit", "ipv6AddressCount", "blockDurationMinutes", "partitionNumber",
        "secondaryPrivateIpAddressCount", "networkCardIndex",
    ]

    static func dict(_ node: XMLTree) -> OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        for child in node.children { out[lists[child.name] ?? EC2ResultShape.snakeCase(child.name)] = value(child) }
        return out
    }

    static func value(_ node: XMLTree) -> Value {
        if lists[node.name] != nil {
            return .list(node.children("item").map { $0.children.isEmpty ? .string($0.text) : .dict(dict($0)) })
        }
        if !node.children.isEmpty { return .dict(dict(node)) }
        let text = node.text
        if integers.contains(node.name), let number = Int(text) { return .int(number) }
        if node.name == "createTime" { return .string(EC2ResultShape.isoTime(text)) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        return .string(text)
    }

    /// A template (DescribeLaunchTemplates item) with its tags as a dictionary.
    static func template(_ node: XMLTree) -> OrderedDictionary<String, Value> {
        var out = dict(node)
        out["tags"] = node.child("tagSet").map(EC2ResultShape.tags) ?? .dict([:])
        return out
    }

    /// `snake_case` argument keys → `CamelCase` SDK members, recursively.
    static func camelized(_ value: Value) -> Value {
        switch value {
        case .dict(let dict):
            var out = OrderedDictionary<String, Value>()
            for (key, inner) in dict where !inner.isNull {
                out[key.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()] = camelized(inner)
            }
            return .dict(out)
        case .list(let items): return .list(items.map(camelized))
        default: return value
        }
    }

    /// `CamelCase` members → `snake_case`, recursively (for comparing with what AWS holds).
    static func snaked(_ value: Value) -> Value {
        switch value {
        case .dict(let dict):
            var out = OrderedDictionary<String, Value>()
            for (key, inner) in dict { out[EC2ResultShape.snakeCase(key)] = snaked(inner) }
            return .dict(out)
        case .list(let items): return .list(items.map(snaked))
        default: return value
        }
    }

    /// Two template data values hold the same settings: keys in any order, leaves compared as text.
    static func same(_ a: Value, _ b: Value) -> Bool {
        func leaves(_ value: Value) -> Value {
            switch value {
            case .dict(let dict):
                var out = OrderedDictionary<String, Value>()
                for (key, inner) in dict.sorted(by: { $0.key < $1.key }) { out[key] = leaves(inner) }
                return .dict(out)
            case .list(let items): return .list(items.map(leaves))
            default: return .string(value.renderedString.lowercased())
            }
        }
        return leaves(a) == leaves(b)
    }
}
