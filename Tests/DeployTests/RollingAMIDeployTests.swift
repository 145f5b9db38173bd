import Foundation
import XCTest

/// playbooks/rolling-ami.yml run by the built `play` against a private sandbox: two instances of
/// version 1 (the translate-api deploy), replaced one at a time by instances of the version-2 AMI
/// under load (no failed request of at least 1,000, the load balancer never routes to fewer than
/// N-1 targets, version 2 served after, the old instances terminated), then the bad version-3 AMI
/// (exit code 2 with the reason, version 2 keeps serving, no version-3 instance left). The first
/// run is configured with the seed rolling script's config.json (ARN objects, a list of security
/// groups), the second with the per-environment vars file (names).
final class RollingAMIDeployTests: SandboxTestCase {
    private static let playbook = "playbooks/rolling-ami.yml"

    /// The sandbox's ids (env.json: region, security_group_id, app_images, ...).
    private func environment(_ sandbox: DeploySandbox) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: sandbox.directory + "/env.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DeployTestFailure("env.json of the sandbox is not an object")
        }
        return object
    }

    /// A vars file in the shape users keep per environment (hyphenated keys), for `-e @file`.
    private func varsFile(_ sandbox: DeploySandbox, version: String) throws -> String {
        let env = try environment(sandbox)
        guard let region = env["region"] as? String, let group = env["security_group_id"] as? String,
              let key = env["key_name"] as? String, let targetGroup = env["target_group_name"] as? String,
              let balancer = env["load_balancer_name"] as? String else {
            throw DeployTestFailure("env.json lacks region, security_group_id, key_name, target_group_name or load_balancer_name")
        }
        let path = sandbox.workDirectory + "/rolling-\(version).yml"
        let text = """
            region: \(region)
            ssh-key: \(key)
            security-group-id: \(group)
            instance-type: t3.micro
            target-group: \(targetGroup)
            loadbalancer: \(balancer)
            version: "\(version)"

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The AMI of `version` (the sandbox bakes one per build).
    private func image(_ sandbox: DeploySandbox, version: String) throws -> String {
        guard let images = try environment(sandbox)["app_images"] as? [String: Any], let ami = images[version] as? String else {
            throw DeployTestFailure("env.json has no AMI for version \(version)")
        }
        return ami
    }

    /// The seed rolling script's own `config.json` (Fixtures/rolling-config.json is the sample from
    /// its README, seeds/001), every key filled as that script takes it: the security groups as a
    /// list, the target group and load balancer as `{"arn": ...}` objects.
    private func seedConfig(_ sandbox: DeploySandbox, version: String) throws -> String {
        let env = try environment(sandbox)
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/rolling-config.json")
        guard var config = try JSONSerialization.jsonObject(with: Data(contentsOf: sample)) as? [String: Any],
              let targetGroupARN = env["target_group_arn"] as? String, let balancerARN = env["load_balancer_arn"] as? String else {
            throw DeployTestFailure("the config.json sample or env.json's target_group_arn/load_balancer_arn is missing")
        }
        let filled: [String: Any] = [
            "region": env["region"] ?? "", "ssh-key": env["key_name"] ?? "", "security-group-id": [env["security_group_id"] ?? ""],
            "instance-type": "t3.micro", "target-group": ["arn": targetGroupARN], "loadbalancer": ["arn": balancerARN], "version": version,
        ]
        XCTAssertEqual(Set(filled.keys), Set(config.keys), "the script's keys, no more and no fewer")
        config.merge(filled) { $1 }
        let path = sandbox.workDirectory + "/config-\(version).json"
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func rolling(_ sandbox: DeploySandbox, version: String, name: String, seedConfig useSeed: Bool = false) throws -> DeploySandbox.PlayResult {
        let vars = useSeed ? try seedConfig(sandbox, version: version) : try varsFile(sandbox, version: version)
        return try sandbox.play(["-e", "ami_id=" + (try image(sandbox, version: version)), "-e", "@" + vars],
                                name: name, playbook: Self.playbook, timeout: 120)
    }

    /// Runs `body` under load for at least the time 1,000 requests take, watching the routed targets.
    private func underLoad(_ sandbox: DeploySandbox, _ name: String, _ body: () throws -> DeploySandbox.PlayResult)
        throws -> (DeploySandbox.PlayResult, LoadGenerator.Report, fewestRouted: Int) {
        let load = try LoadGenerator(sandbox: sandbox, rate: Self.rate, name: "rolling-" + name)
        loads.append(load)
        let watcher = RoutingWatcher(sandbox)
        let started = Date()
        let result = try body()
        let least = Double(Self.minimumRequests) / Double(Self.rate) + 1
        let left = least - Date().timeIntervalSince(started)
        usleep(UInt32(max(0.5, left) * 1_000_000))
        let routing = watcher.stop()
        return (result, try load.stop(), routing.fewest)
    }

    func testRollingReplacementAndBadAMIUnderLoad() throws {
        let sandbox = try sandbox()

        // N = 2 instances of version 1 in the target group.
        let first = try sandbox.play(["--tags", "deploy", "-e", "version=1"], name: "deploy-1")
        XCTAssertEqual(first.exitCode, 0, first.output)
        let before = try sandbox.state()
        let oldIDs = before.ids(version: "1", state: "running")
        XCTAssertEqual(oldIDs.count, 2, before.summary)
        XCTAssertEqual(before.healthyTargetIDs, oldIDs, before.summary)

        // Version 2's AMI replaces them one at a time under load, configured by the seed script's config.json.
        let (second, report, fewest) = try underLoad(sandbox, "2") {
            try rolling(sandbox, version: "2", name: "rolling-2", seedConfig: true)
        }
        XCTAssertEqual(second.exitCode, 0, second.output)
        XCTAssertEqual(report.failures, 0, "failed requests: \(report.summary)")
        XCTAssertGreaterThanOrEqual(report.requests, Self.minimumRequests, report.summary)
        XCTAssertTrue(Set(report.versions.keys).isSubset(of: ["1", "2"]), report.summary)
        XCTAssertEqual(report.lastVersion, "2", report.summary)
        XCTAssertGreaterThanOrEqual(fewest, oldIDs.count - 1, "the load balancer routed to \(fewest) targets at one point")
        let after = try sandbox.state()
        let newIDs = after.ids(version: "2", state: "running")
        XCTAssertEqual(newIDs.count, 2, after.summary)
        XCTAssertEqual(after.targetIDs, newIDs, after.summary)
        XCTAssertEqual(after.healthyTargetIDs, newIDs, after.summary)
        XCTAssertTrue(Set(after.instances.map(\.id)).isDisjoint(with: oldIDs), "old instances left: \(after.summary)")

        // Version 3's AMI fails its health check: the first new instance is removed, version 2 stays.
        let (bad, badReport, badFewest) = try underLoad(sandbox, "3") { try rolling(sandbox, version: "3", name: "rolling-3") }
        XCTAssertEqual(bad.exitCode, 2, bad.output)
        XCTAssertTrue(bad.output.contains("did not become healthy"), bad.output)
        XCTAssertTrue(bad.output.contains("stays in service"), bad.output)
        XCTAssertTrue(bad.output.contains("Health checks failed with these codes: [500]"), bad.output)
        XCTAssertEqual(badReport.failures, 0, "failed requests: \(badReport.summary)")
        XCTAssertGreaterThanOrEqual(badReport.requests, Self.minimumRequests, badReport.summary)
        XCTAssertEqual(Set(badReport.versions.keys), ["2"], badReport.summary)
        XCTAssertGreaterThanOrEqual(badFewest, newIDs.count - 1)
        let end = try sandbox.state()
        XCTAssertEqual(end.instances.filter { $0.version == "3" }.map(\.id), [], end.summary)
        XCTAssertEqual(end.ids(version: "2", state: "running"), newIDs, end.summary)
        XCTAssertEqual(end.healthyTargetIDs, newIDs, end.summary)
    }
}
