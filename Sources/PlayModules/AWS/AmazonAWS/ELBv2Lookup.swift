import Foundation
import PlayAWS
import PlayBase

/// One ELBv2 resource by its name, as the answer's XML member: nil when AWS says it does not
/// exist (`LoadBalancerNotFound`, `TargetGroupNotFound`).
enum ELBv2Lookup {
    static func loadBalancer(_ elb: ELBv2Client, named name: String) async throws -> XMLTree? {
        try await find(elb, "DescribeLoadBalancers", list: "LoadBalancers", nameKey: "LoadBalancerName",
                       notFound: "LoadBalancerNotFound", name: name, what: "load balancer")
    }

    static func targetGroup(_ elb: ELBv2Client, named name: String) async throws -> XMLTree? {
        try await find(elb, "DescribeTargetGroups", list: "TargetGroups", nameKey: "TargetGroupName",
                       notFound: "TargetGroupNotFound", name: name, what: "target group")
    }

    private static func find(_ elb: ELBv2Client, _ action: String, list: String, nameKey: String, notFound: String,
                             name: String, what: String) async throws -> XMLTree? {
        var request = ELBv2Request(action)
        request.members("Names", [name])
        do {
            return try await elb.describeMembers(request, list: list).first { $0.string(nameKey) == name }
        } catch let error as AWSError where error.code == notFound {
            return nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "looking up \(what) '\(name)'")
        }
    }
}
