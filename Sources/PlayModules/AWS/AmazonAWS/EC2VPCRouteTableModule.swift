import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_vpc_route_table` (also under community.aws, which redirects here): a route
/// table of `vpc_id`, found by its `tags` (`lookup: tag`) or `route_table_id` (`lookup: id`).
/// `present` creates it when none is found, then brings its `routes` (purging the other created
/// routes with `purge_routes`), `propagating_vgw_ids`, `tags`, `subnets` (ids, CIDRs or Name tags;
/// moved from other tables, the others released with `purge_subnets`) and `gateway_id` edge
/// association to the task's; `absent` releases its subnets and gateway and deletes it. Returns
/// `route_table` as the collection reads it back.
public struct EC2VPCRouteTableModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vpc_route_table", arguments: [
        ArgumentSpec("gateway_id", .string),
        ArgumentSpec("lookup", .string, choices: ["tag", "id"], defaultValue: "tag"),
        ArgumentSpec("propagating_vgw_ids", .list, elements: .string),
        ArgumentSpec("purge_routes", .bool, defaultValue: true),
        ArgumentSpec("purge_subnets", .bool, defaultValue: true),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("route_table_id", .string),
        ArgumentSpec("routes", .list, defaultValue: .list([]), elements: .dict),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("subnets", .list, elements: .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("vpc_id", .string),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            try ArgumentRequirements.requireIf(context, "lookup", "id", ["route_table_id"])
            try ArgumentRequirements.requireIf(context, "lookup", "tag", ["vpc_id"])
            try ArgumentRequirements.requireIf(context, "state", "present", ["vpc_id"])
            let ec2 = try await context.awsSession().ec2
            let table = RouteTableWork(context: context, ec2: ec2, vpcID: context.string("vpc_id") ?? "")
            if context.string("state") == "absent" {
                guard let found = try await table.lookUp() else { return .ok(changed: false, [:]) }
                if context.checkMode { return .ok(changed: true, [:]) }
                var changed = try await table.ensureSubnets(found, subnetIDs: [], purge: context.bool("purge_subnets", default: true))
                changed = try await table.disassociateGateway(found) || changed
                var delete = EC2Request("DeleteRouteTable")
                delete.set("RouteTableId", found.string("routeTableId"))
                _ = try await AWSModuleError.wrapping("deleting route table \(found.string("routeTableId") ?? "")") { try await ec2.send(delete) }
                return .ok(changed: true, [:])
            }
            return try await present(table)
        }
    }

    private func present(_ table: RouteTableWork) async throws -> TaskResult {
        let context = table.context
        let routes = try await table.routeSpecs()
        var changed = false
        var found = try await table.lookUp()
        if found == nil {
            changed = true
            if context.checkMode {
                return .ok(changed: true, ["route_table": .dict(["id": "rtb-xxxxxxxx", "route_table_id": "rtb-xxxxxxxx",
                                                                  "vpc_id": .string(table.vpcID)])])
            }
            var create = EC2Request("CreateRouteTable")
            create.set("VpcId", table.vpcID)
            create.tagSpecifications(["route-table"], tags: ResourceTags.given(context))
            let root = try await AWSModuleError.wrapping("creating a route table in \(table.vpcID)") { try await table.ec2.send(create, idempotent: false) }
            found = root["routeTable"]
        }
        guard let found, let id = found.nonEmpty("routeTableId") else { throw AWSModuleError("CreateRouteTable returned no route table") }
        changed = try await table.ensureRoutes(found, routes, purge: context.bool("purge_routes", default: true)) || changed
        if let vgws = context.list("propagating_vgw_ids") {
            changed = try await table.ensurePropagation(found, vgws.map(\.renderedString)) || changed
        }
        changed = try await EC2TagSync.ensure(context, table.ec2, resource: id, have: found.tags("tagSet", item: "item")) || changed
        if let subnets = context.list("subnets") {
            let ids = try await table.findSubnets(subnets.map(\.renderedString))
            changed = try await table.ensureSubnets(found, subnetIDs: ids, purge: context.bool("purge_subnets", default: true)) || changed
        }
        if let gateway = context.string("gateway_id") {
            changed = try await (gateway == "None" || gateway.isEmpty ? table.disassociateGateway(found) : table.associateGateway(found, gateway)) || changed
        }
        guard let after = try await table.byID(id) else { return .ok(changed: changed, ["route_table": .dict([:])]) }
        var shaped = EC2ResultShape.dict(after)
        shaped["tags"] = ResourceTags.value(try await EC2TagSync.describe(table.ec2, resource: id))
        shaped["id"] = .string(id)
        return .ok(changed: changed, ["route_table": .dict(shaped)])
    }
}
