import Foundation
import XCTest
@testable import PlayAWS

/// The official AWS SigV4 test suite (34 cases) and the botocore-generated EC2 / ELBv2 / S3 cases.
final class SigV4SuiteTests: XCTestCase {
    static let suiteCredentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE",
                                                 secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    /// Every case directory (one holding a `.req`), nested ones included.
    func suiteCases() throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: SharedFixtures.sigv4Suite, includingPropertiesForKeys: nil)
        var cases: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "req" { cases.append(url.deletingPathExtension()) }
        }
        return cases.sorted { $0.path < $1.path }
    }

    /// Reads a `.req` file: request line (the path may hold a raw space), `Name:value` headers with
    /// obsolete line folding, a blank line, the body.
    func parseRequest(_ text: String) throws -> HTTPRequest {
        let (head, body): (Substring, Substring) = {
            if let range = text.range(of: "\n\n") { return (text[..<range.lowerBound], text[range.upperBound...]) }
            return (Substring(text), "")
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        let method = requestLine.first!
        let target = requestLine.dropFirst().dropLast().joined(separator: " ")
        var path = target
        var query: [HTTPRequest.QueryItem] = []
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            for pair in target[target.index(after: q)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append(.init(URIEncoding.decode(String(parts[0])), parts.count > 1 ? URIEncoding.decode(String(parts[1])) : ""))
            }
        }
        var pairs: [(String, String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !pairs.isEmpty {
                pairs[pairs.count - 1].1 += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            pairs.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let headers = HTTPHeaders(pairs)
        return HTTPRequest(method: method, host: headers["Host"] ?? "", path: path, query: query, headers: headers,
                           body: .data(Data(body.utf8)))
    }

    func testOfficialSuiteAllCases() throws {
        let cases = try suiteCases()
        XCTAssertEqual(cases.count, 34, "the suite has 34 cases")
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        var passed = 0
        for base in cases {
            let name = base.lastPathComponent
            var request = try parseRequest(try SharedFixtures.text(base.appendingPathExtension("req")))
            if name == "get-vanilla-with-session-token" {
                // The token is only in the expected files, not in the .req (see the README).
                request.headers.add("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")
            }
            let date = try XCTUnwrap(SigV4Signer.parseAmzDate(request.headers["X-Amz-Date"] ?? ""), name)
            let signature = signer.signature(for: request, at: date)
            let creq = try SharedFixtures.text(base.appendingPathExtension("creq"))
            let sts = try SharedFixtures.text(base.appendingPathExtension("sts"))
            let authz = try SharedFixtures.text(base.appendingPathExtension("authz"))
            XCTAssertEqual(signature.canonicalRequest, creq, "\(name): canonical request")
            XCTAssertEqual(signature.stringToSign, sts, "\(name): string to sign")
            XCTAssertEqual(signature.authorization, authz.trimmingCharacters(in: .newlines), "\(name): Authorization")
            if signature.authorization == authz.trimmingCharacters(in: .newlines) && signature.canonicalRequest == creq { passed += 1 }
        }
        XCTAssertEqual(passed, 34)
    }

    func testSignAddsTokenAsSignedHeaderAndDate() throws {
        var request = try parseRequest(try SharedFixtures.text(SharedFixtures.sigv4Suite
            .appendingPathComponent("get-vanilla/get-vanilla.req")))
        request.headers.set("X-Amz-Date", nil)
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.suiteCredentials.secretAccessKey,
                                         sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")
        let date = SigV4Signer.parseAmzDate("20150830T123600Z")!
        SigV4Signer(credentials: credentials, region: "us-east-1", service: "service").sign(&request, at: date)
        XCTAssertEqual(request.headers["X-Amz-Date"], "20150830T123600Z")
        let expected = try SharedFixtures.text(SharedFixtures.sigv4Suite
            .appendingPathComponent("get-vanilla-with-session-token/get-vanilla-with-session-token.authz"))
        XCTAssertEqual(request.headers["Authorization"], expected.trimmingCharacters(in: .newlines))
    }

    struct GeneratedCase: Decodable {
        var name: String
        var service: String
        var region: String
        var access_key_id: String
        var secret_access_key: String
        var session_token: String?
        var amz_date: String
        var method: String
        var url: String
        var headers: [String: String]
        var body: String
        var expected_canonical_request: String
        var expected_string_to_sign: String
        var expected_signed_headers: String
        var expected_signature: String
        var expected_authorization: String
    }

    func testGeneratedServiceCases() throws {
        let files = try FileManager.default.contentsOfDirectory(at: SharedFixtures.sigv4Generated, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        XCTAssertEqual(files.count, 11)
        for file in files {
            let c = try JSONDecoder().decode(GeneratedCase.self, from: try SharedFixtures.data(file))
            let components = try XCTUnwrap(URLComponents(string: c.url), c.name)
            // The generated headers are exactly the ones to sign, in wire form; keep their JSON order irrelevant.
            var headers = HTTPHeaders()
            for (name, value) in c.headers.sorted(by: { $0.key < $1.key }) { headers.add(name, value) }
            let query = (components.percentEncodedQueryItems ?? []).map {
                HTTPRequest.QueryItem(URIEncoding.decode($0.name), URIEncoding.decode($0.value ?? ""))
            }
            let request = HTTPRequest(method: c.method, scheme: components.scheme!, host: components.host!,
                                      port: components.port, path: components.percentEncodedPath, query: query,
                                      headers: headers, body: .data(Data(c.body.utf8)))
            let credentials = AWSCredentials(accessKeyID: c.access_key_id, secretAccessKey: c.secret_access_key,
                                             sessionToken: c.session_token)
            let signer = SigV4Signer(credentials: credentials, region: c.region, service: c.service)
            let signature = signer.signature(for: request, at: SigV4Signer.parseAmzDate(c.amz_date)!)
            XCTAssertEqual(signature.canonicalRequest, c.expected_canonical_request, c.name)
            XCTAssertEqual(signature.stringToSign, c.expected_string_to_sign, c.name)
            XCTAssertEqual(signature.signedHeaders, c.expected_signed_headers, c.name)
            XCTAssertEqual(signature.signature, c.expected_signature, c.name)
            XCTAssertEqual(signature.authorization, c.expected_authorization, c.name)
        }
    }

    /// The Query bodies our clients build match botocore's encoding byte for byte.
    func testQueryBodyEncodingMatchesGeneratedEC2Case() throws {
        var p = QueryParameters(action: "RunInstances", version: "2016-11-15")
        p.set("ImageId", "ami-0abcdef1234567890")
        p.set("InstanceType", "t3.micro")
        p.set("MinCount", 2)
        p.set("MaxCount", 2)
        p.set("SubnetId", "subnet-0123456789abcdef0")
        p.list("SecurityGroupId", ["sg-0123456789abcdef0"])
        p.set("ClientToken", "deploy-web-1.4.2-7f3a")
        p.set("UserData", "IyEvYmluL3NoCmVjaG8gaGk+L3RtcC94Owo=")
        p.tagSpecifications(["instance"], tags: ["app": "web", "version": "1.4.2"])
        let c = try JSONDecoder().decode(GeneratedCase.self, from: try SharedFixtures.data(
            SharedFixtures.sigv4Generated.appendingPathComponent("ec2-run-instances.json")))
        XCTAssertEqual(p.body, c.body)
    }

    func testCanonicalPathRules() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "ec2")
        XCTAssertEqual(signer.canonicalURI(""), "/")
        XCTAssertEqual(signer.canonicalURI("/a/./b/../c//d/"), "/a/c/d/")
        XCTAssertEqual(signer.canonicalURI("/a%20b"), "/a%2520b", "non-S3 paths are encoded once more")
        let s3 = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "s3")
        XCTAssertEqual(s3.canonicalURI("/bucket/a//b/../c%20d"), "/bucket/a//b/../c%20d", "S3 paths are signed as sent")
    }
}
