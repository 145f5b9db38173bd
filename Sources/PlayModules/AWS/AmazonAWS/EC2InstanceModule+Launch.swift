import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

extension EC2InstanceModule {
    /// RunInstances for `count` new instances with the task's parameters; waits for them to run
    /// (or stops them for `state: stopped`) when asked.
    func launch(_ context: ModuleContext, _ ec2: EC2Client, count: Int, state: String,
                existing: [Value] = []) async throws -> TaskResult {
        let spec = try await runSpec(context, ec2, count: count)
        if context.checkMode {
            var result: OrderedDictionary<String, Value> = ["spec": .dict(spec), "msg": "Would have launched instances if not in check_mode."]
            if !existing.isEmpty {
                result["instance_ids"] = .list(existing.map { .string($0.instanceID) })
                result["instances"] = .list(existing)
            }
            return .ok(changed: true, result)
        }
        let root = try await AWSModuleError.wrapping("launching \(count) instance(s)") {
            try await ec2.send(EC2QuerySpec.request("RunInstances", spec))
        }
        let launched = EC2ResultShape.items(root["instancesSet"])
        let ids = launched.map(\.instanceID)
        var result: OrderedDictionary<String, Value> = [:]
        if !existing.isEmpty { result["changed_ids"] = .list(ids.map(Value.string)) }
        result["instance_ids"] = .list((existing.map(\.instanceID) + ids).map(Value.string))
        result["spec"] = .dict(spec)
        if state == "stopped" {
            _ = try await AWSModuleError.wrapping("stopping \(ids.joined(separator: ", "))") { try await ec2.stopInstances(ids) }
        }
        if context.bool("wait", default: true) {
            let target = state == "stopped" ? "stopped" : "running"
            result["instances"] = .list(existing + (try await waitFor(context, ec2, ids: ids, state: target)))
        }
        return .ok(changed: true, result)
    }

    /// The RunInstances parameters, in the SDK's names (the result's `spec`).
    func runSpec(_ context: ModuleContext, _ ec2: EC2Client, count: Int) async throws -> OrderedDictionary<String, Value> {
        var spec = OrderedDictionary<String, Value>()
        spec["ClientToken"] = .string(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())
        let template = context.args["launch_template"]?.dictValue
        let image = context.string("image_id") ?? context.args["image"]?["id"]?.renderedString
        guard image != nil || template != nil else {
            throw AWSModuleError("image_id or image is required when launching an instance (or give a launch_template)")
        }
        spec["ImageId"] = image.map(Value.string) ?? .null
        spec["InstanceType"] = .string(context.string("instance_type") ?? "t2.micro")
        if template != nil, context.string("instance_type") == nil { spec["InstanceType"] = .null }
        spec["MaxCount"] = .int(count)
        spec["MinCount"] = .int(count)
        if let template {
            var reference = OrderedDictionary<String, Value>()
            if let id = template["id"], !id.isNull { reference["LaunchTemplateId"] = .string(id.renderedString) }
            if let name = template["name"], !name.isNull { reference["LaunchTemplateName"] = .string(name.renderedString) }
            if let version = template["version"], !version.isNull { reference["Version"] = .string(version.renderedString) }
            spec["LaunchTemplate"] = .dict(reference)
        }
        if let interfaces = try await networkInterfaces(context, ec2) { spec["NetworkInterfaces"] = interfaces }
        if let zone = context.string("availability_zone") { spec["Placement"] = .dict(["AvailabilityZone": .string(zone)]) }
        if let placement = context.args["placement"]?.dictValue {
            var out = OrderedDictionary<String, Value>()
            for (key, value) in placement where !value.isNull { out[pascal(key)] = value }
            spec["Placement"] = .dict(out)
        }
        if let tenancy = context.string("tenancy") { spec["Placement"] = .dict(["Tenancy": .string(tenancy)]) }
        if let group = context.string("placement_group") { spec["Placement"] = .dict(["GroupName": .string(group)]) }
        if let key = context.string("key_name") { spec["KeyName"] = .string(key) }
        if let data = context.string("user_data") { spec["UserData"] = .string(data) }
        if let profile = context.string("iam_instance_profile") {
            spec["IamInstanceProfile"] = .dict([profile.hasPrefix("arn:") ? "Arn" : "Name": .string(profile)])
        }
        if let flag = context.args["ebs_optimized"]?.boolValue { spec["EbsOptimized"] = .bool(flag) }
        if let flag = context.args["termination_protection"]?.boolValue { spec["DisableApiTermination"] = .bool(flag) }
        if let flag = context.args["detailed_monitoring"]?.boolValue { spec["Monitoring"] = .dict(["Enabled": .bool(flag)]) }
        if let behaviour = context.string("instance_initiated_shutdown_behavior") {
            spec["InstanceInitiatedShutdownBehavior"] = .string(behaviour)
        }
        if let credits = context.string("cpu_credit_specification") { spec["CreditSpecification"] = .dict(["CpuCredits": .string(credits)]) }
        if let options = context.args["cpu_options"]?.dictValue {
            spec["CpuOptions"] = .dict(["CoreCount": options["core_count"] ?? .null, "ThreadsPerCore": options["threads_per_core"] ?? .null])
        }
        if context.bool("hibernation_options", default: false) { spec["HibernationOptions"] = .dict(["Configured": true]) }
        if let metadata = context.args["metadata_options"]?.dictValue {
            var out = OrderedDictionary<String, Value>()
            for (key, value) in metadata where !value.isNull { out[pascal(key)] = value }
            spec["MetadataOptions"] = .dict(out)
        }
        if let volumes = context.list("volumes") { spec["BlockDeviceMappings"] = .list(volumes.map(blockDevice)) }
        if let info = context.string("additional_info") { spec["AdditionalInfo"] = .string(info) }
        if let tags = desiredTags(context), !tags.isEmpty {
            spec["TagSpecifications"] = .list(["volume", "instance"].map {
                .dict(["ResourceType": .string($0), "Tags": EC2QuerySpec.tagList(tags)])
            })
        }
        return spec
    }

