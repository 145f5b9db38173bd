import Foundation
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The rules of amazon.aws `ec2_security_group`, one `EC2IngressRule` per protocol, port range
/// and IPv4 range (the type serves egress too): read from the task's `rules`/`rules_egress`, read
/// from a described group, and sent as Authorize/Revoke requests.
enum EC2SecurityGroupRules {
    /// A task's rules: `proto` (`all` or `-1` for every protocol), `ports` (numbers or "from-to"
    /// ranges) or `from_port`/`to_port`, and `cidr_ip` (one block or a list; default 0.0.0.0/0).
    static func given(_ rules: [Value]) throws -> [EC2IngressRule] {
        var out: [EC2IngressRule] = []
        for (position, rule) in rules.enumerated() {
            var proto = (rule["proto"] ?? rule["protocol"])?.renderedString ?? "tcp"
            if proto == "all" { proto = "-1" }
            let cidrs = rule["cidr_ip"].map { ValueCoercion.list($0).map(\.renderedString) } ?? ["0.0.0.0/0"]
            var ranges: [(Int?, Int?)] = []
            if let ports = rule["ports"].flatMap(ValueCoercion.list) {
                for port in ports {
                    let text = port.renderedString
                    let bounds = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                    guard !bounds.isEmpty, bounds.count <= 2, let from = bounds[0], let to = bounds.last ?? from else {
                        throw AWSModuleError("rule \(position + 1): port '\(text)' is not a number or a from-to range")
                    }
                    ranges.append((from, to))
                }
            } else if let from = rule["from_port"].flatMap(ValueCoercion.int) {
                ranges.append((from, rule["to_port"].flatMap(ValueCoercion.int) ?? from))
            } else if proto == "-1" {
                ranges.append((nil, nil))
            } else {
                throw AWSModuleError("rule \(position + 1) needs ports (a list) or from_port (and to_port)")
            }
            for (from, to) in ranges {
                for cidr in cidrs { out.append(EC2IngressRule(protocol: proto, fromPort: from, toPort: to, cidr: cidr)) }
            }
        }
        return out
    }

    /// The rules of a described group (`ip_permissions` or `ip_permissions_egress`).
    static func described(_ permissions: Value?) -> [EC2IngressRule] {
        var out: [EC2IngressRule] = []
        for permission in permissions?.listValue ?? [] {
            let proto = permission["ip_protocol"]?.renderedString ?? "-1"
            for range in permission["ip_ranges"]?.listValue ?? [] {
                out.append(EC2IngressRule(protocol: proto, fromPort: permission["from_port"]?.intValue,
                                          toPort: permission["to_port"]?.intValue, cidr: range["cidr_ip"]?.renderedString ?? ""))
            }
        }
        return out
    }

    /// `AuthorizeSecurityGroupIngress`, `RevokeSecurityGroupEgress`... for one rule.
    static func request(_ action: String, groupID: String, _ rule: EC2IngressRule) -> EC2Request {
        var request = EC2Request(action)
        request.set("GroupId", groupID)
        request.set("IpPermissions.1.IpProtocol", rule.protocol)
        if rule.protocol != "-1" {
            request.set("IpPermissions.1.FromPort", rule.fromPort)
            request.set("IpPermissions.1.ToPort", rule.toPort)
        }
        request.set("IpPermissions.1.IpRanges.1.CidrIp", rule.cidr)
        return request
    }
}
