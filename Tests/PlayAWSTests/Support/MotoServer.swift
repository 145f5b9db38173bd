import Foundation
import XCTest
@testable import PlayAWS

/// One `moto_server` for the whole test process, on 127.0.0.1 with a free port and signature
/// checking on (`INITIAL_NO_AUTH_ACTION_COUNT`). Stopped by pid when the test bundle finishes; a
/// watchdog thread inside it also exits if this process dies, so a crash leaves nothing behind.
final class MotoServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL
    var pid: Int32 { process.processIdentifier }
    var endpoint: AWSEndpoint { AWSEndpoint(scheme: "http", host: "127.0.0.1", port: port, isCustom: true, source: "test moto_server") }
    var url: String { "http://127.0.0.1:\(port)" }

    /// `python3 -m moto.server -H 127.0.0.1 -p 0`, run through runpy so a parent watchdog can be added
    /// first; the interpreter is exec'd by the pyenv shim, so `pid` is the server's own.
    static let launcher = """
        import os, sys, threading, time, runpy
        parent = os.getppid()
        def watch():
            while True:
                time.sleep(0.5)
                if os.getppid() != parent:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        sys.argv = ["moto.server", "-H", "127.0.0.1", "-p", "0"]
        runpy.run_module("moto.server", run_name="__main__", alter_sys=True)
        """

    private init(process: Process, port: Int, log: URL) {
        self.process = process
        self.port = port
        self.log = log
    }

    static func start() async throws -> MotoServer {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("play-moto-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", launcher]
        var environment = ProcessInfo.processInfo.environment
        environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"
        environment["MOTO_ENABLE_AMI_VALIDATION"] = "true"
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // The port is printed on stderr: " * Running on http://127.0.0.1:NNNNN".
        let deadline = Date().addingTimeInterval(30)
        var port: Int?
        while port == nil {
            guard Date() < deadline, process.isRunning else {
                if process.isRunning { kill(process.processIdentifier, SIGTERM) }
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw NSError(domain: "MotoServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "moto_server did not start: \(text.suffix(2000))"])
            }
            try await Task.sleep(nanoseconds: 50_000_000)
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"Running on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last!)
            }
        }
        let server = MotoServer(process: process, port: port!, log: log)
        // Readiness: GET /moto-api/data.json answers 200.
        let transport = CurlTransport(defaultTimeout: 2)
        defer { transport.shutdown() }
        while true {
            if let response = try? await transport.send(server.raw("GET", "/moto-api/data.json")), response.status == 200 { break }
            guard Date() < deadline else {
                server.stop()
                throw NSError(domain: "MotoServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "moto_server never became ready"])
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return server
    }

    /// SIGTERM to the server's own pid, then SIGKILL if it has not gone within 5 s.
    func stop() {
        let pid = self.pid
        if kill(pid, 0) == 0 {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: log)
    }

    func raw(_ method: String, _ path: String, body: String = "") -> HTTPRequest {
        HTTPRequest(method: method, scheme: "http", host: "127.0.0.1", port: port, path: path,
                    body: .data(Data(body.utf8)), timeout: 10, connectionPool: "moto-admin")
    }

    static let allowAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    /// Wipes every service and region, then creates IAM users with access keys and the given policies
    /// in a fresh free window of unauthenticated actions (3 per user); after that every request
    /// must be signed with one of the returned keys.
    func freshAccount(users: [(name: String, policy: String)] = [("tester", MotoServer.allowAll)]) async throws -> [AWSCredentials] {
        let transport = CurlTransport(defaultTimeout: 10)
        defer { transport.shutdown() }
        for (path, body) in [("/moto-api/reset", ""), ("/moto-api/reset-auth", String(users.count * 3))] {
            let response = try await transport.send(raw("POST", path, body: body))
            guard response.status == 200 else { throw NSError(domain: "MotoServer", code: 3, userInfo: [NSLocalizedDescriptionKey: "\(path): HTTP \(response.status)"]) }
        }
        // Signed with a made-up key: moto routes by the credential scope and checks nothing yet.
        let setup = AWSSession(credentials: AWSCredentials(accessKeyID: "AKIDSETUP", secretAccessKey: "setup"),
                               region: "us-east-1", endpoint: endpoint, transport: transport)
        var keys: [AWSCredentials] = []
        for user in users {
            var create = QueryParameters(action: "CreateUser", version: "2010-05-08")
            create.set("UserName", user.name)
            _ = try await setup.query(.iam, region: "us-east-1", create, idempotent: false)
            var key = QueryParameters(action: "CreateAccessKey", version: "2010-05-08")
            key.set("UserName", user.name)
            let result = try await setup.query(.iam, region: "us-east-1", key, idempotent: false)
            var policy = QueryParameters(action: "PutUserPolicy", version: "2010-05-08")
            policy.set("UserName", user.name)
            policy.set("PolicyName", "test-policy")
            policy.set("PolicyDocument", user.policy)
            _ = try await setup.query(.iam, region: "us-east-1", policy, idempotent: true)
            keys.append(AWSCredentials(accessKeyID: try XCTUnwrap(result.nonEmpty("AccessKey", "AccessKeyId")),
                                       secretAccessKey: try XCTUnwrap(result.nonEmpty("AccessKey", "SecretAccessKey")),
                                       source: "moto IAM user \(user.name)"))
        }
        return keys
    }

    /// A session against this server with fast retries, so fault tests stay quick.
    func session(_ credentials: AWSCredentials, region: String = "us-east-1", transport: (any HTTPTransport)? = nil,
                 options: AWSSession.Options = MotoServer.fastOptions()) -> AWSSession {
        AWSSession(credentials: credentials, region: region, endpoint: endpoint,
                   transport: transport ?? CurlTransport(defaultTimeout: 10), options: options)
    }

    static func fastOptions(maxAttempts: Int = 3, timeout: TimeInterval = 10,
                            onEvent: (@Sendable (AWSRequestEvent) -> Void)? = nil) -> AWSSession.Options {
        AWSSession.Options(retryPolicy: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.01, maxDelay: 0.05),
                           timeout: timeout, onEvent: onEvent)
    }
}

/// Starts the shared server on first use and stops it when the test bundle ends.
actor MotoServerRegistry {
    static let instance = MotoServerRegistry()
    private var server: MotoServer?
    private var starting: Task<MotoServer, Error>?

    func shared() async throws -> MotoServer {
        if let server { return server }
        if let starting { return try await starting.value }
        let task = Task { try await MotoServer.start() }
        starting = task
        defer { starting = nil }
        let started = try await task.value
        server = started
        await MainActor.run { BundleEndObserver.register { started.stop() } }
        return started
    }
}

/// Runs cleanup when XCTest finishes the bundle (pass or fail).
@MainActor
final class BundleEndObserver: NSObject, XCTestObservation {
    private static var registered: BundleEndObserver?
    private var actions: [@Sendable () -> Void] = []

    static func register(_ action: @escaping @Sendable () -> Void) {
        if registered == nil {
            let observer = BundleEndObserver()
            registered = observer
            XCTestObservationCenter.shared.addTestObserver(observer)
        }
        registered?.actions.append(action)
    }

    nonisolated func testBundleDidFinish(_ testBundle: Bundle) {
        MainActor.assumeIsolated {
            for action in actions { action() }
            actions.removeAll()
        }
    }
}

/// Base for tests on the shared moto_server: a fresh account and session per test.
class MotoTestCase: XCTestCase, @unchecked Sendable {
    var moto: MotoServer!
    var credentials: AWSCredentials!
    var session: AWSSession!

    override func setUp() async throws {
        try await super.setUp()
        moto = try await MotoServerRegistry.instance.shared()
        credentials = try await moto.freshAccount()[0]
        session = moto.session(credentials)
    }

    override func tearDown() async throws {
        session?.shutdown()
        try await super.tearDown()
    }

    /// A VPC 127.0.0.0/16 with subnet 127.0.1.0/24 in us-east-1a: instances get loopback addresses.
    func loopbackNetwork(_ ec2: EC2Client) async throws -> (vpc: EC2Vpc, subnet: EC2Subnet) {
        let vpc = try await ec2.createVpc(cidrBlock: "127.0.0.0/16", tags: ["Name": "test"])
        let subnet = try await ec2.createSubnet(vpcID: vpc.vpcID, cidrBlock: "127.0.1.0/24", availabilityZone: "us-east-1a")
        return (vpc, subnet)
    }
}
