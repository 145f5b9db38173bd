import Foundation
import PlayAWS
import PlayBase
import PlayExecutor

/// `ec2_vpc_route_table`'s subnet and gateway associations.
extension RouteTableWork {
    /// Subnet ids for `subnets` written as ids, CIDR blocks or Name tags of the VPC's subnets.
    func findSubnets(_ given: [String]) async throws -> [String] {
        let ids = given.filter { $0.hasPrefix("subnet-") }
        let cidrs = given.filter { !$0.hasPrefix("subnet-") && $0.contains("/") }
        let names = given.filter { !ids.contains($0) && !cidrs.contains($0) }
        var found: [String] = []
        if !ids.isEmpty {
            var request = EC2Request("DescribeSubnets")
            request.list("SubnetId", ids)
            request.filters([EC2Filter("vpc-id", [vpcID])])
            found += try await subnets(request, "Couldn't find subnet with id \(ids)").compactMap { $0.string("subnetId") }
        }
        if !cidrs.isEmpty {
            var request = EC2Request("DescribeSubnets")
            request.filters([EC2Filter("vpc-id", [vpcID]), EC2Filter("cidr-block", cidrs)])
            found += try await subnets(request, "Couldn't find subnet with cidr \(cidrs)").compactMap { $0.string("subnetId") }
        }
        if !names.isEmpty {
            var request = EC2Request("DescribeSubnets")
            request.filters([EC2Filter("vpc-id", [vpcID]), EC2Filter("tag:Name", names)])
            let named = try await subnets(request, "Couldn't find subnet with names \(names)")
            for name in names {
                let count = named.filter { $0.tags("tagSet", item: "item")["Name"] == name }.count
                if count == 0 { throw AWSModuleError("Subnet named \"\(name)\" does not exist") }
                if count > 1 { throw AWSModuleError("Multiple subnets named \"\(name)\"") }
            }
            found += named.compactMap { $0.string("subnetId") }
        }
        return found
    }

    private func subnets(_ request: EC2Request, _ failure: String) async throws -> [XMLTree] {
        try await AWSModuleError.wrapping(failure) { try await ec2.describeItems(request, set: "subnetSet") }
    }

    /// Associates each subnet with `table` (taking it from the table it was on), and with `purge`
    /// releases the table's other subnets.
    func ensureSubnets(_ table: XMLTree, subnetIDs: [String], purge: Bool) async throws -> Bool {
        let tableID = table.string("routeTableId") ?? ""
        let current = table.list("associationSet", item: "item")
            .filter { $0.string("main") != "true" && $0.nonEmpty("subnetId") != nil }
            .compactMap { $0.string("routeTableAssociationId") }
        var kept: [String] = [], changed = false
        for subnet in subnetIDs {
            let (subnetChanged, association) = try await associateSubnet(tableID, subnet)
            changed = changed || subnetChanged
            if changed && context.checkMode { return true }
            if let association { kept.append(association) }
        }
        if purge {
            for association in current where !kept.contains(association) {
                changed = true
                if !context.checkMode { try await disassociate(association) }
            }
        }
        return changed
    }

    /// One subnet: nothing when it is already on `tableID`; otherwise it leaves the table it was on
    /// and joins `tableID` (the collection only takes it away then, and joins it on the next run).
    private func associateSubnet(_ tableID: String, _ subnet: String) async throws -> (Bool, String?) {
        for other in try await tables([EC2Filter("association.subnet-id", [subnet]), EC2Filter("vpc-id", [vpcID])]) {
            for association in other.list("associationSet", item: "item")
            where association.string("main") != "true" && association.string("subnetId") == subnet {
                if other.string("routeTableId") == tableID { return (false, association.string("routeTableAssociationId")) }
                if context.checkMode { return (true, nil) }
                try await disassociate(association.string("routeTableAssociationId") ?? "")
            }
        }
        if context.checkMode { return (true, nil) }
        var request = EC2Request("AssociateRouteTable")
        request.set("RouteTableId", tableID)
        request.set("SubnetId", subnet)
        let root = try await AWSModuleError.wrapping("associating \(subnet) with \(tableID)") { try await ec2.send(request) }
        return (true, root.string("associationId"))
    }

    func disassociate(_ association: String) async throws {
        var request = EC2Request("DisassociateRouteTable")
        request.set("AssociationId", association)
        _ = try await AWSModuleError.wrapping("disassociating \(association)") { try await ec2.send(request) }
    }

    /// Releases the table's gateway (edge) associations.
    func disassociateGateway(_ table: XMLTree) async throws -> Bool {
        let associations = table.list("associationSet", item: "item").filter {
            $0.string("main") != "true" && $0.nonEmpty("gatewayId") != nil
                && ["associated", "associating"].contains($0.string("associationState", "state") ?? "")
        }
        if !context.checkMode {
            for association in associations { try await disassociate(association.string("routeTableAssociationId") ?? "") }
        }
        return !associations.isEmpty
    }

    /// Makes `gateway` this table's edge association, taking it from another table of the VPC.
    func associateGateway(_ table: XMLTree, _ gateway: String) async throws -> Bool {
        let tableID = table.string("routeTableId") ?? ""
        for other in try await tables([EC2Filter("association.gateway-id", [gateway]), EC2Filter("vpc-id", [vpcID])]) {
            for association in other.list("associationSet", item: "item")
            where association.string("main") != "true" && association.string("gatewayId") == gateway
                && ["associated", "associating"].contains(association.string("associationState", "state") ?? "") {
                if other.string("routeTableId") == tableID { return false }
                if context.checkMode { return true }
                try await disassociate(association.string("routeTableAssociationId") ?? "")
            }
        }
        if context.checkMode { return true }
        var request = EC2Request("AssociateRouteTable")
        request.set("RouteTableId", tableID)
        request.set("GatewayId", gateway)
        _ = try await AWSModuleError.wrapping("associating \(gateway) with \(tableID)") { try await ec2.send(request) }
        return true
    }
}
