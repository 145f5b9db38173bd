import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// Where the AWS modules get credentials, region and endpoint, and that secrets never show.
final class AWSSettingsTests: AWSModuleTestCase {

    func testArgumentsWinOverVariablesAndOneSessionServesTheRun() async throws {
        let server = try await moto()
        let runner = AWSModuleRunner(moto: server)
        // Variables hold a broken key; the task's arguments (under their aliases) hold the good one.
        runner.variables["aws_access_key_id"] = "AKIAWRONGWRONGWRONG1"
        runner.variables["aws_secret_access_key"] = "wrong-secret-wrong-secret"
        let good: OrderedDictionary<String, Value> = ["aws_access_key_id": .string(server.accessKey),
                                                      "aws_secret_access_key": .string(server.secretKey)]
        let viaArgs = try await runner.run(EC2InfoModule(), good)
        XCTAssertFalse(viaArgs.failed, viaArgs.text)

        let viaVars = try await runner.run(EC2InfoModule(), [:])
        XCTAssertTrue(viaVars.failed, "moto checks signatures: the variables' key is refused")
        XCTAssertTrue(viaVars.message?.contains("AuthFailure") ?? false, viaVars.text)
        XCTAssertFalse(viaVars.text.contains("wrong-secret-wrong-secret"))

        // Same settings, same session: two sessions for the two configurations used, not one per task.
        _ = try await runner.run(EC2InfoModule(), good)
        XCTAssertEqual(runner.sessions.sessions.count, 2)
    }

    func testVariablesMayBeTemplates() async throws {
        let server = try await moto()
        let runner = AWSModuleRunner(moto: server)
        runner.variables["sandbox_endpoint"] = .string(server.endpoint)
        runner.variables["aws_endpoint_url"] = "{{ sandbox_endpoint }}"
        let result = try await runner.run(EC2InfoModule(), [:])
        XCTAssertFalse(result.failed, result.text)

        runner.variables["aws_region"] = "{{ undefined_region_var }}"
        let broken = try await runner.run(EC2InfoModule(), [:])
        XCTAssertTrue(broken.failed)
        XCTAssertTrue(broken.message?.contains("'undefined_region_var' is undefined") ?? false, broken.text)
    }

    func testSecretsNeverAppearInResultsOrProgress() async throws {
        let server = try await moto()
        let f = try await AWSFixtures.make(server)
        let group = try await f.targetGroup()
        let runner = AWSModuleRunner(moto: server)
        var results: [TaskResult] = []
        let launched = try await runner.run(EC2LaunchModule(), [
            "image_id": .string(f.imageID), "subnet_id": .string(f.subnetID), "count": 1,
            "tags": ["app": "a", "version": "1", "deployment": "secret-test"],
            "aws_secret_key": .string(server.secretKey), "aws_access_key": .string(server.accessKey),
        ])
        results.append(launched)
        let ids = launched["instance_ids"] ?? []
        results.append(try await runner.run(ELBRegisterModule(), ["target_group_name": .string(group.name), "targets": ids]))
        results.append(try await runner.run(EC2StateModule(), ["instance_ids": ids, "state": "stopped"]))
        results.append(try await runner.run(ELBDeregisterModule(), ["target_group_arn": .string(group.arn), "targets": ids]))
        // A failure that quotes AWS's answer.
        results.append(try await runner.run(ELBRegisterModule(), ["target_group_arn": .string(group.arn), "targets": ids]))
        results.append(try await runner.run(EC2InfoModule(), ["filters": ["no-such-filter": "x"]]))
        XCTAssertTrue(results.last?.failed ?? false)
        for result in results {
            XCTAssertFalse(result.text.contains(server.secretKey), result.text)
        }
        for message in runner.progress.messages { XCTAssertFalse(message.contains(server.secretKey)) }
    }
}
