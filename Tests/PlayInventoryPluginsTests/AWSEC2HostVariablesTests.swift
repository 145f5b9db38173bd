import OrderedCollections
import PlayBase
import XCTest
@testable import PlayAWS
@testable import PlayInventoryPlugins

/// The pieces of the aws_ec2 host variables that the moto comparison cannot reach on its own:
/// key names moto never sends, and timestamps with fractions.
final class AWSEC2HostVariablesTests: XCTestCase {
    /// Outputs of Ansible's `_camel_to_snake` (ansible-core 2.19.14, ansible/module_utils/common/dict_transformations.py).
    func testSnakeCaseMatchesAnsible() {
        let cases = [
            ("InstanceId", "instance_id"), ("TargetGroupARNs", "target_group_arns"),
            ("EnableResourceNameDnsAAAARecord", "enable_resource_name_dns_aaaa_record"), ("Ipv6Address", "ipv6_address"),
            ("HTTPEndpoint", "http_endpoint"), ("ARNs", "arns"), ("AmiLaunchIndex", "ami_launch_index"),
            ("HttpPutResponseHopLimit", "http_put_response_hop_limit"), ("IPAddress", "ip_address"),
            ("SriovNetSupport", "sriov_net_support"), ("ElasticGpuAssociationId", "elastic_gpu_association_id"),
            ("CpuOptions", "cpu_options"), ("Ipv4Prefixes", "ipv4_prefixes"), ("EbsCardIndex", "ebs_card_index"),
            ("already_snake", "already_snake"), ("DNSName", "dns_name"), ("TagsXMLs", "tags_xmls"), ("A", "a"),
        ]
        for (name, expected) in cases {
            XCTAssertEqual(AWSEC2HostVariables.snakeCase(name), expected, name)
        }
    }

    /// Python's `datetime.isoformat()` of botocore's parse: microseconds only when not zero.
    func testTimestampsPrintAsPythonDatetimes() {
        XCTAssertEqual(QueryShapeDecoder.isoformat("2026-12-07T16:11:29.000Z"), "2026-12-07T16:11:29+00:00")
        XCTAssertEqual(QueryShapeDecoder.isoformat("2026-12-07T16:11:29Z"), "2026-12-07T16:11:29+00:00")
        XCTAssertEqual(QueryShapeDecoder.isoformat("2026-12-07T16:11:29.250Z"), "2026-12-07T16:11:29.250000+00:00")
        XCTAssertEqual(QueryShapeDecoder.isoformat("not a time"), "not a time")
    }

    func testPrefixSuffixAndContribTagKeys() {
        let instance: OrderedDictionary<String, Value> = [
            "InstanceId": "i-1", "Placement": .dict(["AvailabilityZone": "eu-west-1b"]),
            "Tags": .list([.dict(["Key": "Name", "Value": "web"]), .dict(["Key": "CamelKey", "Value": "x"])]),
        ]
        let vars = AWSEC2HostVariables(prefix: "aws_", suffix: "_ec2", contribTagKeys: true).variables(for: instance)
        XCTAssertEqual(Array(vars.keys), ["aws_instance_id_ec2", "aws_placement_ec2", "aws_tags_ec2", "aws_ec2_tag_Name_ec2", "aws_ec2_tag_CamelKey_ec2"])
        XCTAssertEqual(vars["aws_placement_ec2"]?["region"], "eu-west-1")
        XCTAssertEqual(vars["aws_tags_ec2"]?["CamelKey"], "x")
    }
}
