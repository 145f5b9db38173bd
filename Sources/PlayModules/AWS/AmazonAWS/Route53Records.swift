import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// Route 53 record sets in the collections' shapes: boto3's parse (CamelCase, `TTL` an integer),
/// its snake_case form, and the flat record `route53` reports (`record`, `value`, `values`, ...).
enum Route53Records {
    static let shape = QueryResultShape(integers: ["TTL", "Weight", "ResourceRecordSetCount"],
                                        lists: ["ResourceRecords", "ResourceRecordSets", "HostedZones", "NameServers"],
                                        structures: ["AliasTarget", "GeoLocation", "Config"])

    /// boto3's parse: `ResourceRecords` as `[{Value}]`, `TTL` an integer.
    static func raw(_ node: XMLTree) -> OrderedDictionary<String, Value> {
        var raw = shape
        raw.snakeKeys = false
        var out = raw.dict(node)
        if let records = node.child("ResourceRecords") {
            out["ResourceRecords"] = .list(records.children("ResourceRecord").map { .dict(["Value": .string($0.string("Value") ?? "")]) })
        }
        return out
    }

    static func snake(_ node: XMLTree) -> Value { snaked(.dict(raw(node))) }

    static func snaked(_ value: Value) -> Value {
        switch value {
        case .dict(let dict):
            var out = OrderedDictionary<String, Value>()
            for (key, inner) in dict { out[key == "TTL" ? "ttl" : QueryResultShape.key(key)] = snaked(inner) }
            return .dict(out)
        case .list(let items): return .list(items.map(snaked))
        default: return value
        }
    }

    /// The values of a record set (`ResourceRecords/ResourceRecord/Value`).
    static func values(_ node: XMLTree) -> [String] {
        node.child("ResourceRecords")?.children("ResourceRecord").compactMap { $0.string("Value") } ?? []
    }

    /// The flat record the collection reports for a record set it wrote or read.
    static func flat(_ node: XMLTree, zone: String, zoneID: String) -> OrderedDictionary<String, Value> {
        let values = values(node)
        let alias = node.child("AliasTarget")
        var out: OrderedDictionary<String, Value> = [
            "alias": .bool(alias != nil),
            "failover": node.nonEmpty("Failover").map(Value.string) ?? .null,
            "health_check": node.nonEmpty("HealthCheckId").map(Value.string) ?? .null,
            "hosted_zone_id": .string(Route53Client.bareID(zoneID)),
            "identifier": node.nonEmpty("SetIdentifier").map(Value.string) ?? .null,
            "record": .string(node.string("Name") ?? ""),
            "region": node.nonEmpty("Region").map(Value.string) ?? .null,
            "ttl": node.nonEmpty("TTL").map(Value.string) ?? .null,
            "type": .string(node.string("Type") ?? ""),
            "value": .string(values.joined(separator: ",")),
            "values": .list(values.map(Value.string)),
            "weight": node.nonEmpty("Weight").map(Value.string) ?? .null,
            "zone": .string(zone),
        ]
        if let alias {
            out["value"] = .string(alias.string("DNSName") ?? "")
            out["values"] = .list([.string(alias.string("DNSName") ?? "")])
            out["alias_hosted_zone_id"] = .string(alias.string("HostedZoneId") ?? "")
            out["alias_evaluate_target_health"] = .bool(alias.bool("EvaluateTargetHealth") ?? false)
        }
        return out
    }

    /// Escapes a text for an XML element.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
