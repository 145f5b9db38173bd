import Foundation
import XCTest

/// Base of the deploy test classes: a private sandbox per class (started before its first test,
/// stopped after its last, whatever happened) and load generators killed after each test.
class SandboxTestCase: XCTestCase {
    static let sandboxes = SandboxRegistry()
    /// Requests per second of the load: enough for 1,000 requests within a deploy, not so many
    /// that the load generator starves the machine's two cores.
    static let rate = 250
    static let minimumRequests = 1000

    /// Load generators this test started, stopped in tearDown whatever happened.
    var loads: [LoadGenerator] = []

    override class func setUp() {
        super.setUp()
        sandboxes.start(String(describing: self))
    }

    override class func tearDown() {
        sandboxes.stop(String(describing: self))
        super.tearDown()
    }

    override func tearDown() {
        for load in loads { load.kill() }
        loads = []
        super.tearDown()
    }

    /// This class's sandbox; throws the start failure if it could not start.
    func sandbox() throws -> DeploySandbox {
        try Self.sandboxes.sandbox(for: String(describing: type(of: self)))
    }
}
