import Foundation
import PlayTestSupport
import XCTest
@testable import PlayAWS

/// One `moto_server` for the whole test process (a `MotoProcess`), with signature checking on
/// (`INITIAL_NO_AUTH_ACTION_COUNT`). Stopped by pid when the test bundle finishes; it also exits
/// by itself if this process dies, so a crash leaves nothing behind.
final class MotoServer: @unchecked Sendable {
    let process: MotoProcess
    var port: Int { process.port }
    var pid: Int32 { process.pid }
    var endpoint: AWSEndpoint { AWSEndpoint(scheme: "http", host: "127.0.0.1", port: port, isCustom: true, source: "test moto_server") }
    var url: String { "http://127.0.0.1:\(port)" }

    private init(process: MotoProcess) {
        self.process = process
    }

    /// Every request checked from the start (`freshAccount` opens a window of free actions), and
    /// AMI ids validated as AWS does.
    static func start() async throws -> MotoServer {
        MotoServer(process: try await MotoProcess.start(environment: [
            "INITIAL_NO_AUTH_ACTION_COUNT": "0", "MOTO_ENABLE_AMI_VALIDATION": "true",
        ]))
    }

    /// SIGTERM to the server's own pid, then SIGKILL if it has not gone within 5 s.
    func stop() {
        process.stop()
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
