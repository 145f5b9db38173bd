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

    /// A real TLS server on loopback with a self-signed certificate: refused by default (the
    /// certificate is checked), accepted with `validate_certs: false`.
    func testValidateCertsAgainstASelfSignedServer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uri-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        XCTAssertEqual(openssl.terminationStatus, 0, "openssl req")

        let script = """
        import http.server, ssl, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"tls ok"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", script, cert, key]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            // SIGKILL: the test process blocks SIGTERM, and children inherit that mask.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var portLine = Data()
        while !portLine.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            portLine.append(chunk)
        }
        let port = try XCTUnwrap(Int(String(decoding: portLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        let url = "https://127.0.0.1:\(port)/"

        let checked = try await harness.run(URIModule(), ["url": .string(url), "timeout": 10])
        XCTAssertTrue(checked.failed)
        XCTAssertEqual(checked["status"], -1)
        XCTAssertTrue(checked.message?.contains("TLS failed") ?? false, checked.message ?? "")

        let unchecked = try await harness.run(URIModule(), ["url": .string(url), "validate_certs": false, "return_content": true,
                                                            "timeout": 10])
        XCTAssertFalse(unchecked.failed, unchecked.message ?? "")
        XCTAssertEqual(unchecked["status"], 200)
        XCTAssertEqual(unchecked["content"], "tls ok")
    }
}
