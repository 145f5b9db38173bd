import Foundation
import PlayAWS
import PlayTestSupport

/// What the deploy modules need to exist on moto: a VPC `127.0.0.0/16` with a subnet whose
/// instances get loopback addresses, an AMI, and target groups. Made with a session of its own so
/// a test's request counts only show what the modules sent.
struct AWSFixtures {
    let session: AWSSession
    let subnetID: String
    let vpcID: String
    let imageID: String

    /// A fresh VPC (its own /24 for instances, so classes sharing a server do not collide).
    static func make(_ moto: MotoServer, subnet: String = "127.0.1.0/24") async throws -> AWSFixtures {
        let session = moto.session()
        let ec2 = session.ec2()
        let vpc = try await ec2.createVpc(cidrBlock: "127.0.0.0/16", tags: ["Name": "play-test"])
        let created = try await ec2.createSubnet(vpcID: vpc.vpcID, cidrBlock: subnet, availabilityZone: moto.region + "a")
        let image = try await ec2.registerImage(name: "play-test-\(UUID().uuidString.prefix(8))")
        return AWSFixtures(session: session, subnetID: created.subnetID, vpcID: vpc.vpcID, imageID: image)
    }

    /// A target group (HTTP, port 8080, health check /health) with a unique name.
    func targetGroup(_ prefix: String = "tg") async throws -> ELBv2TargetGroup {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        return try await session.elbv2().createTargetGroup(ELBv2CreateTargetGroupRequest(
            name: name, protocol: "HTTP", port: 8080, vpcID: vpcID, healthCheckPath: "/health"))
    }

    /// Launches `count` running instances directly (not through the modules).
    func instances(_ count: Int, tags: [String: String] = [:]) async throws -> [String] {
        try await session.ec2().runInstances(EC2RunInstancesRequest(
            imageID: imageID, instanceType: "t3.micro", count: count, subnetID: subnetID, tags: tags)).map(\.instanceID)
    }

    /// Target states as moto reports them now.
    func registered(_ group: ELBv2TargetGroup) async throws -> [String: String] {
        let health = try await session.elbv2().describeTargetHealth(targetGroupARN: group.arn)
        return Dictionary(health.map { ($0.target.id, $0.state) }, uniquingKeysWith: { a, _ in a })
    }
}
