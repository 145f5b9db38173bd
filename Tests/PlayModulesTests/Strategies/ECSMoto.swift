import Foundation
import PlayTestSupport
import XCTest

/// The moto_server of the ECS tests. moto runs no containers: a service's running count is what
/// `MOTO_ECS_SERVICE_RUNNING` says (2 here), so a service of 2 tasks is stable and one of 3 never
/// gets there, which is how the tests reach both ends of a wait.
enum ECSMoto {
    static let runningTasks = 2
    static let shared = SharedMoto(environment: ["MOTO_ECS_SERVICE_RUNNING": String(runningTasks)])
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
