import Foundation
import PlayAWS
import PlayBase
@testable import PlayModules
import XCTest

/// The decisions of the AWS modules that need no AWS: targets arguments, state steps, health views.
final class AWSModuleLogicTests: XCTestCase {
    func testTargetsTakeIdsOrDictsAndDropDuplicates() throws {
        let targets = try TargetArgument.parse(["i-1", ["id": "i-2", "port": "9000"], ["Id": "i-3", "Port": 81], "i-1"], port: 8080)
        XCTAssertEqual(targets, [ELBv2Target(id: "i-1", port: 8080), ELBv2Target(id: "i-2", port: 9000), ELBv2Target(id: "i-3", port: 81)])
        XCTAssertThrowsError(try TargetArgument.parse([["port": 1]], port: nil))
        XCTAssertThrowsError(try TargetArgument.parse([["id": "i-1", "port": 70000]], port: nil))
        XCTAssertThrowsError(try TargetArgument.parse([[1, 2]], port: nil))
        let names = TargetArgument.names([ELBv2Target(id: "i-1", port: 80), ELBv2Target(id: "i-1", port: 81), ELBv2Target(id: "i-2")])
        XCTAssertEqual(names[ELBv2Target(id: "i-1", port: 81)], "i-1:81")
        XCTAssertEqual(names[ELBv2Target(id: "i-2")], "i-2")
    }

    func testStateStepsFollowWhatEC2Allows() {
        typealias M = EC2StateModule
        XCTAssertEqual(M.step(from: "stopped", to: "running"), .act)
        XCTAssertEqual(M.step(from: "stopping", to: "running"), .later)
        XCTAssertEqual(M.step(from: "pending", to: "running"), .none)
        XCTAssertEqual(M.step(from: "terminated", to: "running"), .impossible)
        XCTAssertEqual(M.step(from: "pending", to: "stopped"), .later)
        XCTAssertEqual(M.step(from: "running", to: "stopped"), .act)
        XCTAssertEqual(M.step(from: "shutting-down", to: "stopped"), .impossible)
        XCTAssertEqual(M.step(from: "stopped", to: "terminated"), .act)
        XCTAssertEqual(M.step(from: "shutting-down", to: "terminated"), .none)
    }

    func testHealthViewMatchesPortsAndCountsMissingTargetsAsNotRegistered() {
        let targets = [ELBv2Target(id: "i-1"), ELBv2Target(id: "i-2", port: 9000), ELBv2Target(id: "i-3")]
        let view = TargetHealthView(targets: targets, answer: [
            ELBv2TargetHealth(target: ELBv2Target(id: "i-1", port: 8080), state: "healthy"),
            ELBv2TargetHealth(target: ELBv2Target(id: "i-2", port: 8080), state: "healthy"),
            ELBv2TargetHealth(target: ELBv2Target(id: "i-2", port: 9000), state: "unhealthy", reason: "Target.Timeout"),
        ])
        XCTAssertTrue(view.isHealthy(targets[0]))
        XCTAssertTrue(view.hasFailed(targets[1]), "matched on its port")
        XCTAssertEqual(view.state(targets[2]), "unused")
        XCTAssertTrue(view.isGone(targets[2]))
        XCTAssertFalse(view.isRegistered(targets[2]))
        XCTAssertEqual(view.summary, "1 healthy, 1 unhealthy, 1 unused")
        XCTAssertEqual(view.explain(targets[1]), "i-2 (unhealthy: Target.Timeout)")
        let stopped = TargetHealthView(targets: [targets[0]], answer: [
            ELBv2TargetHealth(target: targets[0], state: "unused", reason: "Target.InvalidState"),
        ])
        XCTAssertTrue(stopped.hasFailed(targets[0]), "a stopped instance will not become healthy")
        XCTAssertTrue(stopped.isRegistered(targets[0]))
    }
}
