import Foundation
import PlayAWS
import PlayTestSupport
import XCTest

/// The moto_server of the ECS tests. moto runs no containers: a service's running count is what
/// `MOTO_ECS_SERVICE_RUNNING` says (2 here), so a service of 2 tasks is stable and one of 3 never
/// gets there, which is how the tests reach both ends of a wait.
enum ECSMoto {
    static let runningTasks = 2
    static let shared = SharedMoto(environment: ["MOTO_ECS_SERVICE_RUNNING": String(runningTasks)])
}

/// Base of the ECS test classes: names are unique per test, so tests share the server.
class ECSTestCase: XCTestCase {
    override class func setUp() {
        super.setUp()
        ECSMoto.shared.observeBundle()
    }

    func moto() async throws -> MotoServer { try await ECSMoto.shared.server() }

    /// "prefix-1a2b3c4d": a name no other test uses.
    func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
}

extension ECSTestCase {
    /// A VPC with a subnet and a security group for awsvpc tasks. DNS hostnames are on: moto's
    /// ECS reads the task ENI's DNS name, which it only makes in such a VPC (as ec2_vpc_net does by default).
    func fargateNetwork(_ moto: MotoServer, cidr second: Int) async throws -> (subnet: String, group: String, groupName: String) {
        let ec2 = moto.session().ec2()
        let vpc = try await ec2.createVpc(cidrBlock: "10.\(second).0.0/16")
        var dns = EC2Request("ModifyVpcAttribute")
        dns.set("VpcId", vpc.id)
        dns.set("EnableDnsHostnames.Value", true)
        _ = try await ec2.send(dns)
        let subnet = try await ec2.createSubnet(vpcID: vpc.id, cidrBlock: "10.\(second).1.0/24")
        let name = unique("tasks")
        let group = try await ec2.createSecurityGroup(name: name, description: "tasks", vpcID: vpc.id)
        return (subnet.id, group, name)
    }
}

extension ECSMoto {
    /// Keeps moto's tasks where they are: by default each DescribeTasks moves a task one step from
    /// RUNNING towards STOPPED (moto's ManagedState); with this, they stay RUNNING until StopTask.
    static func holdTasks(_ moto: MotoServer) async throws {
        let body = #"{"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1000000}}"#
        let request = HTTPRequest(method: "POST", scheme: "http", host: "127.0.0.1", port: moto.port,
                                  path: "/moto-api/state-manager/set-transition", headers: ["Content-Type": "application/json"],
                                  body: .data(Data(body.utf8)), timeout: 10)
        let response = try await CurlTransport(defaultTimeout: 10).send(request)
        XCTAssertTrue(response.isSuccess, String(decoding: response.body, as: UTF8.self))
    }
}
