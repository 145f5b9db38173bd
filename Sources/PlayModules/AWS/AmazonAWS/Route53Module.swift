import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `route53`: one record set in a hosted zone (`zone` or `hosted_zone_id`) read
/// (`state: get`), written (`present`/`create`; a record holding other values is replaced only
/// with `overwrite`) or deleted (`absent`/`delete`), with aliases, weighted/latency/failover
/// routing by `identifier`, and `wait` until Route 53 reports the change INSYNC.
public struct Route53Module: Module {
    public init() {}

    static let types = ["A", "CNAME", "MX", "AAAA", "TXT", "PTR", "SRV", "SPF", "CAA", "NS", "SOA"]

    public let spec = ModuleSpec(groups: ["aws"], name: "route53", arguments: [
        ArgumentSpec("state", .string, required: true, choices: ["present", "absent", "get", "create", "delete"]),
        ArgumentSpec("zone", .string),
        ArgumentSpec("hosted_zone_id", .string),
        ArgumentSpec("record", .string, required: true),
        ArgumentSpec("ttl", .int, defaultValue: 3600),
        ArgumentSpec("type", .string, required: true, choices: types),
        ArgumentSpec("alias", .bool),
        ArgumentSpec("alias_hosted_zone_id", .string),
        ArgumentSpec("alias_evaluate_target_health", .bool, defaultValue: false),
        ArgumentSpec("value", .list, aliases: ["values"], elements: .string),
        ArgumentSpec("overwrite", .bool),
        ArgumentSpec("retry_interval", .int, defaultValue: 500),
        ArgumentSpec("private_zone", .bool, defaultValue: false),
        ArgumentSpec("identifier", .string),
        ArgumentSpec("weight", .int),
        ArgumentSpec("region", .string),
        ArgumentSpec("geo_location", .dict),
        ArgumentSpec("health_check", .string),
        ArgumentSpec("failover", .string, choices: ["PRIMARY", "SECONDARY"]),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("wait", .bool, defaultValue: false),
        ArgumentSpec("wait_timeout", .int, defaultValue: 300),
    ] + AWSArguments.specs.filter { $0.name != "region" }, requiredOneOf: [["zone", "hosted_zone_id"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let route53 = try await context.awsSession().session.route53()
            let state = context.string("state") ?? "present"
            let type = context.string("type") ?? "A"
            var record = context.string("record") ?? ""
            if !record.hasSuffix(".") { record += "." }
            let (zoneID, zoneName) = try await zone(context, route53)
            let identifier = context.string("identifier")
            let existing = try await AWSModuleError.wrapping("listing the records of zone \(zoneName)") {
                try await route53.recordSets(zoneID: zoneID, name: record, type: type)
            }.first { found in
                Self.unescaped(found.string("Name") ?? "").lowercased() == record.lowercased()
                    && found.string("Type") == type && found.nonEmpty("SetIdentifier") == identifier
            }

            if state == "get" {
                let hosted = try await AWSModuleError.wrapping("reading zone \(zoneName)") {
                    try await route53.send("GetHostedZone", "GET", path: "hostedzone/\(Route53Client.bareID(zoneID))")
                }
                var set = OrderedDictionary<String, Value>()
                if let existing {
                    set = Route53Records.raw(existing)
                    for (key, value) in Route53Records.flat(existing, zone: zoneName, zoneID: zoneID) { set[key] = value }
                }
                return .ok(changed: false, [
                    "nameservers": .list(hosted.list("DelegationSet", "NameServers", item: "NameServer").map { .string($0.text) }),
                    "resource_record_sets": .list(existing.map { [Route53Records.snake($0)] } ?? []),
                    "set": .dict(set),
                ])
            }
            if state == "absent" || state == "delete" {
                guard let existing else { return .ok(changed: false) }
                if context.checkMode { return .ok(changed: true) }
                let change = try await self.change("DELETE", existing, route53, zoneID, context)
                return .ok(changed: true, ["resource_record_sets": .dict([:]), "wait_id": .string(change)])
            }
            let wanted = try wantedRecord(context, name: record, type: type)
            if let existing {
                if Self.same(existing, wanted) {
                    return .ok(changed: false, ["resource_records_sets": .list([Route53Records.snake(existing)])])
                }
                if !context.bool("overwrite") {
                    throw AWSModuleError("Record already exists with different value. Set 'overwrite' to replace it")
                }
            }
            var flat = Route53Records.flat(wanted, zone: zoneName, zoneID: zoneID)
            flat["name"] = .string(record)
            flat["resource_records"] = .list(Route53Records.values(wanted).map { .dict(["value": .string($0)]) })
            if context.checkMode { return .ok(changed: true, ["resource_record_sets": .list([.dict(flat)])]) }
            let change = try await self.change(existing == nil ? "CREATE" : "UPSERT", wanted, route53, zoneID, context)
            return .ok(changed: true, ["resource_record_sets": .list([.dict(flat)]), "wait_id": .string(change)])
        }
    }

    /// The zone's id and name (with its final dot): `hosted_zone_id`, or the zone of that name
    /// (private or public as `private_zone` says).
    private func zone(_ context: ModuleContext, _ route53: Route53Client) async throws -> (String, String) {
        let zones = try await AWSModuleError.wrapping("listing hosted zones") { try await route53.hostedZones() }
        if let id = context.string("hosted_zone_id") {
            let name = zones.first { Route53Client.bareID($0.string("Id") ?? "") == Route53Client.bareID(id) }?.string("Name") ?? ""
            return (id, name)
        }
        var name = context.string("zone") ?? ""
        if !name.hasSuffix(".") { name += "." }
        let isPrivate = context.bool("private_zone")
        guard let found = zones.first(where: { $0.string("Name")?.lowercased() == name.lowercased()
            && ($0.bool("Config", "PrivateZone") ?? false) == isPrivate }), let id = found.string("Id") else {
            throw AWSModuleError("Zone \(name) does not exist in Route53")
        }
        return (id, name)
    }

    private func wantedRecord(_ context: ModuleContext, name: String, type: String) throws -> XMLTree {
        let values = context.list("value")?.map(\.renderedString) ?? []
        if values.isEmpty { throw AWSModuleError("state is present but all of the following are missing: value") }
        var children = [XMLTree(name: "Name", text: name), XMLTree(name: "Type", text: type)]
        if let identifier = context.string("identifier") { children.append(XMLTree(name: "SetIdentifier", text: identifier)) }
        if let weight = context.int("weight") { children.append(XMLTree(name: "Weight", text: String(weight))) }
        if let region = context.string("region") { children.append(XMLTree(name: "Region", text: region)) }
        if let geo = context.args["geo_location"]?.dictValue {
            let members = [("continent_code", "ContinentCode"), ("country_code", "CountryCode"), ("subdivision_code", "SubdivisionCode")]
            children.append(XMLTree(name: "GeoLocation", children: members.compactMap { key, member in
                geo[key].map { XMLTree(name: member, text: $0.renderedString) }
            }))
        }
        if let failover = context.string("failover") { children.append(XMLTree(name: "Failover", text: failover)) }
        if context.bool("alias") {
            guard let zone = context.string("alias_hosted_zone_id") else {
                throw AWSModuleError("alias is True but all of the following are missing: alias_hosted_zone_id")
            }
            children.append(XMLTree(name: "AliasTarget", children: [
                XMLTree(name: "HostedZoneId", text: zone), XMLTree(name: "DNSName", text: values[0]),
                XMLTree(name: "EvaluateTargetHealth", text: context.bool("alias_evaluate_target_health") ? "true" : "false"),
            ]))
        } else {
            children.append(XMLTree(name: "TTL", text: String(context.int("ttl") ?? 3600)))
            children.append(XMLTree(name: "ResourceRecords", children: values.map {
                XMLTree(name: "ResourceRecord", children: [XMLTree(name: "Value", text: $0)])
            }))
        }
        if let check = context.string("health_check") { children.append(XMLTree(name: "HealthCheckId", text: check)) }
        return XMLTree(name: "ResourceRecordSet", children: children)
    }

    /// The same record: values in the same order, the same TTL, alias target and routing.
    static func same(_ a: XMLTree, _ b: XMLTree) -> Bool {
        let keys = ["TTL", "SetIdentifier", "Weight", "Region", "Failover", "HealthCheckId"]
        return Route53Records.values(a) == Route53Records.values(b)
            && keys.allSatisfy { a.nonEmpty($0) == b.nonEmpty($0) }
            && a.string("AliasTarget", "DNSName")?.lowercased().trimmingCharacters(in: ["."])
                == b.string("AliasTarget", "DNSName")?.lowercased().trimmingCharacters(in: ["."])
    }

    /// Sends one change; waits for INSYNC when `wait`. Returns the change id.
    private func change(_ action: String, _ record: XMLTree, _ route53: Route53Client, _ zoneID: String,
                        _ context: ModuleContext) async throws -> String {
        let body = #"<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">"#
            + "<ChangeBatch><Changes><Change><Action>\(action)</Action>\(Self.xml(record))</Change></Changes></ChangeBatch>"
            + "</ChangeResourceRecordSetsRequest>"
        let answer = try await AWSModuleError.wrapping("\(action) \(record.string("Name") ?? "") in zone \(zoneID)") {
            try await route53.send("ChangeResourceRecordSets", "POST", path: "hostedzone/\(Route53Client.bareID(zoneID))/rrset/",
                                   body: body, idempotent: action != "CREATE")
        }
        let id = answer.string("ChangeInfo", "Id") ?? ""
        guard context.bool("wait"), !id.isEmpty else { return id }
        var loop = PollLoop(timeout: Double(context.int("wait_timeout") ?? 300), interval: Double(context.int("retry_interval") ?? 500) / 1000)
        while true {
            let status = try await loop.poll {
                try await route53.send("GetChange", "GET", path: "change/\(Route53Client.bareID(id))").string("ChangeInfo", "Status")
            } ?? nil
            if status == "INSYNC" { return id }
            if loop.timedOut { throw AWSModuleError("Timeout waiting for resource records changes to be applied \(loop.progressSuffix)") }
            context.progress("waiting for change \(id): \(status ?? "unknown") \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    static func xml(_ node: XMLTree) -> String {
        let inner = node.children.isEmpty ? Route53Records.escaped(node.text) : node.children.map(xml).joined()
        return "<\(node.name)>\(inner)</\(node.name)>"
    }

    /// Route 53 writes `*` in names as `\052`.
    static func unescaped(_ name: String) -> String { name.replacingOccurrences(of: "\\052", with: "*") }
}
