import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The amazon.aws `*_info` modules that are one EC2 Describe call with ids and `filters`
/// (`ec2_instance_info`, `ec2_vpc_net_info`, `ec2_vpc_subnet_info`, `ec2_security_group_info`,
/// `ec2_ami_info`): each item of the answer in the collection's shape, under the collection's key.
/// Read-only, so they run in check mode too.
public struct EC2DescribeInfoModule: Module {
    /// What differs between the modules.
    struct Kind: Sendable {
        var name: String
        var action: String
        /// The module's id-list argument and its aliases, and the request's list parameter.
        var ids: (argument: String, aliases: [String], parameter: String)?
        /// The answer's list element.
        var set: String
        var resultKey: String
        /// The item's key copied to `id` (the VPC and subnet modules add it).
        var idKey: String?
        var extraArguments: [ArgumentSpec] = []
        /// Old names the collection still redirects here.
        var aliases: [String] = []
        /// The collection's own touches to an item after the generic conversion.
        var finish: (@Sendable (inout OrderedDictionary<String, Value>) -> Void)?
    }

    let kind: Kind
    public let spec: ModuleSpec

    init(_ kind: Kind) {
        self.kind = kind
        var arguments = [ArgumentSpec("filters", .dict, defaultValue: .emptyDict)] + kind.extraArguments
        if let ids = kind.ids {
            arguments.append(ArgumentSpec(ids.argument, .list, aliases: ids.aliases, defaultValue: .list([]), elements: .string))
        }
        spec = ModuleSpec(groups: ["aws"], name: kind.name, aliases: kind.aliases, arguments: arguments + AWSArguments.specs)
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            var request = EC2Request(kind.action)
            if let ids = kind.ids { request.list(ids.parameter, (context.list(ids.argument) ?? []).map(\.renderedString)) }
            if kind.name == "ec2_ami_info" {
                request.list("Owner", (context.list("owners") ?? []).map(\.renderedString))
                request.list("ExecutableBy", (context.list("executable_users") ?? []).map(\.renderedString))
                if context.bool("include_deprecated", default: false) { request.set("IncludeDeprecated", true) }
            }
            request.filters(EC2Filters.given(context.args["filters"]))
            let ec2 = try await context.awsSession().ec2
            let items = try await AWSModuleError.wrapping("\(kind.action)") {
                try await ec2.describeItems(request, set: kind.set)
            }
            var values = items.flatMap(shape)
            if kind.name == "ec2_vpc_net_info" { values = try await withDNSAttributes(values, ec2) }
            if kind.name == "ec2_ami_info" {
                values.sort { ($0["creation_date"]?.renderedString ?? "") < ($1["creation_date"]?.renderedString ?? "") }
            }
            if kind.name == "ec2_instance_info", let uptime = context.int("minimum_uptime") {
                let cutoff = Date().addingTimeInterval(-Double(uptime) * 60)
                values = values.filter { instance in
                    guard let launched = instance["launch_time"].flatMap({ ISO8601DateFormatter().date(from: $0.renderedString) })
                    else { return false }
                    return launched <= cutoff
                }
            }
            return .ok(changed: false, [kind.resultKey: .list(values)])
        }
    }

    /// One answer item as the collection reports it (a reservation gives its instances).
    private func shape(_ item: XMLTree) -> [Value] {
        if kind.set == "reservationSet" { return EC2ResultShape.instances(item) }
        var dict = EC2ResultShape.dict(item)
        if dict["tags"] == nil { dict["tags"] = .dict([:]) }
        if let idKey = kind.idKey { dict["id"] = dict[idKey] ?? .null }
        kind.finish?(&dict)
        return [.dict(dict)]
    }

    /// `enable_dns_hostnames` and `enable_dns_support`, two DescribeVpcAttribute calls a VPC.
    private func withDNSAttributes(_ vpcs: [Value], _ ec2: EC2Client) async throws -> [Value] {
        var out: [Value] = []
        for vpc in vpcs {
            guard case .dict(var dict) = vpc, let id = dict["vpc_id"]?.renderedString else { out.append(vpc); continue }
            for (attribute, key) in [("enableDnsHostnames", "enable_dns_hostnames"), ("enableDnsSupport", "enable_dns_support")] {
                var request = EC2Request("DescribeVpcAttribute")
                request.set("VpcId", id)
                request.set("Attribute", attribute)
                let root = try await AWSModuleError.wrapping("DescribeVpcAttribute \(attribute) of \(id)") {
                    try await ec2.send(request)
                }
                dict[key] = .bool(root.string(attribute, "value") == "true")
            }
            out.append(.dict(dict))
        }
        return out
    }
}
