import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_vpc_nat_gateway`: a NAT gateway in `subnet_id`. `present` reuses the gateway of
/// the subnet that holds `allocation_id` (or the Elastic IP `eip_address`), or any gateway of the
/// subnet with `if_exist_do_not_create`; otherwise creates one (public ones with the given address
/// or a newly allocated one) and with `wait` waits until it is available. `absent` deletes
/// `nat_gateway_id`, waits for it with `wait`, and releases its address with `release_eip`.
/// Returns the gateway's fields (`nat_gateway_id`, `nat_gateway_addresses`, `state`, `tags`...) and `msg`.
public struct EC2VPCNATGatewayModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vpc_nat_gateway", arguments: [
        ArgumentSpec("subnet_id", .string),
        ArgumentSpec("eip_address", .string),
        ArgumentSpec("allocation_id", .string),
        ArgumentSpec("connectivity_type", .string, choices: ["private", "public"], defaultValue: "public"),
        ArgumentSpec("if_exist_do_not_create", .bool, defaultValue: false),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("wait", .bool, defaultValue: false),
        ArgumentSpec("wait_timeout", .int, defaultValue: 320),
        ArgumentSpec("release_eip", .bool, defaultValue: false),
        ArgumentSpec("nat_gateway_id", .string),
        ArgumentSpec("client_token", .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("default_create", .bool, defaultValue: false),
    ] + AWSArguments.specs, mutuallyExclusive: [["allocation_id", "eip_address"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            try ArgumentRequirements.requireIf(context, "state", "absent", ["nat_gateway_id"])
            try ArgumentRequirements.requireIf(context, "state", "present", ["subnet_id"])
            let ec2 = try await context.awsSession().ec2
            if context.string("state") == "absent" { return try await remove(context, ec2) }
            let subnet = context.string("subnet_id") ?? ""
            var allocation = context.string("allocation_id")
            if allocation == nil, let address = context.string("eip_address") {
                allocation = try await allocationID(ec2, address)
                if allocation == nil && !context.bool("default_create", default: false) {
                    throw AWSModuleError("EIP \(address) does not exist")
                }
            }
            let existing = try await gateways(ec2, [EC2Filter("subnet-id", [subnet]), EC2Filter("state", ["available", "pending"])])
            let holding = allocation.map { id in existing.filter { gateway in
                gateway.list("natGatewayAddressSet", item: "item").contains { $0.string("allocationId") == id }
            } } ?? existing
            if let found = holding.first, allocation != nil || context.bool("if_exist_do_not_create", default: false) {
                let id = found.string("natGatewayId") ?? ""
                let changed = try await EC2TagSync.ensure(context, ec2, resource: id, have: found.tags("tagSet", item: "item"))
                var result = shape(found)
                result["tags"] = ResourceTags.value(try await EC2TagSync.describe(ec2, resource: id))
                result["msg"] = .string(changed ? "" : "NAT Gateway \(id) already exists in subnet_id \(subnet)")
                return .ok(changed: changed, result)
            }
            if context.checkMode { return .ok(changed: true, ["msg": ""]) }
            let publicGateway = context.string("connectivity_type") == "public"
            if publicGateway && allocation == nil {
                var allocate = EC2Request("AllocateAddress")
                allocate.set("Domain", "vpc")
                allocation = try await AWSModuleError.wrapping("allocating an Elastic IP") { try await ec2.send(allocate, idempotent: false) }.string("allocationId")
            }
            return try await create(context, ec2, subnet: subnet, allocation: publicGateway ? allocation : nil)
        }
    }

    private func create(_ context: ModuleContext, _ ec2: EC2Client, subnet: String, allocation: String?) async throws -> TaskResult {
        var request = EC2Request("CreateNatGateway")
        request.set("SubnetId", subnet)
        request.set("ConnectivityType", context.string("connectivity_type"))
        request.set("AllocationId", allocation)
        request.set("ClientToken", context.string("client_token"))
        request.tagSpecifications(["natgateway"], tags: ResourceTags.given(context))
        let root = try await AWSModuleError.wrapping("creating a NAT gateway in \(subnet)") {
            try await ec2.send(request, idempotent: context.string("client_token") != nil)
        }
        guard var gateway = root["natGateway"], let id = gateway.string("natGatewayId") else {
            throw AWSModuleError("CreateNatGateway returned no gateway")
        }
        if context.bool("wait", default: false), gateway.string("state") != "available" {
            gateway = try await waitFor(context, ec2, id, state: "available")
        }
        var result = shape(gateway)
        result["tags"] = ResourceTags.value(try await EC2TagSync.describe(ec2, resource: id))
        result["msg"] = ""
        return .ok(changed: true, result)
    }

    private func remove(_ context: ModuleContext, _ ec2: EC2Client) async throws -> TaskResult {
        if context.checkMode { return .ok(changed: true, ["msg": ""]) }
        let id = context.string("nat_gateway_id") ?? ""
        var result: OrderedDictionary<String, Value> = ["msg": ""]
        var changed = false
        var allocation: String?
        let found = try await gateways(ec2, [], id: id)
        if found.count == 1, var gateway = found.first {
            var delete = EC2Request("DeleteNatGateway")
            delete.set("NatGatewayId", id)
            _ = try await AWSModuleError.wrapping("deleting \(id)") { try await ec2.send(delete) }
            changed = true
            if context.string("connectivity_type") == "public" { allocation = gateway.string("natGatewayAddressSet", "item", "allocationId") }
            result = shape(gateway, tagsAsList: true)
            result["msg"] = .string("NAT gateway \(id) is in a deleting state. Delete was successful")
            if context.bool("wait", default: false), gateway.string("state") != "deleted" {
                gateway = try await waitFor(context, ec2, id, state: "deleted")
                let msg = result["msg"]
                result = shape(gateway)
                result["tags"] = ResourceTags.value(try await EC2TagSync.describe(ec2, resource: id))
                result["msg"] = msg
            }
        }
        if context.bool("release_eip", default: false), let allocation {
            var describe = EC2Request("DescribeAddresses")
            describe.list("AllocationId", [allocation])
            if !(try await AWSModuleError.wrapping("describing \(allocation)") { try await ec2.describeItems(describe, set: "addressesSet") }).isEmpty {
                var release = EC2Request("ReleaseAddress")
                release.set("AllocationId", allocation)
                _ = try await AWSModuleError.wrapping("releasing \(allocation)") { try await ec2.send(release) }
                changed = true
            }
        }
        return .ok(changed: changed, result)
    }

    private func gateways(_ ec2: EC2Client, _ filters: [EC2Filter], id: String? = nil) async throws -> [XMLTree] {
        var request = EC2Request("DescribeNatGateways")
        if let id { request.list("NatGatewayId", [id]) } else { request.filters(filters) }
        return try await AWSModuleError.wrapping("describing NAT gateways") { try await ec2.describeItems(request, set: "natGatewaySet") }
    }

    private func allocationID(_ ec2: EC2Client, _ address: String) async throws -> String? {
        var request = EC2Request("DescribeAddresses")
        request.list("PublicIp", [address])
        let found: [XMLTree]
        do {
            found = try await ec2.describeItems(request, set: "addressesSet")
        } catch let error as AWSError where error.code == "InvalidAddress.Malformed" {
            throw AWSModuleError("EIP address \(address) is invalid.")
        } catch let error as AWSError where error.code == "InvalidAddress.NotFound" {
            return nil
        }
        guard found.count == 1 else { return nil }
        if found[0].string("domain") != "vpc" { throw AWSModuleError("EIP \(address) is a non-VPC EIP, please allocate a VPC scoped EIP") }
        return found[0].string("allocationId")
    }

    private func waitFor(_ context: ModuleContext, _ ec2: EC2Client, _ id: String, state: String) async throws -> XMLTree {
        var loop = PollLoop(timeout: Double(context.int("wait_timeout") ?? 320), interval: 5)
        while true {
            if let polled = try await loop.poll({ try await gateways(ec2, [], id: id).first }), let gateway = polled {
                if gateway.string("state") == state { return gateway }
                if state == "available", gateway.string("state") == "failed" {
                    throw AWSModuleError("NAT gateway \(id) failed: \(gateway.string("failureMessage") ?? "")")
                }
            }
            if loop.timedOut { throw AWSModuleError("Timeout waiting for NAT gateway \(id) to be \(state) \(loop.progressSuffix)") }
            try await loop.pause()
        }
    }

    /// A gateway as the collection reports it (boto3's snake_case); the tags of a deleted one stay
    /// the `[{key, value}]` list its plain conversion gives.
    private func shape(_ gateway: XMLTree, tagsAsList: Bool = false) -> OrderedDictionary<String, Value> {
        var dict = OrderedDictionary<String, Value>()
        for (key, value) in EC2ResultShape.dict(gateway) {
            dict[key == "nat_gateway_address_set" ? "nat_gateway_addresses" : key] = value
        }
        if tagsAsList, let tags = dict["tags"]?.dictValue {
            dict["tags"] = .list(tags.map { .dict(["key": .string($0.key), "value": $0.value]) })
        }
        return dict
    }
}