    /// `NetworkInterfaces` from `vpc_subnet_id`, `security_groups` and `network`.
    private func networkInterfaces(_ context: ModuleContext, _ ec2: EC2Client) async throws -> Value? {
        let network = context.args["network"]?.dictValue ?? [:]
        var names = (context.list("security_groups") ?? []).map(\.renderedString)
        if let one = context.string("security_group") { names.append(one) }
        let subnet = context.string("vpc_subnet_id")
        guard subnet != nil || !names.isEmpty || !network.isEmpty else { return nil }
        var interface = OrderedDictionary<String, Value>()
        if let flag = network["assign_public_ip"]?.boolValue { interface["AssociatePublicIpAddress"] = .bool(flag) }
        interface["DeleteOnTermination"] = network["delete_on_termination"] ?? true
        interface["DeviceIndex"] = .int(0)
        if !names.isEmpty { interface["Groups"] = .list(try await groupIDs(names, subnet: subnet, ec2).map(Value.string)) }
        if let address = network["private_ip_address"], !address.isNull { interface["PrivateIpAddress"] = .string(address.renderedString) }
        if let subnet { interface["SubnetId"] = .string(subnet) }
        return .list([.dict(interface)])
    }

    /// Security group ids for names or ids (names are looked up in the subnet's VPC).
    private func groupIDs(_ names: [String], subnet: String?, _ ec2: EC2Client) async throws -> [String] {
        let byName = names.filter { !$0.hasPrefix("sg-") }
        guard !byName.isEmpty else { return names }
        var filters = [EC2Filter("group-name", byName)]
        if let subnet {
            let subnets = try await AWSModuleError.wrapping("reading subnet \(subnet)") { try await ec2.describeSubnets(subnetIDs: [subnet]) }
            if let vpc = subnets.first?.vpcID { filters.append(EC2Filter("vpc-id", [vpc])) }
        }
        let groups = try await AWSModuleError.wrapping("looking up security groups \(byName.joined(separator: ", "))") {
            try await ec2.describeSecurityGroups(filters: filters)
        }
        return try names.map { name in
            if name.hasPrefix("sg-") { return name }
            guard let group = groups.first(where: { $0.groupName == name }) else {
                throw AWSModuleError("security group '\(name)' not found")
            }
            return group.groupID
        }
    }

    private func blockDevice(_ volume: Value) -> Value {
        var out = OrderedDictionary<String, Value>()
        for (key, value) in volume.dictValue ?? [:] where !value.isNull {
            if key == "ebs", let ebs = value.dictValue {
                var inner = OrderedDictionary<String, Value>()
                for (name, setting) in ebs where !setting.isNull { inner[pascal(name)] = setting }
                out["Ebs"] = .dict(inner)
            } else {
                out[pascal(key)] = value
            }
        }
        return .dict(out)
    }

    /// `http_put_response_hop_limit` → `HttpPutResponseHopLimit`.
    func pascal(_ snake: String) -> String {
        snake.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
