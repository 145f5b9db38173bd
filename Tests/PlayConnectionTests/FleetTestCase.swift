import Foundation
import XCTest
@testable import PlayConnection

/// Base class for tests against a real sshd fleet: one fleet of `hostCount` servers per test
/// class, started before its first test and stopped (by pid) after its last, whatever happened.
class FleetTestCase: XCTestCase {
    class var hostCount: Int { 3 }

    private final class Holder: @unchecked Sendable {
        private let lock = NSLock()
        private var fleets: [String: Result<SSHFleet, Error>] = [:]
        func set(_ key: String, _ value: Result<SSHFleet, Error>?) { lock.withLock { fleets[key] = value } }
        func get(_ key: String) -> Result<SSHFleet, Error>? { lock.withLock { fleets[key] } }
    }

    private static let holder = Holder()

    override class func setUp() {
        super.setUp()
        holder.set(String(describing: self), Result { try SSHFleet.start(hosts: hostCount) })
    }

    override class func tearDown() {
        if case .success(let fleet)? = holder.get(String(describing: self)) { fleet.stop() }
        holder.set(String(describing: self), nil)
        super.tearDown()
    }

    /// This class's fleet; fails the test with the start error if it could not start.
    func fleet() throws -> SSHFleet {
        guard let result = Self.holder.get(String(describing: type(of: self))) else {
            throw SSHFleet.Failure(description: "no fleet for \(type(of: self))")
        }
        return try result.get()
    }
}
