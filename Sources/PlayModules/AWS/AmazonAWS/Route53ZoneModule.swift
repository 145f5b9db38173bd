import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `route53_zone`: a hosted zone by name, public or private to `vpc_id`/`vpc_region`
/// or `vpcs`, with its `comment` and `tags`; `state: absent` deletes the matching zone (or
/// `hosted_zone_id`). Returns the zone's `zone_id`, `name`, `private_zone`, `vpcs`, `comment`,
/// `tags`, `dnssec` and the same under `result`. Turning DNSSEC signing on is not supported.
public struct Route53ZoneModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "route53_zone", arguments: [
        ArgumentSpec("zone", .string, required: true),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("vpc_region", .string),
        ArgumentSpec("vpcs", .list, elements: .dict),
        ArgumentSpec("comment", .string, defaultValue: ""),
        ArgumentSpec("hosted_zone_id", .string),
        ArgumentSpec("delegation_set_id", .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("dnssec", .bool, defaultValue: false),
    ] + AWSArguments.specs, mutuallyExclusive: [["delegation_set_id", "vpc_id"], ["delegation_set_id", "vpc_region"],
                                                ["delegation_set_id", "vpcs"], ["vpcs", "vpc_id"], ["vpcs", "vpc_region"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            if context.bool("dnssec") { throw AWSModuleError("dnssec: true (DNSSEC signing) is not supported by play yet") }
            let route53 = try await context.awsSession().session.route53()
            var name = (context.string("zone") ?? "").lowercased()
            if !name.hasSuffix(".") { name += "." }
            var vpcs = (context.list("vpcs") ?? []).compactMap { $0.dictValue }.map {
                (id: $0["id"]?.renderedString ?? "", region: $0["region"]?.renderedString ?? "")
            }
            if let id = context.string("vpc_id"), let region = context.string("vpc_region") { vpcs = [(id, region)] }
            let isPrivate = !vpcs.isEmpty
            let matching = try await AWSModuleError.wrapping("listing hosted zones") { try await route53.hostedZones() }.filter {
                $0.string("Name")?.lowercased() == name && ($0.bool("Config", "PrivateZone") ?? false) == isPrivate
            }.filter { zone in
                context.string("hosted_zone_id").map { Route53Client.bareID(zone.string("Id") ?? "") == Route53Client.bareID($0) } ?? true
            }

            if context.string("state") == "absent" {
                guard let zone = matching.first, let id = zone.string("Id") else { return .ok(changed: false, ["result": "No zone to delete."]) }
                if matching.count > 1 {
                    return .ok(changed: false, ["result": "There are multiple zones that match. Use hosted_zone_id to specify the correct zone."])
                }
                if !context.checkMode {
                    _ = try await AWSModuleError.wrapping("Could not delete hosted zone \(id)") {
                        try await route53.send("DeleteHostedZone", "DELETE", path: "hostedzone/\(Route53Client.bareID(id))")
                    }
                }
                return .ok(changed: true, ["result": .string("Successfully deleted \(id)")])
            }

            let comment = context.string("comment") ?? ""
            var changed = false
            var zoneID: String
            if let zone = matching.first, let id = zone.string("Id") {
                zoneID = Route53Client.bareID(id)
                if (zone.string("Config", "Comment") ?? "") != comment {
                    changed = true
                    if !context.checkMode {
                        let body = Self.document("UpdateHostedZoneCommentRequest", "<Comment>\(Route53Records.escaped(comment))</Comment>")
                        _ = try await AWSModuleError.wrapping("updating the comment of \(name)") {
                            try await route53.send("UpdateHostedZoneComment", "POST", path: "hostedzone/\(zoneID)", body: body)
                        }
                    }
                }
            } else {
                changed = true
                if context.checkMode { return .ok(changed: true, ["name": .string(name), "private_zone": .bool(isPrivate)]) }
                var inner = "<Name>\(Route53Records.escaped(name))</Name><CallerReference>\(UUID().uuidString)</CallerReference>"
                    + "<HostedZoneConfig><Comment>\(Route53Records.escaped(comment))</Comment>"
                    + "<PrivateZone>\(isPrivate)</PrivateZone></HostedZoneConfig>"
                if let vpc = vpcs.first { inner += "<VPC><VPCRegion>\(vpc.region)</VPCRegion><VPCId>\(vpc.id)</VPCId></VPC>" }
                if let set = context.string("delegation_set_id") { inner += "<DelegationSetId>\(set)</DelegationSetId>" }
                let created = try await AWSModuleError.wrapping("Could not create hosted zone \(name)") {
                    try await route53.send("CreateHostedZone", "POST", path: "hostedzone", body: Self.document("CreateHostedZoneRequest", inner),
                                           idempotent: false)
                }
                zoneID = Route53Client.bareID(created.string("HostedZone", "Id") ?? "")
            }
            changed = try await syncTags(zoneID, context, route53) || changed
            return .ok(changed: changed, try await result(zoneID, route53, vpcs: vpcs))
        }
    }

    static func document(_ root: String, _ inner: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?>"# + "<\(root) xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">\(inner)</\(root)>"
    }

    private func tags(_ zoneID: String, _ route53: Route53Client) async throws -> [String: String] {
        let answer = try await AWSModuleError.wrapping("reading the tags of \(zoneID)") {
            try await route53.send("ListTagsForResource", "GET", path: "tags/hostedzone/\(zoneID)")
        }
        var out: [String: String] = [:]
        for tag in answer.list("ResourceTagSet", "Tags", item: "Tag") { if let key = tag.string("Key") { out[key] = tag.string("Value") ?? "" } }
        return out
    }

    private func syncTags(_ zoneID: String, _ context: ModuleContext, _ route53: Route53Client) async throws -> Bool {
        guard context.args["tags"].map({ !$0.isNull }) ?? false else { return false }
        let (add, remove) = ResourceTags.changes(try await tags(zoneID, route53), ResourceTags.given(context),
                                                 purge: context.bool("purge_tags", default: true))
        guard !add.isEmpty || !remove.isEmpty else { return false }
        if !context.checkMode {
            let added = add.sorted { $0.key < $1.key }.map {
                "<Tag><Key>\(Route53Records.escaped($0.key))</Key><Value>\(Route53Records.escaped($0.value))</Value></Tag>"
            }.joined()
            let removed = remove.map { "<Key>\(Route53Records.escaped($0))</Key>" }.joined()
            let body = Self.document("ChangeTagsForResourceRequest", (added.isEmpty ? "" : "<AddTags>\(added)</AddTags>")
                + (removed.isEmpty ? "" : "<RemoveTagKeys>\(removed)</RemoveTagKeys>"))
            _ = try await AWSModuleError.wrapping("tagging \(zoneID)") {
                try await route53.send("ChangeTagsForResource", "POST", path: "tags/hostedzone/\(zoneID)", body: body)
            }
        }
        return true
    }

    private func result(_ zoneID: String, _ route53: Route53Client, vpcs: [(id: String, region: String)]) async throws -> OrderedDictionary<String, Value> {
        let zone = try await AWSModuleError.wrapping("reading zone \(zoneID)") { try await route53.send("GetHostedZone", "GET", path: "hostedzone/\(zoneID)") }
        let dnssec = try await AWSModuleError.wrapping("reading the DNSSEC status of \(zoneID)") {
            try await route53.send("GetDNSSEC", "GET", path: "hostedzone/\(zoneID)/dnssec")
        }
        let vpcList: Value = vpcs.isEmpty ? .null : .list(vpcs.map { .dict(["id": .string($0.id), "region": .string($0.region)]) })
        var out: OrderedDictionary<String, Value> = [
            "comment": .string(zone.string("HostedZone", "Config", "Comment") ?? ""),
            "delegation_set_id": .string(zone.string("DelegationSet", "Id").map(Route53Client.bareID) ?? ""),
            "dnssec": .dict(["status": .dict(["serve_signature": .string(dnssec.string("Status", "ServeSignature") ?? "")])]),
            "name": .string(zone.string("HostedZone", "Name") ?? ""),
            "private_zone": .bool(zone.bool("HostedZone", "Config", "PrivateZone") ?? false),
            "tags": ResourceTags.value(try await tags(zoneID, route53)),
            "vpc_id": vpcs.first.map { .string($0.id) } ?? .null,
            "vpc_region": vpcs.first.map { .string($0.region) } ?? .null,
            "vpcs": vpcList,
            "zone_id": .string(zoneID),
        ]
        out["result"] = .dict(out)
        return out
    }
}
