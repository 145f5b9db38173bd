import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The steps of `ec2_vpc_route_table` on one VPC: finding the table, and bringing its routes,
/// route propagation, subnet associations and gateway association to the task's. Each step says
/// whether it changed something; in check mode it only says whether it would.
struct RouteTableWork {
    let context: ModuleContext
    let ec2: EC2Client
    let vpcID: String

    /// The table by `route_table_id` (`lookup: id`) or by every one of `tags` in the VPC (`lookup: tag`).
    func lookUp() async throws -> XMLTree? {
        if context.string("lookup") == "id" { return try await byID(context.string("route_table_id") ?? "") }
        guard context.args["tags"].map({ !$0.isNull }) ?? false else { return nil }
        let wanted = ResourceTags.given(context)
        let matching = try await tables([EC2Filter("vpc-id", [vpcID])]).filter { ResourceTags.matches($0.tags("tagSet", item: "item"), wanted) }
        if matching.count > 1 { throw AWSModuleError("Tags provided do not identify a unique route table") }
        return matching.first
    }

    func byID(_ id: String) async throws -> XMLTree? {
        var request = EC2Request("DescribeRouteTables")
        request.list("RouteTableId", [id])
        do {
            return try await ec2.describeItems(request, set: "routeTableSet").first
        } catch let error as AWSError where error.code == "InvalidRouteTableID.NotFound" {
            return nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing route table \(id)")
        }
    }

    func tables(_ filters: [EC2Filter]) async throws -> [XMLTree] {
        var request = EC2Request("DescribeRouteTables")
        request.filters(filters)
        return try await AWSModuleError.wrapping("describing route tables") { try await ec2.describeItems(request, set: "routeTableSet") }
    }

    // MARK: Routes

    /// The task's `routes` as CreateRoute parameters: `dest` becomes the IPv4 or IPv6 destination,
    /// `gateway_id: igw` the VPC's internet gateway, and a NAT, carrier or transit gateway's id moves
    /// to its own parameter.
    func routeSpecs() async throws -> [[String: String]] {
        var specs: [[String: String]] = []
        for route in context.list("routes") ?? [] {
            guard let dict = route.dictValue else { continue }
            var spec: [String: String] = [:]
            for (key, value) in dict where !value.isNull {
                var name = key
                if key == "dest" { name = value.renderedString.contains(":") ? "destination_ipv6_cidr_block" : "destination_cidr_block" }
                spec[Self.camel(name)] = value.renderedString
            }
            if let gateway = spec["GatewayId"] {
                if gateway.lowercased() == "igw" { spec["GatewayId"] = try await internetGateway() }
                for (prefix, key) in [("nat-", "NatGatewayId"), ("cagw-", "CarrierGatewayId"), ("tgw-", "TransitGatewayId")]
                where gateway.hasPrefix(prefix) {
                    spec[key] = spec.removeValue(forKey: "GatewayId")
                }
            }
            specs.append(spec)
        }
        return specs
    }

    func ensureRoutes(_ table: XMLTree, _ specs: [[String: String]], purge: Bool) async throws -> Bool {
        var unmatched = table.list("routeSet", item: "item").map(Self.routeFields)
        var create: [[String: String]] = [], replace: [[String: String]] = []
        for spec in specs {
            if let i = unmatched.firstIndex(where: { route in spec.allSatisfy { route[$0.key] == $0.value } }) {
                unmatched.remove(at: i)
            } else if let i = unmatched.firstIndex(where: { $0["Origin"] != "EnableVgwRoutePropagation" && Self.sameDestination(spec, $0) }) {
                if spec["DestinationCidrBlock"] != nil { replace.append(spec) }
                unmatched.remove(at: i)
            } else if spec["DestinationCidrBlock"] != nil || spec["DestinationIpv6CidrBlock"] != nil {
                create.append(spec)
            }
        }
        let delete = purge ? unmatched.filter { $0["DestinationCidrBlock"] != nil && $0["Origin"] == "CreateRoute" } : []
        if context.checkMode { return !(delete.isEmpty && create.isEmpty && replace.isEmpty) }
        let id = table.string("routeTableId") ?? ""
        for route in delete { try await send("DeleteRoute", id, ["DestinationCidrBlock": route["DestinationCidrBlock"] ?? ""]) }
        for spec in replace { try await send("ReplaceRoute", id, spec) }
        for spec in create { try await send("CreateRoute", id, spec) }
        return !(delete.isEmpty && create.isEmpty && replace.isEmpty)
    }

    private func send(_ action: String, _ tableID: String, _ parameters: [String: String]) async throws {
        var request = EC2Request(action)
        request.set("RouteTableId", tableID)
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) { request.set(key, value) }
        _ = try await AWSModuleError.wrapping("\(action) on \(tableID)") { try await ec2.send(request) }
    }

    func ensurePropagation(_ table: XMLTree, _ vgws: [String]) async throws -> Bool {
        let have = Set(table.list("propagatingVgwSet", item: "item").compactMap { $0.string("gatewayId") })
        let add = vgws.filter { !have.contains($0) }
        if add.isEmpty { return false }
        if context.checkMode { return true }
        for vgw in Set(add).sorted() {
            var request = EC2Request("EnableVgwRoutePropagation")
            request.set("RouteTableId", table.string("routeTableId"))
            request.set("GatewayId", vgw)
            _ = try await AWSModuleError.wrapping("enabling route propagation from \(vgw)") { try await ec2.send(request) }
        }
        return true
    }

    /// `{"destinationCidrBlock": ...}` → `{"DestinationCidrBlock": ...}`, as boto3 names a route's members.
    static func routeFields(_ route: XMLTree) -> [String: String] {
        var out: [String: String] = [:]
        for child in route.children where child.children.isEmpty { out[child.name.prefix(1).uppercased() + child.name.dropFirst()] = child.text }
        return out
    }

    static func sameDestination(_ spec: [String: String], _ route: [String: String]) -> Bool {
        for key in ["DestinationCidrBlock", "DestinationIpv6CidrBlock"] {
            if let a = spec[key], let b = route[key] { return a == b }
        }
        return false
    }

    /// `vpc_peering_connection_id` → `VpcPeeringConnectionId`.
    static func camel(_ name: String) -> String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    private func internetGateway() async throws -> String {
        var request = EC2Request("DescribeInternetGateways")
        request.filters([EC2Filter("attachment.vpc-id", [vpcID])])
        let gateways = try await AWSModuleError.wrapping("describing the internet gateways of \(vpcID)") {
            try await ec2.describeItems(request, set: "internetGatewaySet")
        }
        if gateways.isEmpty { throw AWSModuleError("No IGWs found for VPC \(vpcID)") }
        if gateways.count > 1 { throw AWSModuleError("Multiple IGWs found for VPC \(vpcID)") }
        return gateways[0].string("internetGatewayId") ?? ""
    }
}
