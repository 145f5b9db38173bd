import Foundation

/// Fleets shared by the tests of one class, keyed by the class name: a test base class starts
/// its fleet in XCTest's `class func setUp()`, its tests look it up, and `class func tearDown()`
/// stops it. XCTest-free, so any test target can build its own base class on it.
public final class FleetRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var fleets: [String: Result<SSHFleet, any Error>] = [:]

    public init() {}

    /// Starts a fleet of `hosts` servers for `key`; a start failure is kept and handed to
    /// every `fleet(for:)` call, so each test fails with the reason.
    public func start(_ key: String, hosts: Int) {
        let result = Result { try SSHFleet.start(hosts: hosts) }
        lock.withLock { fleets[key] = result }
    }

    /// The fleet started for `key`, or the error that kept it from starting.
    public func fleet(for key: String) throws -> SSHFleet {
        guard let result = lock.withLock({ fleets[key] }) else {
            throw SSHFleet.Failure(description: "no fleet was started for \(key)")
        }
        return try result.get()
    }

    /// Stops and forgets the fleet of `key`, if one runs.
    public func stop(_ key: String) {
        let result = lock.withLock { fleets.removeValue(forKey: key) }
        if case .success(let fleet)? = result { fleet.stop() }
    }
}
