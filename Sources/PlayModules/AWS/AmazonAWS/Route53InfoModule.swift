import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `route53_info`: `query: hosted_zone` (every zone, or one by `hosted_zone_id`),
/// `record_sets` (a zone's records from `start_record_name`/`type` on) and `change` (a change's
/// status). Each returns boto3's answer (`HostedZones`/`ResourceRecordSets`, again as `list`) and
/// its snake_case form, as the collection does. Health checks, checker IP ranges and reusable
/// delegation sets are not supported: the task fails saying so.
public struct Route53InfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "route53_info", arguments: [
        ArgumentSpec("query", .string, required: true,
                     choices: ["change", "checker_ip_range", "health_check", "hosted_zone", "record_sets", "reusable_delegation_set"]),
        ArgumentSpec("change_id", .string),
        ArgumentSpec("hosted_zone_id", .string),
        ArgumentSpec("max_items", .string),
        ArgumentSpec("next_marker", .string),
        ArgumentSpec("delegation_set_id", .string),
        ArgumentSpec("start_record_name", .string),
        ArgumentSpec("type", .string, choices: ["A", "CNAME", "MX", "AAAA", "TXT", "PTR", "SRV", "SPF", "CAA", "NS", "NAPTR", "SOA", "DS"]),
        ArgumentSpec("dns_name", .string),
        ArgumentSpec("resource_id", .list, aliases: ["resource_ids"], elements: .string),
        ArgumentSpec("health_check_id", .string),
        ArgumentSpec("hosted_zone_method", .string, choices: ["details", "list", "list_by_name", "count", "tags"], defaultValue: "list"),
        ArgumentSpec("health_check_method", .string, choices: ["list", "details", "status", "failure_reason", "count", "tags"],
                     defaultValue: "list"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let route53 = try await context.awsSession().session.route53()
            switch context.string("query") {
            case "record_sets":
                guard let zone = context.string("hosted_zone_id") else {
                    throw AWSModuleError("hosted_zone_id is required for query: record_sets")
                }
                let sets = try await AWSModuleError.wrapping("listing the records of \(zone)") {
                    try await route53.recordSets(zoneID: zone, name: context.string("start_record_name"), type: context.string("type"))
                }
                let raw = sets.map { Value.dict(Route53Records.raw($0)) }
                return .ok(changed: false, ["ResourceRecordSets": .list(raw), "list": .list(raw),
                                            "resource_record_sets": .list(sets.map(Route53Records.snake))])
            case "hosted_zone":
                var zones = try await AWSModuleError.wrapping("listing hosted zones") { try await route53.hostedZones() }
                if let id = context.string("hosted_zone_id") {
                    zones = zones.filter { Route53Client.bareID($0.string("Id") ?? "") == Route53Client.bareID(id) }
                }
                let raw = zones.map { Value.dict(Route53Records.raw($0)) }
                return .ok(changed: false, ["HostedZones": .list(raw), "list": .list(raw),
                                            "hosted_zones": .list(raw.map(Route53Records.snaked))])
            case "change":
                guard let id = context.string("change_id") else { throw AWSModuleError("change_id is required for query: change") }
                let answer = try await AWSModuleError.wrapping("reading change \(id)") {
                    try await route53.send("GetChange", "GET", path: "change/\(Route53Client.bareID(id))")
                }
                let info = answer.child("ChangeInfo").map(Route53Records.raw) ?? [:]
                return .ok(changed: false, ["ChangeInfo": .dict(info), "change_info": Route53Records.snaked(.dict(info))])
            default:
                throw AWSModuleError("route53_info query '\(context.string("query") ?? "")' is not supported by play yet")
            }
        }
    }
}
