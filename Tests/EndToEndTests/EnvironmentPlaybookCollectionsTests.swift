import Foundation
import PlayTestSupport
import XCTest

/// playbooks/environment.yml is written with amazon.aws/community.aws modules only: under
/// ansible-playbook with the collections and under play, each against its own moto_server, up,
/// up again, down and down again succeed with the same recap (the second of each changes nothing).
final class EnvironmentPlaybookCollectionsTests: XCTestCase {
    func testUpTwiceDownTwiceRecapsMatchAnsible() async throws {
        let playbook = PlayProcess.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("playbooks/environment.yml").path
        _ = try await AWSCompatTests.withCollectionsAndMotos { ansiblePlaybook, work, forAnsible, forPlay in
            try await Self.compare(playbook, ansiblePlaybook, work, forAnsible, forPlay)
        }
    }

    private static func compare(_ playbook: String, _ ansiblePlaybook: String, _ work: URL, _ forAnsible: MotoServer,
                                _ forPlay: MotoServer) async throws -> Bool? {
        let common = ["-i", "localhost,", "-c", "local", "-e", "environment_name=envcmp", "-e", "vpc_cidr=10.91.0.0/16",
                      "-e", "{\"subnet_cidrs\": [\"10.91.1.0/24\", \"10.91.2.0/24\"]}"]
        let steps = ["up", "up", "down", "down"]
        async let ansibleRecaps = Task.detached {
            try steps.map { tag in
                try PlayProcess.run(ansiblePlaybook, common + ["-e", "ansible_python_interpreter=\(AWSCompatTests.venv)/bin/python",
                                                              "--tags", tag, playbook],
                                    cwd: work, environment: AWSCompatTests.awsEnvironment(forAnsible, work: work))
            }
        }.value
        async let playRecaps = Task.detached {
            try steps.map { tag in
                try PlayProcess.run(PlayProcess.playPath, common + ["--tags", tag, playbook],
                                    cwd: work, environment: AWSCompatTests.awsEnvironment(forPlay, work: work))
            }
        }.value
        let (ansible, play) = try await (ansibleRecaps, playRecaps)
        for (index, tag) in steps.enumerated() {
            XCTAssertEqual(ansible[index].exitCode, 0, "ansible-playbook --tags \(tag): \(ansible[index].stdout.suffix(3000))")
            XCTAssertEqual(play[index].exitCode, 0, "play --tags \(tag): \(play[index].stdout.suffix(3000)) \(play[index].stderr.suffix(1000))")
            let expected = Self.recap(ansible[index].stdout), actual = Self.recap(play[index].stdout)
            XCTAssertNotNil(expected, ansible[index].stdout)
            XCTAssertEqual(actual, expected, "run \(index + 1) (--tags \(tag))")
            if index % 2 == 1 { XCTAssertTrue(actual?.contains("changed=0") ?? false, "run \(index + 1) changed something: \(actual ?? "")") }
        }
        return true
    }

    /// `ok=7    changed=5 ...` of the localhost recap line, spaces collapsed.
    static func recap(_ output: String) -> String? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("localhost") && $0.contains("ok=") }),
              let start = line.range(of: "ok=") else { return nil }
        return line[start.lowerBound...].split(separator: " ").joined(separator: " ")
    }
}
