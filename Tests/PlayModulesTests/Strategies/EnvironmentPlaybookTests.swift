import Foundation
import PlayAWS
import PlayBase
import PlayTestSupport
import XCTest

/// playbooks/environment.yml run by the built `play` against moto: up makes everything, up again
/// changes nothing, down --check deletes nothing, down removes everything it made and nothing
/// else, down again changes nothing.
final class EnvironmentPlaybookTests: ECSTestCase {
    func testUpTwiceThenDown() async throws {
        let moto = try await moto()
        let env = unique("env")
        let directory = try TemporaryDirectory()
        try directory.write("inventory", "localhost ansible_connection=local\n")
        var variables: [String: Any] = moto.variables.mapValues(\.renderedString)
        variables["environment_name"] = env
        variables["vpc_cidr"] = "127.0.0.0/16"
        variables["subnet_cidrs"] = ["127.0.7.0/24", "127.0.8.0/24"]
        // The bucket that keeps the deploy lock and journal.
        let lockBucket = unique("locks")
        try await moto.session().s3().createBucket(lockBucket)
        variables["lock_bucket"] = lockBucket
        let json = try JSONSerialization.data(withJSONObject: variables, options: [.sortedKeys])
        try directory.write("env.json", String(decoding: json, as: UTF8.self), mode: 0o600)
        func play(_ extra: [String]) throws -> PlayBinary.Result {
            try PlayBinary.run([PlayBinary.playbooks + "/environment.yml", "-i", directory.file("inventory"),
                                "-e", "@" + directory.file("env.json")] + extra, cwd: directory.path)
        }
        let ec2 = moto.session().ec2(), elb = moto.session().elbv2()
        // Not made by the playbook: a VPC with the environment's Name and a target group of its own.
        let foreignVPC = try await ec2.createVpc(cidrBlock: "127.0.0.0/16", tags: ["Name": env])
        let foreignTG = try await elb.createTargetGroup(ELBv2CreateTargetGroupRequest(name: env + "-other", port: 80, vpcID: foreignVPC.vpcID))

        let up = try play(["--tags", "up"])
        XCTAssertEqual(up.exitCode, 0, up.output)
        XCTAssertFalse(up.output.contains(moto.secretKey))
        let vpcs = try await ec2.describeVpcs(filters: EC2Filter.tags(["Name": env, "managed-by": "play", "environment": env]))
        XCTAssertEqual(vpcs.count, 1)
        let vpcID = try XCTUnwrap(vpcs.first?.vpcID)
        let subnets = try await ec2.describeSubnets(filters: [EC2Filter("vpc-id", [vpcID])])
        XCTAssertEqual(Set(subnets.map(\.cidrBlock)), ["127.0.7.0/24", "127.0.8.0/24"])
        let lbs = try await elb.describeLoadBalancers(names: [env + "-lb"])
        XCTAssertEqual(lbs.count, 1)
        let groups = try await elb.describeTargetGroups(names: [env + "-tg"])
        let listeners = try await elb.describeListeners(loadBalancerARN: try XCTUnwrap(lbs.first?.arn))
        XCTAssertEqual(listeners.map(\.port), [80])
        XCTAssertEqual(listeners.first?.forwardedTargetGroups, groups.map(\.arn))

        let again = try play(["--tags", "up"])
        XCTAssertEqual(again.exitCode, 0, again.output)
        XCTAssertTrue(again.output.contains("changed=0"), again.output)
        let stillOne = try await elb.describeLoadBalancers(names: [env + "-lb"])
        XCTAssertEqual(stillOne.count, 1)

        let preview = try play(["--tags", "down", "--check"])
        XCTAssertEqual(preview.exitCode, 0, preview.output)
        let afterPreview = try await elb.describeLoadBalancers(names: [env + "-lb"])
        XCTAssertEqual(afterPreview.count, 1, "check mode deletes nothing")

        let down = try play(["--tags", "down"])
        XCTAssertEqual(down.exitCode, 0, down.output)
        let vpcsLeft = try await ec2.describeVpcs(filters: [EC2Filter.tag("Name", env)])
        XCTAssertEqual(vpcsLeft.map(\.vpcID), [foreignVPC.vpcID], "only the VPC someone else made is left")
        let subnetsLeft = try await ec2.describeSubnets(filters: [EC2Filter("vpc-id", [vpcID])])
        XCTAssertTrue(subnetsLeft.isEmpty)
        let groupsLeft = try await elb.describeTargetGroups(names: [env + "-other"])
        XCTAssertEqual(groupsLeft.map(\.arn), [foreignTG.arn])
        do {
            let lbsLeft = try await elb.describeLoadBalancers(names: [env + "-lb"])
            XCTAssertTrue(lbsLeft.isEmpty)
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "LoadBalancerNotFound")
        }

        let downAgain = try play(["--tags", "down"])
        XCTAssertEqual(downAgain.exitCode, 0, downAgain.output)
        XCTAssertTrue(downAgain.output.contains("changed=0"), downAgain.output)

        // Every run that changed something or could have (up twice, down twice; not --check) is in
        // the journal, newest first, and no lock is left.
        let history = try play(["--tags", "history"])
        XCTAssertEqual(history.exitCode, 0, history.output)
        let flows = history.output.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: #"Z environment (up|down) success"#, options: .regularExpression) else { return nil }
            return String(line[range].dropFirst(2).dropLast(8))
        }
        XCTAssertEqual(flows, ["environment down", "environment down", "environment up", "environment up"], history.output)
        let leftovers = try await moto.session().s3().listObjects(bucket: lockBucket).map(\.key)
        XCTAssertEqual(leftovers.filter { $0.hasSuffix("lock.json") }, [], "no lock is left")

        try await elb.deleteTargetGroup(foreignTG.arn)
        try await ec2.deleteVpc(foreignVPC.vpcID)
    }
}
