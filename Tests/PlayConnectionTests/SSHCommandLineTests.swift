import XCTest
@testable import PlayConnection

final class SSHCommandLineTests: XCTestCase {
    private func line(_ settings: ConnectionSettings) throws -> SSHCommandLine {
        try SSHCommandLine(hostName: "web1", settings: settings, controlPath: "/tmp/play-abc/h0")
    }

    func testMasterAndCommandShareOptionsAndDifferInControlMaster() throws {
        var settings = ConnectionSettings(host: "10.0.0.5", port: 2200, user: "deploy", privateKeyFile: "/k/id",
                                          sshCommonArgs: "-o ProxyJump=bastion", sshExtraArgs: "-C")
        settings.connectTimeout = .milliseconds(2500)
        let l = try line(settings)
        XCTAssertEqual(l.startMaster, [
            "ssh", "-o", "ControlPath=/tmp/play-abc/h0", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            "-o", "ControlMaster=yes", "-o", "ControlPersist=60",
            "-o", "ConnectTimeout=3", "-o", "Port=2200", "-o", "User=deploy", "-o", "IdentityFile=/k/id",
            "-o", "ProxyJump=bastion", "-C", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=3",
            "-N", "-f", "--", "10.0.0.5",
        ])
        XCTAssertEqual(l.command("true"), [
            "ssh", "-o", "ControlPath=/tmp/play-abc/h0", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            "-o", "ControlMaster=no",
            "-o", "ConnectTimeout=3", "-o", "Port=2200", "-o", "User=deploy", "-o", "IdentityFile=/k/id",
            "-o", "ProxyJump=bastion", "-C", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=3",
            "-T", "--", "10.0.0.5", "true",
        ])
        XCTAssertEqual(l.stopMaster, ["ssh", "-o", "ControlPath=/tmp/play-abc/h0", "-O", "exit", "--", "10.0.0.5"])
    }

    func testKeepalivesComeAfterTheUsersArgumentsSoTheirsWin() throws {
        let l = try line(ConnectionSettings(host: "web1", sshExtraArgs: "-o ServerAliveInterval=1"))
        let words = l.startMaster
        let users = try XCTUnwrap(words.firstIndex(of: "ServerAliveInterval=1"))
        let ours = try XCTUnwrap(words.firstIndex(of: "ServerAliveInterval=15"))
        XCTAssertLessThan(users, ours)
        XCTAssertTrue(l.command("x").contains("ServerAliveCountMax=3"))
    }

    func testMinimalSettingsLeaveEverythingElseToSSHConfig() throws {
        let l = try line(ConnectionSettings(host: "web1"))
        XCTAssertFalse(l.startMaster.contains { $0.hasPrefix("Port=") || $0.hasPrefix("User=") || $0.hasPrefix("IdentityFile=") })
        XCTAssertFalse(l.startMaster.contains { $0.hasPrefix("StrictHostKeyChecking") || $0.hasPrefix("UserKnownHostsFile") })
        XCTAssertFalse(l.startMaster.contains("-F"))
    }

    func testHostKeyCheckingOff() throws {
        let l = try line(ConnectionSettings(host: "web1", hostKeyChecking: false))
        XCTAssertTrue(l.command("x").joined(separator: " ").contains("-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"))
    }

    func testAHostThatLooksLikeAnOptionStaysAHost() throws {
        let l = try line(ConnectionSettings(host: "-oProxyCommand=evil"))
        XCTAssertEqual(Array(l.command("x").suffix(3)), ["--", "-oProxyCommand=evil", "x"])
    }

    func testUnbalancedQuoteInArgsIsAConfigurationError() {
        XCTAssertThrowsError(try line(ConnectionSettings(host: "web1", sshCommonArgs: "-o 'Foo=bar"))) { error in
            guard case .configuration(_, let message)? = error as? ConnectionError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("ansible_ssh_common_args"))
        }
    }

    func testClassifyMapsSSHMessagesToAnsibleOutcomes() {
        XCTAssertEqual(SSHCommandLine.classify("Host key verification failed.", host: "h"),
                       .hostKeyVerification(host: "h", message: "Host key verification failed."))
        XCTAssertEqual(SSHCommandLine.classify("root@127.0.2.1: Permission denied (publickey).", host: "h"),
                       .authentication(host: "h", message: "root@127.0.2.1: Permission denied (publickey)."))
        XCTAssertEqual(SSHCommandLine.classify("ssh: connect to host 127.0.2.9 port 2222: Connection refused", host: "h"),
                       .unreachable(host: "h", message: "ssh: connect to host 127.0.2.9 port 2222: Connection refused"))
        XCTAssertTrue(SSHCommandLine.classify("", host: "h").isUnreachable)
    }
}
