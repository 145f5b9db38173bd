import Foundation
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

final class URIModuleTests: XCTestCase {
    let harness = ModuleHarness()

    static func route(_ request: HTTPTestServer.Request) -> HTTPTestServer.Response {
        switch (request.method, request.target) {
        case ("GET", "/health"):
            return .init(status: 200, headers: [("Content-Type", "application/json"), ("X-Build-Id", "42"),
                                                ("Set-Cookie", "session=abc; Path=/")],
                         body: #"{"status": "ok", "version": 3}"#)
        case ("POST", "/echo"):
            return .init(status: 201, headers: [("Content-Type", "text/plain")],
                         body: "\(request.headers["content-type"] ?? "-")|\(request.body)")
        case (_, "/moved"):
            return .init(status: 302, headers: [("Location", "/health")])
        case (_, "/secret"):
            guard request.headers["authorization"] == "Basic " + Data("deploy:s3cret".utf8).base64EncodedString() else {
                return .init(status: 401, headers: [("WWW-Authenticate", #"Basic realm="x""#)], body: "no")
            }
            return .init(status: 200, body: "welcome")
        case ("GET", let target) where target.hasPrefix("/query?"):
            return .init(status: 200, body: target)
        default:
            return .init(status: 404, body: "missing")
        }
    }

    func testGetJSONWithHeadersAndContent() async throws {
        let server = try HTTPTestServer(route: Self.route)
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/health"
        let r = try await harness.run(URIModule(), ["url": .string(url), "return_content": true])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertFalse(r.changed)
        XCTAssertEqual(r["status"], 200)
        XCTAssertEqual(r["url"], .string(url))
        XCTAssertEqual(r["redirected"], false)
        XCTAssertEqual(r["json"], ["status": "ok", "version": 3])
        XCTAssertEqual(r["content"], #"{"status": "ok", "version": 3}"#)
        XCTAssertEqual(r["x_build_id"], "42")
        XCTAssertEqual(r["content_type"], "application/json")
        XCTAssertEqual(r["cookies"], ["session": "abc"])
        XCTAssertEqual(r.message, "OK (30 bytes)")
        XCTAssertEqual(r["elapsed"], 0)
        XCTAssertEqual(server.received.first?.headers["user-agent"], "ansible-httpget")

        let quiet = try await harness.run(URIModule(), ["url": .string(url)])
        XCTAssertNil(quiet["content"])
        XCTAssertNotNil(quiet["json"])
    }

    func testStatusCodesAndBodies() async throws {
        let server = try HTTPTestServer(route: Self.route)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let missing = try await harness.run(URIModule(), ["url": .string(base + "/nope")])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing["status"], 404)
        XCTAssertEqual(missing.message, "Status code was 404 and not [200]: HTTP Error 404: Not Found")
        let allowed = try await harness.run(URIModule(), ["url": .string(base + "/nope"), "status_code": "200, 404"])
        XCTAssertFalse(allowed.failed)

        let json = try await harness.run(URIModule(), ["url": .string(base + "/echo"), "method": "POST", "body_format": "json",
                                                       "body": ["name": "web", "count": 2], "status_code": 201, "return_content": true])
        XCTAssertFalse(json.failed, json.message ?? "")
        XCTAssertEqual(json["content"], #"application/json|{"name": "web", "count": 2}"#)
        let form = try await harness.run(URIModule(), ["url": .string(base + "/echo"), "method": "post", "body_format": "form-urlencoded",
                                                       "body": ["q": "a b&c", "n": 1], "status_code": [201], "return_content": true])
        XCTAssertEqual(form["content"], "application/x-www-form-urlencoded|q=a+b%26c&n=1")
        let raw = try await harness.run(URIModule(), ["url": .string(base + "/echo"), "method": "POST", "body": "plain text",
                                                      "headers": ["Content-Type": "text/x-custom"], "status_code": 201, "return_content": true])
        XCTAssertEqual(raw["content"], "text/x-custom|plain text")
        let query = try await harness.run(URIModule(), ["url": .string(base + "/query?a=1+2&b=%2F"), "return_content": true])
        XCTAssertEqual(query["content"], "/query?a=1+2&b=%2F", "the query goes out exactly as written")
    }

    func testRedirectsAndBasicAuth() async throws {
        let server = try HTTPTestServer(route: Self.route)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let followed = try await harness.run(URIModule(), ["url": .string(base + "/moved")])
        XCTAssertEqual(followed["status"], 200)
        XCTAssertEqual(followed["redirected"], true)
        XCTAssertEqual(followed["url"], .string(base + "/health"))
        let safePost = try await harness.run(URIModule(), ["url": .string(base + "/moved"), "method": "POST", "status_code": 302])
        XCTAssertEqual(safePost["status"], 302, "safe follows only GET and HEAD")
        XCTAssertEqual(safePost["location"], "/health")
        let none = try await harness.run(URIModule(), ["url": .string(base + "/moved"), "follow_redirects": "none"])
        XCTAssertTrue(none.failed)
        XCTAssertEqual(none.message, "Status code was 302 and not [200]: HTTP Error 302: Found")

        let denied = try await harness.run(URIModule(), ["url": .string(base + "/secret")])
        XCTAssertEqual(denied["status"], 401)
        let challenged = try await harness.run(URIModule(), ["url": .string(base + "/secret"), "url_username": "deploy",
                                                             "url_password": "s3cret", "return_content": true])
        XCTAssertEqual(challenged["content"], "welcome")
        let inURL = try await harness.run(URIModule(), ["url": .string("http://deploy:s3cret@127.0.0.1:\(server.port)/secret"),
                                                        "force_basic_auth": true])
        XCTAssertEqual(inURL["status"], 200)
        XCTAssertFalse(inURL.asValue.jsonString().contains("s3cret"), "the password never shows in the result")
    }

    func testConnectionRefusedCheckModeAndArgumentErrors() async throws {
        let port = try LoopbackServer.closedPort()
        let refused = try await harness.run(URIModule(), ["url": .string("http://127.0.0.1:\(port)/"), "timeout": 5])
        XCTAssertTrue(refused.failed)
        XCTAssertEqual(refused["status"], -1)
        XCTAssertTrue(refused.message!.hasPrefix("Request failed"), refused.message ?? "")

        var check = harness
        check.checkMode = true
        let skipped = try await check.run(URIModule(), ["url": .string("http://127.0.0.1:\(port)/")])
        XCTAssertTrue(skipped.skipped)

        let bad = try await harness.run(URIModule(), ["url": "ftp://example/"])
        XCTAssertTrue(bad.failed)
        XCTAssertEqual(harness.argumentError(URIModule(), ["url": "http://x/", "body_format": "xml"]),
                       "value of body_format must be one of: raw, json, form-urlencoded, got: xml")
        XCTAssertEqual(harness.argumentError(URIModule(), [:]), "missing required arguments: url")
        let badCodes = try await harness.run(URIModule(), ["url": "http://127.0.0.1:1/", "status_code": ["ok"]])
        XCTAssertEqual(badCodes.message, "status_code must be a list of integers, got 'ok'")
    }
}
