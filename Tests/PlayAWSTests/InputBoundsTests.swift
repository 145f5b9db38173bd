import Foundation
import XCTest
import PlayBase
@testable import PlayAWS

/// What an endpoint (or a credential_process) can make play hold or wait for: response bodies,
/// XML depth, page tokens that come back, a credential command that never ends.
final class InputBoundsTests: XCTestCase {
    let credentials = AWSCredentials(accessKeyID: "AKIABOUNDS000000001", secretAccessKey: "bounds-secret", source: "test")

    private func session(_ server: LocalHTTPServer) -> AWSSession {
        let endpoint = AWSEndpoint(scheme: "http", host: "127.0.0.1", port: server.port, isCustom: true, source: "AWS_ENDPOINT_URL")
        return AWSSession(credentials: credentials, region: "us-east-1", endpoint: endpoint,
                          options: MotoServer.fastOptions(maxAttempts: 1, timeout: 5))
    }

    private func assertAWSError(_ code: String, contains words: String, file: StaticString = #filePath, line: UInt = #line,
                                _ call: () async throws -> Void) async {
        do {
            try await call()
            XCTFail("expected \(code)", file: file, line: line)
        } catch let error as AWSError {
            XCTAssertEqual(error.code, code, error.description, file: file, line: line)
            XCTAssertTrue(error.description.contains(words), error.description, file: file, line: line)
        } catch {
            XCTFail("expected an AWSError, got \(error)", file: file, line: line)
        }
    }

    // MARK: HTTP bodies

