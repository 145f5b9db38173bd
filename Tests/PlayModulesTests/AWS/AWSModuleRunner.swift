import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayConnection
@testable import PlayExecutor
import PlayLanguage
@testable import PlayModules
import PlayTemplating
import PlayTestSupport
import XCTest

/// Runs AWS modules as the executor does (arguments checked against the spec, defaults filled)
/// with one `RunResources` for all calls, so they share the run's session as tasks of one play do.
/// The session's transport only reaches loopback; `transport` lets a test put a fake in between.
final class AWSModuleRunner: @unchecked Sendable {
    let resources = RunResources()
    let sessions: AWSRunSessions
    var variables: OrderedDictionary<String, Value>
    var checkMode = false
    var environment: [String: String] = [:]
    let progress = ProgressLog()

    convenience init(moto: MotoServer, transport: (any HTTPTransport)? = nil) {
        self.init(variables: OrderedDictionary(uniqueKeysWithValues: moto.variables.sorted { $0.key < $1.key }),
                  transport: transport)
    }

    /// `variables` as a play would have them (the vault file's AWS names).
    init(variables: OrderedDictionary<String, Value>, transport: (any HTTPTransport)? = nil) {
        let sessions = AWSRunSessions(transport: LoopbackOnlyTransport(transport ?? CurlTransport(defaultTimeout: 10)))
        self.sessions = sessions
        _ = resources.resource(AWSRunSessions.resourceKey) { sessions }
        self.variables = variables
    }

    func run(_ module: any Module, _ args: OrderedDictionary<String, Value>) async throws -> TaskResult {
        let checked = try ArgumentChecker.checked(args, against: module.spec)
        let progress = self.progress
        let context = ModuleContext(
            args: checked, host: "localhost", targetHost: "localhost", checkMode: checkMode, diffMode: false,
            verbosity: 0, variables: TaskVariables(layers: [variables]), templar: Templar(), environment: environment,
            become: false, becomeUser: nil, taskDirectory: NSTemporaryDirectory(), playbookDirectory: NSTemporaryDirectory(),
            location: SourceLocation(file: "deploy.yml", line: 1, column: 1), run: resources,
            connect: { LocalConnection() }, report: { progress.append($0) })
        return try await module.run(context)
    }

    /// The argument checker's complaint, or nil.
    func argumentError(_ module: any Module, _ args: OrderedDictionary<String, Value>) -> String? {
        do {
            _ = try ArgumentChecker.checked(args, against: module.spec)
            return nil
        } catch {
            return "\(error)"
        }
    }

    var metrics: AWSMetrics { sessions.metrics }

    func resetMetrics() { sessions.sessions.forEach { $0.resetMetrics() } }

    /// Requests sent for "Service.Operation" since the last reset.
    func requests(_ operation: String) -> Int { metrics.requestsByOperation[operation] ?? 0 }
}

/// A moto_server started on first use and shared by every test class that asks for it, stopped
/// by pid when the test bundle finishes. Should this process die first, the server exits by
/// itself (it watches its parent).
final class SharedMoto: NSObject, XCTestObservation, @unchecked Sendable {
    /// The AWS module tests' server: moto's first EC2 call costs seconds, so the classes share
    /// it and keep apart by using their own VPC, names and tags.
    static let shared = SharedMoto(environment: ["MOTO_ENABLE_AMI_VALIDATION": "true", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"])

    private let environment: [String: String]
    private let lock = NSLock()
    private var starting: Task<MotoServer, any Error>?
    private var observing = false

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// Registers the end-of-bundle stop; call from `class func setUp()` (XCTest's thread).
    func observeBundle() {
        let first = lock.withLock { () -> Bool in
            defer { observing = true }
            return !observing
        }
        if first { XCTestObservationCenter.shared.addTestObserver(self) }
    }

    func server() async throws -> MotoServer {
        let task = lock.withLock { () -> Task<MotoServer, any Error> in
            if let starting { return starting }
            let created = Task { [environment] in
                try await MotoServer.start(environment: environment)
            }
            starting = created
            return created
        }
        return try await task.value
    }

    func testBundleDidFinish(_ testBundle: Bundle) { stop() }

    /// Stops the server if one was started (waits for a start in progress).
    func stop() {
        guard let task = lock.withLock({ () -> Task<MotoServer, any Error>? in
            defer { starting = nil }
            return starting
        }) else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            if let server = try? await task.value { server.stop() }
            done.signal()
        }
        done.wait()
    }
}

/// Base of the AWS module test classes: one shared moto_server (see `SharedMoto`).
class AWSModuleTestCase: XCTestCase {
    override class func setUp() {
        super.setUp()
        SharedMoto.shared.observeBundle()
    }

    func moto() async throws -> MotoServer { try await SharedMoto.shared.server() }
}

extension TaskResult {
    func strings(_ key: String) -> [String] { (self[key]?.listValue ?? []).map(\.renderedString) }
    var text: String { asValue.jsonString() }
}
