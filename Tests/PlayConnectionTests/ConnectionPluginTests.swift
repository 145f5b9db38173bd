import Foundation
import OrderedCollections
import PlayBase
import XCTest
@testable import PlayConnection

/// Plugin connections (aws_ssm): how settings name them, how the pool hands hosts to them, and the
/// self-contained scripts they run (checked with the real /bin/sh).
final class ConnectionPluginTests: XCTestCase {
    func testAWSSSMNamesAPluginWithItsVariables() {
        for name in ["aws_ssm", "community.aws.aws_ssm", "amazon.aws.aws_ssm"] {
            let s = ConnectionSettings.from(hostName: "i-0abc", variables: [
                "ansible_connection": .string(name), "ansible_aws_ssm_region": "eu-west-1",
                "ansible_aws_ssm_timeout": .int(30), "ansible_aws_ssm_bucket_name": "b", "ansible_port": .int(22),
            ], environment: [:])
            XCTAssertEqual(s.kind, .plugin("aws_ssm"), name)
            XCTAssertEqual(s.pluginVariables, ["ansible_aws_ssm_region": "eu-west-1", "ansible_aws_ssm_timeout": "30",
                                               "ansible_aws_ssm_bucket_name": "b"])
        }
    }

    struct Recorder: ConnectionPlugin {
        let name = "aws_ssm"
        func connection(for hostName: String, settings: ConnectionSettings) async throws(ConnectionError) -> any Connection {
            LocalConnection(hostName: "plugin:" + hostName)
        }
        func close() async {}
    }

    func testThePoolHandsPluginHostsToThePlugin() async throws {
        let settings = ConnectionSettings(kind: .plugin("aws_ssm"), host: "i-1")
        do throws(ConnectionError) {
            _ = try await ConnectionPool().connection(for: "h", settings: settings)
            XCTFail("connected without the plugin")
        } catch {
            XCTAssertEqual(error, .configuration(host: "h", message: "connection type 'aws_ssm' is not available in this program"))
        }
        try await withConnectionPool(plugins: [Recorder()]) { pool in
            let connection = try await pool.connection(for: "h", settings: settings)
            XCTAssertEqual(connection.hostName, "plugin:h")
        }
    }

    /// Runs a detached script with sh, as an SSM instance does, and reads the answer back.
    func runDetached(_ request: CommandRequest) async throws -> CommandResult {
        let script = try DetachedCommand.script(for: request, becomeMethod: "sudo", host: "h") { DetachedCommand.printfCommand($0) }
        let output = try await Subprocess.run(["/bin/sh", "-c", script], stdin: nil, timeout: .seconds(30))
        return try DetachedCommand.result(status: output.status, stdout: output.stdout, stderr: output.stderr,
                                          become: request.become, duration: output.duration, host: "h")
    }

    func testDetachedScriptsCarryInputAndEnvironment() async throws {
        let binary = Data((0...255).map { UInt8($0) }) + Data("%s \\ ' end".utf8)
        let result = try await runDetached(CommandRequest(command: "printf '%s|' \"$A\"; cat; exit 4", stdin: binary,
                                                          environment: ["A": "x 'y' %d\nz"]))
        XCTAssertEqual(result.exitCode, 4)
        XCTAssertEqual(result.stdout, Data("x 'y' %d\nz|".utf8) + binary)
        let empty = try await runDetached(CommandRequest(command: "wc -c"))
        XCTAssertEqual(empty.stdoutText.trimmingCharacters(in: .whitespaces), "0\n")
    }

    func testAFailedDownloadFailsTheScriptNotTheCommand() async throws {
        let script = try DetachedCommand.script(for: CommandRequest(command: "cat > ran.txt", stdin: Data("x".utf8)),
                                                becomeMethod: "sudo", host: "h") { _ in "false" }
        let directory = NSTemporaryDirectory() + "play-detached-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try await Subprocess.run(["/bin/sh", "-c", "cd \(directory) && " + script], stdin: nil, timeout: .seconds(30))
        XCTAssertEqual(output.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/ran.txt"))
    }
}