    func testAResponseBodyOverTheLimitFailsTheTransfer() async throws {
        let body = Data(repeating: 0x41, count: 5000)
        let server = try LocalHTTPServer { _ in .respond(status: 200, headers: [], body: body) }
        defer { server.stop() }
        let transport = CurlTransport(defaultTimeout: 5)
        defer { transport.shutdown() }
        var request = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: server.port, path: "/big")
        let whole = try await transport.send(request)
        XCTAssertEqual(whole.body, body, "the default limit (64 MiB) takes it")
        request.maxResponseBytes = 1000
        do {
            _ = try await transport.send(request)
            XCTFail("expected the body to be refused")
        } catch let error as HTTPTransportError {
            XCTAssertEqual(error.kind, .local)
            XCTAssertTrue(error.message.contains("larger than the 1000 bytes play keeps in memory"), error.message)
            XCTAssertTrue(error.message.hasPrefix("GET http://127.0.0.1:\(server.port)/big"), error.message)
        }
    }

    // MARK: XML

    func testXMLNestedDeeperThanTheLimitIsRefused() async throws {
        func nested(_ depth: Int) -> Data {
            Data((String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)).utf8)
        }
        XCTAssertEqual(try XMLTree.read(nested(XMLTree.maxDepth)).name, "a")
        XCTAssertThrowsError(try XMLTree.read(nested(XMLTree.maxDepth + 1))) { error in
            XCTAssertEqual(error as? XMLTree.ReadError, .tooDeep(offset: 303))
        }
        XCTAssertNil(XMLTree.parse(nested(1_000_000)))
        XCTAssertEqual(try? XMLTree.read(Data("<a><b></a>".utf8)), nil)

        let deep = nested(5000)
        let server = try LocalHTTPServer { _ in .respond(status: 200, headers: [("Content-Type", "text/xml")], body: deep) }
        defer { server.stop() }
        let s = session(server)
        defer { s.shutdown() }
        await assertAWSError("InvalidResponse", contains: "nests XML elements more than 100 deep") {
            _ = try await s.ec2().describeInstances()
        }
    }

    // MARK: Pagination

    func testARepeatedPageTokenIsAnErrorForEveryPaginatedCall() async throws {
        let server = try LocalHTTPServer { request in
            if request.headers["x-amz-target"]?.hasSuffix("ListTaskDefinitions") == true {
                return .text(200, #"{"taskDefinitionArns": ["arn:aws:ecs:us-east-1:1:task-definition/web:1"], "nextToken": "again"}"#,
                             contentType: "application/x-amz-json-1.1")
            }
            if request.method == "GET" {
                return .text(200, "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>k</Key></Contents>"
                             + "<NextContinuationToken>again</NextContinuationToken></ListBucketResult>", contentType: "application/xml")
            }
            let body = String(decoding: request.body, as: UTF8.self)
            if body.contains("Action=DescribeTargetGroups") {
                return .text(200, "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups/>"
                             + "<NextMarker>again</NextMarker></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>",
                             contentType: "text/xml")
            }
            return .text(200, "<DescribeInstancesResponse><reservationSet/><nextToken>again</nextToken></DescribeInstancesResponse>",
                         contentType: "text/xml")
        }
        defer { server.stop() }
        let s = session(server)
        defer { s.shutdown() }
        let words = "returned a page token it had already returned, on page 2"
        await assertAWSError("RepeatedPaginationToken", contains: words) { _ = try await s.ec2().describeInstances() }
        await assertAWSError("RepeatedPaginationToken", contains: words) { _ = try await s.elbv2().describeTargetGroups() }
        await assertAWSError("RepeatedPaginationToken", contains: words) { _ = try await s.s3().listObjects(bucket: "b") }
        await assertAWSError("RepeatedPaginationToken", contains: words) { _ = try await s.ecs().listTaskDefinitions(family: "web") }
        XCTAssertEqual(server.requests.count, 8, "two pages each, then the error")
    }

    // MARK: credential_process

    func testCredentialProcessHasATimeLimit() async throws {
        let home = try TemporaryHome(config: """
            [profile stuck]
            credential_process = sleep 30
            """)
        defer { home.remove() }
        let env = home.environment(["AWS_PROFILE": "stuck", "PLAY_CREDENTIAL_PROCESS_TIMEOUT": "0.3"])
        await assertAWSError("CredentialProcessFailed", contains: "did not finish within 0.3 s and was killed") {
            _ = try await AWSConfigurationResolver(settings: AWSSettings(), environment: env, transport: CurlTransport()).resolveCredentials()
        }
        let bad = home.environment(["AWS_PROFILE": "stuck", "PLAY_CREDENTIAL_PROCESS_TIMEOUT": "soon"])
        await assertAWSError("InvalidSetting", contains: "PLAY_CREDENTIAL_PROCESS_TIMEOUT is 'soon'") {
            _ = try await AWSConfigurationResolver(settings: AWSSettings(), environment: bad, transport: CurlTransport()).resolveCredentials()
        }
    }

    /// More credential commands wait at once than Swift's pool has threads, and only another
    /// task of the pool can release them: if a wait held a pool thread, that task would never run
    /// (and each command gives up after 20 s, failing the test instead of hanging it).
    func testWaitingCredentialProcessesLeaveThePoolFree() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("play-credproc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = #"{"Version":1,"AccessKeyId":"AKIAWAITING00000001","SecretAccessKey":"waited"}"#
        let script = directory.appendingPathComponent("wait.sh")
        try Data("""
            touch "$1/started.$$"
            i=0
            while [ ! -e "$1/go" ]; do i=$((i+1)); [ $i -gt 400 ] && exit 1; sleep 0.05; done
            printf '%s' '\(document)'

            """.utf8).write(to: script)
        let home = try TemporaryHome(config: """
            [profile waiting]
            credential_process = sh \(script.path) \(directory.path)
            """)
        defer { home.remove() }
        let env = home.environment(["AWS_PROFILE": "waiting"])
        let waiters = ProcessInfo.processInfo.activeProcessorCount * 4
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<waiters {
                group.addTask {
                    let transport = CurlTransport()
                    defer { transport.shutdown() }
                    let resolver = try AWSConfigurationResolver(settings: AWSSettings(), environment: env, transport: transport)
                    return try await resolver.resolveCredentials().0.accessKeyID
                }
            }
            group.addTask {
                // Releases the commands once all have started; bounded so a failure cannot hang.
                for _ in 0..<2000 {
                    let started = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?
                        .filter { $0.hasPrefix("started.") }.count ?? 0
                    if started >= waiters { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                FileManager.default.createFile(atPath: directory.appendingPathComponent("go").path, contents: Data())
                return "released"
            }
            var answers: [String] = []
            for try await answer in group { answers.append(answer) }
            XCTAssertEqual(answers.filter { $0 == "AKIAWAITING00000001" }.count, waiters)
            XCTAssertEqual(answers.filter { $0 == "released" }.count, 1)
        }
    }
}
