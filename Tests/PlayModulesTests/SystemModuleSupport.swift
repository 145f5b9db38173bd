import Foundation
import PlayBase
import PlayConnection
@testable import PlayModules
import PlayTestSupport
import XCTest

/// What the system module tests share: a host of a real sshd fleet (the fleet's sessions run as
/// root on this machine, so accounts they make are this machine's), and the test accounts each
/// test makes, removed again in tearDown whatever happened.
class SystemModuleTestCase: XCTestCase {
    class var fleetName: String { "\(self)" }
    private static let fleets = FleetRegistry()
    /// Users and groups to remove in tearDown.
    var madeUsers: [String] = []
    var madeGroups: [String] = []
    var cleanups: [() -> Void] = []

    override class func setUp() {
        super.setUp()
        fleets.start(fleetName, hosts: 1)
    }

    override class func tearDown() {
        fleets.stop(fleetName)
        super.tearDown()
    }

    override func tearDown() {
        for user in madeUsers { Self.removeUser(user) }
        for group in madeGroups { _ = Self.shell("groupdel \(ShellWords.quote(group)) 2>/dev/null") }
        for cleanup in cleanups { cleanup() }
        super.tearDown()
    }

    /// Removes a test account with its crontab (userdel leaves crontabs; a test may have removed
    /// the account already, and `crontab -u` then refuses, so the spool file goes by name).
    static func removeUser(_ user: String) {
        let u = ShellWords.quote(user)
        shell("crontab -u \(u) -r 2>/dev/null; rm -f /var/spool/cron/crontabs/\(u); userdel -r -f \(u) 2>/dev/null")
    }

    /// A name for a user this test makes (removed in tearDown).
    func newUser() -> String {
        let name = AnsibleReference.uniqueName()
        madeUsers.append(name)
        return name
    }

    func newGroup() -> String {
        let name = AnsibleReference.uniqueName("playtestg_")
        madeGroups.append(name)
        return name
    }

    /// Runs `body` with a harness whose connection is the fleet's host, through the pool a run uses.
    func withHost(_ body: (ModuleHarness, SSHFleet) async throws -> Void) async throws {
        let fleet = try Self.fleets.fleet(for: Self.fleetName)
        try await withConnectionPool { pool in
            let ssh = try await pool.connection(for: fleet.hostName(1), settings: fleet.settings(1))
            var harness = ModuleHarness()
            harness.connection = ssh
            try await body(harness, fleet)
        }
    }

    /// `sh -c` on this machine: (status, stdout).
    @discardableResult
    static func shell(_ command: String) -> (Int32, String) {
        guard let output = try? Subprocess.capture(["/bin/sh", "-c", command], stdin: .null, stderr: .separate) else { return (-1, "") }
        return (output.termination.status, String(decoding: output.stdout, as: UTF8.self))
    }

    /// A line of an account database on this machine (`getent passwd NAME`), without its newline.
    static func entry(_ database: String, _ name: String) -> String {
        shell("getent \(database) \(ShellWords.quote(name))").1.trimmingCharacters(in: .newlines)
    }
}
