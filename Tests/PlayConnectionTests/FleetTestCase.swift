import Foundation
import PlayTestSupport
import XCTest

/// Base class for tests against a real sshd fleet: one fleet of `hostCount` servers per test
/// class, started before its first test and stopped (by pid) after its last, whatever happened.
class FleetTestCase: XCTestCase {
    class var hostCount: Int { 3 }

    private static let registry = FleetRegistry()

    override class func setUp() {
        super.setUp()
        registry.start(String(describing: self), hosts: hostCount)
    }

    override class func tearDown() {
        registry.stop(String(describing: self))
        super.tearDown()
    }

    /// This class's fleet; fails the test with the start error if it could not start.
    func fleet() throws -> SSHFleet {
        try Self.registry.fleet(for: String(describing: type(of: self)))
    }
}
