import OrderedCollections
import PlayBase
import XCTest
@testable import PlayConnection

final class ConnectionSettingsTests: XCTestCase {
    func testDefaultsUseTheInventoryNameOverSSH() {
        let s = ConnectionSettings.from(hostName: "web1", variables: [:], environment: [:])
        XCTAssertEqual(s.kind, .ssh)
        XCTAssertEqual(s.host, "web1")
        XCTAssertNil(s.port)
        XCTAssertNil(s.user)
        XCTAssertTrue(s.hostKeyChecking)
        XCTAssertEqual(s.connectTimeout, .seconds(10))
        XCTAssertEqual(s.commandTimeout, ConnectionSettings.defaultCommandTimeout)
        XCTAssertFalse(s.become)
        XCTAssertEqual(s.becomeMethod, "sudo")
        XCTAssertEqual(s.problems, [])
    }

    func testReadsAnsibleVariables() {
        let vars: OrderedDictionary<String, Value> = [
            "ansible_host": "127.0.2.1", "ansible_port": .string("2222"), "ansible_user": "root",
            "ansible_ssh_private_key_file": "/k/id", "ansible_ssh_common_args": "-o A=b", "ansible_ssh_extra_args": "-C",
            "ansible_ssh_timeout": .int(3), "ansible_command_timeout": .double(1.5),
            "ansible_become": "yes", "ansible_become_user": "deploy", "ansible_connection": "ssh",
        ]
        let s = ConnectionSettings.from(hostName: "h1", variables: vars, environment: [:])
        XCTAssertEqual(s.host, "127.0.2.1")
        XCTAssertEqual(s.port, 2222)
        XCTAssertEqual(s.user, "root")
        XCTAssertEqual(s.privateKeyFile, "/k/id")
        XCTAssertEqual(s.sshCommonArgs, "-o A=b")
        XCTAssertEqual(s.sshExtraArgs, "-C")
        XCTAssertEqual(s.connectTimeout, .seconds(3))
        XCTAssertEqual(s.commandTimeout, .milliseconds(1500))
        XCTAssertTrue(s.become)
        XCTAssertEqual(s.becomeUser, "deploy")
    }

    func testOlderAliasesAndLocal() {
        let s = ConnectionSettings.from(hostName: "h", variables: [
            "ansible_ssh_host": "10.1.1.1", "ansible_ssh_port": .int(22), "ansible_ssh_user": "ec2-user", "ansible_connection": "local",
        ], environment: [:])
        XCTAssertEqual(s.kind, .local)
        XCTAssertEqual(s.host, "10.1.1.1")
        XCTAssertEqual(s.port, 22)
        XCTAssertEqual(s.user, "ec2-user")
        XCTAssertEqual(ConnectionSettings.from(hostName: "h", variables: ["ansible_connection": "winrm"], environment: [:]).kind,
                       .unsupported("winrm"))
    }

    func testHostKeyCheckingVariableBeatsEnvironment() {
        XCTAssertFalse(ConnectionSettings.from(hostName: "h", variables: [:], environment: ["ANSIBLE_HOST_KEY_CHECKING": "False"]).hostKeyChecking)
        XCTAssertTrue(ConnectionSettings.from(hostName: "h", variables: [:], environment: ["ANSIBLE_HOST_KEY_CHECKING": "true"]).hostKeyChecking)
        XCTAssertTrue(ConnectionSettings.from(hostName: "h", variables: ["host_key_checking": .bool(true)],
                                              environment: ["ANSIBLE_HOST_KEY_CHECKING": "False"]).hostKeyChecking)
        XCTAssertFalse(ConnectionSettings.from(hostName: "h", variables: ["ansible_host_key_checking": "no"], environment: [:]).hostKeyChecking)
    }

    func testBadValuesAreProblemsThatStopTheConnection() async {
        let s = ConnectionSettings.from(hostName: "h", variables: [
            "ansible_port": "ssh", "ansible_ssh_timeout": "soon", "host_key_checking": "maybe",
        ], environment: [:])
        XCTAssertEqual(s.problems.count, 3)
        XCTAssertTrue(s.problems[0].contains("ansible_port"))
        do throws(ConnectionError) {
            _ = try await ConnectionPool().connection(for: "h", settings: s)
            XCTFail("connected with bad settings")
        } catch {
            guard case .configuration(let host, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "h")
            XCTAssertTrue(message.contains("ansible_port must be an integer"))
        }
    }

    func testUnsupportedConnectionTypeIsAConfigurationError() async {
        do throws(ConnectionError) {
            _ = try await ConnectionPool().connection(for: "w", settings: ConnectionSettings(kind: .unsupported("winrm"), host: "w"))
            XCTFail("connected")
        } catch {
            XCTAssertEqual(error, .configuration(host: "w", message: "connection type 'winrm' is not supported; play supports ssh, local and aws_ssm"))
        }
    }

    func testErrorDescriptionsSayWhatToDo() {
        XCTAssertTrue(ConnectionError.hostKeyVerification(host: "h", message: "Host key verification failed.").description
            .contains("host_key_checking=false"))
        XCTAssertTrue(ConnectionError.timedOut(host: "h", after: .milliseconds(1500)).description.contains("1.5 s"))
        XCTAssertTrue(ConnectionError.authentication(host: "h", message: "x").isUnreachable)
        XCTAssertFalse(ConnectionError.timedOut(host: "h", after: .seconds(1)).isUnreachable)
    }
}
