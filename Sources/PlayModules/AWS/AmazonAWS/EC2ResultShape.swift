import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// Turns an EC2 Query answer into the dictionary the amazon.aws modules return: boto3's parse of
/// the same answer with snake_case keys. EC2 names most members in XML as the SDK model does
/// (`instanceId` → `instance_id`); the exceptions are renamed here (`instanceState` → `state`,
/// `groupSet` → `security_groups`...). Lists are `<x><item>…</item></x>`, `tagSet` becomes a
/// `{key: value}` dictionary, numbers and booleans get their model types, and times the
/// `2026-01-02T03:04:05+00:00` form boto3's datetimes print as.
enum EC2ResultShape {
    /// XML name → result key, where the model's member name differs from the XML name.
    /// `parent/child` entries win over plain ones.
    static let renames: [String: String] = [
        "instanceState": "state", "ipAddress": "public_ip_address", "dnsName": "public_dns_name",
        "groupSet": "security_groups", "networkInterfaceSet/groupSet": "groups",
        "blockDeviceMapping": "block_device_mappings", "networkInterfaceSet": "network_interfaces",
        "privateIpAddressesSet": "private_ip_addresses", "ipv6AddressesSet": "ipv6_addresses",
        "reason": "state_transition_reason", "instancesSet": "instances", "reservationSet": "reservations",
        "groupDescription": "description", "groups": "user_id_group_pairs",
        "imageState": "state", "isPublic": "public", "imageOwnerId": "owner_id", "imageOwnerAlias": "image_owner_alias",
        "keyFingerprint": "key_fingerprint", "keyPairId": "key_pair_id",
        "ipv6CidrBlockAssociationSet": "ipv6_cidr_block_association_set",
        "cidrBlockAssociationSet": "cidr_block_association_set",
        "elasticGpuAssociationSet": "elastic_gpu_associations", "licenseSet": "licenses",
        "attachmentSet": "attachments", "routeSet": "routes", "associationSet": "associations",
        "propagatingVgwSet": "propagating_vgws", "routeTableSet": "route_tables",
    ]

    /// Members the model types as integers.
    static let integers: Set<String> = [
        "amiLaunchIndex", "instanceState/code", "currentState/code", "previousState/code", "deviceIndex",
        "networkCardIndex", "httpPutResponseHopLimit", "availableIpAddressCount", "fromPort", "toPort",
        "volumeSize", "iops", "throughput", "coreCount", "threadsPerCore",
    ]

    /// Members holding times (boto3 datetimes).
    static let times: Set<String> = ["launchTime", "attachTime", "usageOperationUpdateTime", "createTime", "createTimestamp"]

    /// Members that are structures: an empty one is `{}`, not `""`.
    static let structures: Set<String> = [
        "hibernationOptions", "association", "attachment", "placement", "monitoring", "stateReason",
        "metadataOptions", "ebs", "cpuOptions", "enclaveOptions", "iamInstanceProfile", "capacityReservationSpecification",
        "maintenanceOptions", "privateDnsNameOptions", "privateDnsNameOptionsOnLaunch", "cidrBlockState",
        "ipv6CidrBlockState", "instanceState", "currentState", "previousState", "associationState",
    ]

    /// Everything under `node` as a dictionary. `name` is the node's name, or for a list's
    /// `<item>` the list's name (what `parent/child` renames match).
    static func dict(_ node: XMLTree, name: String? = nil) -> OrderedDictionary<String, Value> {
        let parent = name ?? node.name
        var out = OrderedDictionary<String, Value>()
        for child in node.children {
            if child.name == "tagSet" {
                out["tags"] = tags(child)
            } else {
                out[key(child.name, parent: parent)] = value(child, parent: parent)
            }
        }
        return out
    }

    /// The items of a list element, each as a dictionary.
    static func items(_ node: XMLTree?) -> [Value] {
        guard let node else { return [] }
        return node.children.filter { $0.name == "item" }.map { .dict(dict($0, name: node.name)) }
    }

    /// A reservation's instances. An instance's groups are its primary interface's; where the
    /// answer leaves the instance's own list empty (moto, until the groups are modified) they
    /// are taken from that interface, as AWS reports them.
    static func instances(_ reservation: XMLTree) -> [Value] {
        items(reservation["instancesSet"]).map { instance in
            guard case .dict(var dict) = instance else { return instance }
            if dict["tags"] == nil { dict["tags"] = .dict([:]) }
            if dict["security_groups"]?.listValue?.isEmpty ?? true,
               let groups = dict["network_interfaces"]?[0]?["groups"], !(groups.listValue?.isEmpty ?? true) {
                dict["security_groups"] = groups
            }
            return .dict(dict)
        }
    }

    static func tags(_ node: XMLTree) -> Value {
        var out = OrderedDictionary<String, Value>()
        for item in node.children where item.name == "item" {
            guard let key = item.string("key") else { continue }
            out[key] = .string(item.string("value") ?? "")
        }
        return .dict(out)
    }

    static func key(_ name: String, parent: String) -> String {
        renames["\(parent)/\(name)"] ?? renames[name] ?? snakeCase(name)
    }

    static func value(_ node: XMLTree, parent: String) -> Value {
        let path = "\(parent)/\(node.name)"
        if !node.children.isEmpty {
            if node.children.allSatisfy({ $0.name == "item" }) {
                return .list(node.children.map { item in
                    item.children.isEmpty ? .string(item.text) : .dict(dict(item, name: node.name))
                })
            }
            return .dict(dict(node))
        }
        let text = node.text
        if text.isEmpty {
            if structures.contains(node.name) { return .dict([:]) }
            if isList(node.name) { return .list([]) }
            return .string("")
        }
        if integers.contains(path) || integers.contains(node.name), let number = Int(text) { return .int(number) }
        if times.contains(node.name) { return .string(isoTime(text)) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        return .string(text)
    }

    /// Names of list members (EC2 names most of them `…Set`).
    static func isList(_ name: String) -> Bool {
        name.hasSuffix("Set") || ["blockDeviceMapping", "productCodes", "groups", "ipRanges", "ipv6Ranges",
                                  "prefixListIds", "ipPermissions", "ipPermissionsEgress"].contains(name)
    }

    /// `2026-12-07T16:12:38.000Z` → `2026-12-07T16:12:38+00:00` (as a boto3 datetime prints).
    static func isoTime(_ text: String) -> String {
        var trimmed = text
        if trimmed.hasSuffix("Z") { trimmed.removeLast() } else { return text }
        if let dot = trimmed.firstIndex(of: ".") {
            let fraction = trimmed[trimmed.index(after: dot)...]
            trimmed = String(trimmed[..<dot]) + (fraction.allSatisfy { $0 == "0" } ? "" : "." + fraction.padding(toLength: 6, withPad: "0", startingAt: 0))
        }
        return trimmed + "+00:00"
    }

    /// `privateIpAddress` → `private_ip_address`, `ebsOptimized` → `ebs_optimized`,
    /// `enableResourceNameDnsAAAARecord` → `enable_resource_name_dns_aaaa_record`.
    static func snakeCase(_ name: String) -> String {
        let chars = Array(name)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let previousLower = i > 0 && (chars[i - 1].isLowercase || chars[i - 1].isNumber)
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
                let previousUpper = i > 0 && chars[i - 1].isUppercase
                if i > 0 && (previousLower || (previousUpper && nextLower)) { out.append("_") }
                out.append(Character(c.lowercased()))
            } else {
                out.append(c)
            }
        }
        return out
    }
}
