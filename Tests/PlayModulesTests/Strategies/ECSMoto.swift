import Foundation
import PlayTestSupport
import XCTest

/// The moto_server of the ECS tests. moto runs no containers: a service's running count is what
/// `MOTO_ECS_SERVICE_RUNNING` says (2 here), so a service of 2 tasks is stable and one of 3 never
/// gets there, which is how the tests reach both ends of a wait. Started on first use, stopped by
/// pid when the test bundle finishes.
final class ECSMoto: NSObject, XCTestObservation, @unchecked Sendable {
    static let shared = ECSMoto()
    static let runningTasks = 2

    private let lock = NSLock()
    private var starting: _Concurrency.Task<MotoServer, any Error>?
    private var observing = false

    func observeBundle() {
        let first = lock.withLock { () -> Bool in
            defer { observing = true }
            return !observing
        }
        if first { XCTestObservationCenter.shared.addTestObserver(self) }
    }

    func server() async throws -> MotoServer {
        let task = lock.withLock { () -> _Concurrency.Task<MotoServer, any Error> in
            if let starting { return starting }
            let created = _Concurrency.Task {
                try await MotoServer.start(environment: ["MOTO_ECS_SERVICE_RUNNING": String(Self.runningTasks)])
            }
            starting = created
            return created
        }
        return try await task.value
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        guard let task = lock.withLock({ () -> _Concurrency.Task<MotoServer, any Error>? in
            defer { starting = nil }
            return starting
        }) else { return }
        let done = DispatchSemaphore(value: 0)
        _Concurrency.Task {
            if let server = try? await task.value { server.stop() }
            done.signal()
        }
        done.wait()
    }
}

/// Base of the ECS test classes: names are unique per test, so tests share the server.
class ECSTestCase: XCTestCase {
    override class func setUp() {
        super.setUp()
        ECSMoto.shared.observeBundle()
    }

    func moto() async throws -> MotoServer { try await ECSMoto.shared.server() }

    /// "prefix-1a2b3c4d": a name no other test uses.
    func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
}
