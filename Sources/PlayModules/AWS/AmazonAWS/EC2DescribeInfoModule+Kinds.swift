import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// The amazon.aws Describe-and-report modules: what each one asks EC2 and where it puts the answer.
extension EC2DescribeInfoModule {
    public static let instances = EC2DescribeInfoModule(Kind(
        name: "ec2_instance_info", action: "DescribeInstances", ids: ("instance_ids", [], "InstanceId"),
        set: "reservationSet", resultKey: "instances",
        extraArguments: [ArgumentSpec("minimum_uptime", .int, aliases: ["uptime"])]))
    public static let vpcs = EC2DescribeInfoModule(Kind(
        name: "ec2_vpc_net_info", action: "DescribeVpcs", ids: ("vpc_ids", [], "VpcId"),
        set: "vpcSet", resultKey: "vpcs", idKey: "vpc_id"))
    public static let subnets = EC2DescribeInfoModule(Kind(
        name: "ec2_vpc_subnet_info", action: "DescribeSubnets", ids: ("subnet_ids", ["subnet_id"], "SubnetId"),
        set: "subnetSet", resultKey: "subnets", idKey: "subnet_id"))
    public static let securityGroups = EC2DescribeInfoModule(Kind(
        name: "ec2_security_group_info", action: "DescribeSecurityGroups", ids: nil,
        set: "securityGroupInfo", resultKey: "security_groups", aliases: ["ec2_group_info"]))
    public static let images = EC2DescribeInfoModule(Kind(
        name: "ec2_ami_info", action: "DescribeImages", ids: ("image_ids", ["image_id"], "ImageId"),
        set: "imagesSet", resultKey: "images",
        extraArguments: [ArgumentSpec("owners", .list, aliases: ["owner"], defaultValue: .list([]), elements: .string),
                         ArgumentSpec("executable_users", .list, aliases: ["executable_user"], defaultValue: .list([]),
                                      elements: .string),
                         ArgumentSpec("describe_image_attributes", .bool, defaultValue: false),
                         ArgumentSpec("include_deprecated", .bool, defaultValue: false)]))

    public static let internetGateways = EC2DescribeInfoModule(Kind(
        name: "ec2_vpc_igw_info", action: "DescribeInternetGateways", ids: ("internet_gateway_ids", [], "InternetGatewayId"),
        set: "internetGatewaySet", resultKey: "internet_gateways",
        extraArguments: [ArgumentSpec("convert_tags", .bool, defaultValue: true)]))
    public static let routeTables = EC2DescribeInfoModule(Kind(
        name: "ec2_vpc_route_table_info", action: "DescribeRouteTables", ids: nil, set: "routeTableSet",
        resultKey: "route_tables", idKey: "route_table_id", finish: { table in
            // The collection keeps the names older releases returned.
            table["associations"] = .list((table["associations"]?.listValue ?? []).map { association in
                guard case .dict(var dict) = association else { return association }
                dict["id"] = dict["route_table_association_id"] ?? .null
                return .dict(dict)
            })
            table["routes"] = .list((table["routes"]?.listValue ?? []).map { route in
                guard case .dict(var dict) = route else { return route }
                for key in ["destination_cidr_block", "gateway_id", "instance_id", "origin", "state", "network_interface_id"]
                where dict[key] == nil { dict[key] = .null }
                dict["interface_id"] = dict["network_interface_id"] ?? .null
                return .dict(dict)
            })
        }))
    public static let addresses = EC2DescribeInfoModule(Kind(
        name: "ec2_eip_info", action: "DescribeAddresses", ids: nil, set: "addressesSet", resultKey: "addresses"))

    /// The registry's entries: each module is made (its spec built) when a task first names it.
    static let entries: [ModuleEntry] = [
        .init("ec2_instance_info") { instances }, .init("ec2_vpc_net_info") { vpcs }, .init("ec2_vpc_subnet_info") { subnets },
        .init("ec2_security_group_info", aliases: ["ec2_group_info"]) { securityGroups }, .init("ec2_ami_info") { images },
        .init("ec2_vpc_igw_info") { internetGateways }, .init("ec2_vpc_route_table_info") { routeTables },
        .init("ec2_eip_info") { addresses },
    ]

}
