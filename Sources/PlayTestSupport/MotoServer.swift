import Foundation
import PlayAWS
import PlayBase
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real `moto_server` for tests: on 127.0.0.1 with a port the kernel picks, signature checking
/// ON (`INITIAL_NO_AUTH_ACTION_COUNT`: the free actions create an IAM user with an `Action:*`
/// policy and its access key, and from then on every request must be signed with that key).
/// Started with `start()`, stopped by pid with `stop()` (see `MotoProcess`).
public final class MotoServer: Sendable {
    public let process: MotoProcess
    public let accessKey: String
    public let secretKey: String
    public let region: String
    private let stopped = Mutex(false)

    public typealias Failure = MotoProcess.Failure

    public var port: Int { process.port }
    public var pid: pid_t { process.pid }
    /// stderr and stdout of the server (one line per request).
    public var logPath: String { process.logPath }

    private init(process: MotoProcess, accessKey: String, secretKey: String, region: String) {
        self.process = process
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
    }

    /// `http://127.0.0.1:PORT`
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public var awsEndpoint: AWSEndpoint {
        AWSEndpoint(scheme: "http", host: "127.0.0.1", port: port, isCustom: true, source: "test moto_server")
    }

    public var credentials: AWSCredentials {
        AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey, source: "test moto_server IAM key")
    }

    /// The variables a play would get from the vault file (`vault/aws.yml` names).
    public var variables: [String: Value] {
        ["aws_access_key_id": .string(accessKey), "aws_secret_access_key": .string(secretKey),
         "aws_region": .string(region), "aws_endpoint_url": .string(endpoint)]
    }

    /// A session signed with the server's key; requests only ever go to loopback.
    public func session(transport: (any HTTPTransport)? = nil,
                        options: AWSSession.Options = AWSSession.Options()) -> AWSSession {
        AWSSession(credentials: credentials, region: region, endpoint: awsEndpoint,
                   transport: LoopbackOnlyTransport(transport ?? CurlTransport(defaultTimeout: 10)), options: options)
    }

    /// Starts a server and sets up its IAM key. `environment` adds moto switches
    /// (`MOTO_ENABLE_AMI_VALIDATION`, ...).
    public static func start(region: String = "us-east-1", environment: [String: String] = [:]) async throws -> MotoServer {
        var variables = environment
        // The three actions of the IAM setup below are free; everything after is checked.
        variables["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
        let process = try await MotoProcess.start(environment: variables)
        let transport = LoopbackOnlyTransport(CurlTransport(defaultTimeout: 5))
        defer { transport.shutdown() }
        do {
            let (accessKey, secretKey) = try await createIAMKey(port: process.port, transport: transport)
            return MotoServer(process: process, accessKey: accessKey, secretKey: secretKey, region: region)
        } catch {
            let log = process.logTail(1500)
            process.stop()
            throw Failure("IAM setup failed: \(error); moto_server said: \(log)")
        }
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the process. Safe to call twice.
    public func stop() {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        process.stop()
    }

    /// The last `count` characters of the server's log, for failure messages.
    public func logTail(_ count: Int = 2000) -> String {
        process.logTail(count)
    }

    // MARK: IAM

    /// CreateUser, CreateAccessKey and PutUserPolicy (`Action:*`) in the free window, signed with a
    /// throwaway key (moto routes Query calls by the signature's scope, so they must be signed).
    static func createIAMKey(port: Int, transport: any HTTPTransport) async throws -> (String, String) {
        let bootstrap = AWSCredentials(accessKeyID: "AKIAPLAYTESTBOOTSTRAP", secretAccessKey: "bootstrap-secret")
        let user = "play-test"
        func call(_ parameters: [(String, String)]) async throws -> String {
            let body = (parameters + [("Version", "2010-05-08")])
                .map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
            var request = HTTPRequest(method: "POST", scheme: "http", host: "127.0.0.1", port: port, path: "/",
                                      headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
                                      body: .data(Data(body.utf8)))
            SigV4Signer(credentials: bootstrap, region: "us-east-1", service: "iam").sign(&request, at: Date())
            let answer = try await transport.send(request)
            let text = String(decoding: answer.body, as: UTF8.self)
            guard answer.isSuccess else { throw Failure("IAM \(parameters[0].1): HTTP \(answer.status): \(text.prefix(500))") }
            return text
        }
        _ = try await call([("Action", "CreateUser"), ("UserName", user)])
        let created = try await call([("Action", "CreateAccessKey"), ("UserName", user)])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        _ = try await call([("Action", "PutUserPolicy"), ("UserName", user), ("PolicyName", "everything"),
                            ("PolicyDocument", policy)])
        guard let accessKey = element("AccessKeyId", in: created), let secretKey = element("SecretAccessKey", in: created) else {
            throw Failure("CreateAccessKey answered without a key: \(created.prefix(300))")
        }
        return (accessKey, secretKey)
    }

    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
