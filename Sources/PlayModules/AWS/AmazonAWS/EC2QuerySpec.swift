import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// A request written as the SDK's parameters (`{"ImageId": ..., "NetworkInterfaces": [{...}]}`,
/// what amazon.aws reports as `spec`) flattened into EC2 Query parameters
/// (`NetworkInterface.1.SubnetId`), so the reported spec is exactly what was sent.
enum EC2QuerySpec {
    /// SDK list member → Query prefix, where they differ.
    static let listNames: [String: String] = [
        "NetworkInterfaces": "NetworkInterface", "TagSpecifications": "TagSpecification", "Tags": "Tag",
        "Groups": "SecurityGroupId", "SecurityGroupIds": "SecurityGroupId", "SecurityGroups": "SecurityGroup",
        "BlockDeviceMappings": "BlockDeviceMapping", "LicenseSpecifications": "LicenseSpecification",
        "Ipv6Addresses": "Ipv6Address", "PrivateIpAddresses": "PrivateIpAddresses",
    ]

    static func request(_ action: String, _ spec: OrderedDictionary<String, Value>) -> EC2Request {
        var request = EC2Request(action)
        for (key, value) in spec { add(&request, key == "UserData" ? base64(value) : value, name: key, member: key) }
        return request
    }

    private static func base64(_ value: Value) -> Value { .string(Data(value.renderedString.utf8).base64EncodedString()) }

    private static func add(_ request: inout EC2Request, _ value: Value, name: String, member: String) {
        switch value {
        case .null: return
        case .dict(let dict):
            for (key, inner) in dict { add(&request, inner, name: "\(name).\(key)", member: key) }
        case .list(let items):
            let prefix = name.dropLast(member.count) + (listNames[member] ?? member)
            for (i, item) in items.enumerated() { add(&request, item, name: "\(prefix).\(i + 1)", member: "") }
        case .bool(let flag): request.set(name, flag)
        default: request.set(name, value.renderedString)
        }
    }

    /// `[{"Key": k, "Value": v}]`, sorted by key.
    static func tagList(_ tags: [String: String]) -> Value {
        .list(tags.sorted { $0.key < $1.key }.map { .dict(["Key": .string($0.key), "Value": .string($0.value)]) })
    }
}
