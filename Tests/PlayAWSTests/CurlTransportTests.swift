import Foundation
import XCTest
@testable import PlayAWS

/// CurlTransport against a real loopback server: headers both ways, uploads, no redirects,
/// downloads written into place, sub-second timeouts, cancellation and refused connections.
final class CurlTransportTests: XCTestCase {
    func testHeadersBodyUploadAndNoRedirects() async throws {
        let server = try LocalHTTPServer { request in
            switch request.path {
            case "/moved": return .respond(status: 307, headers: [("Location", "http://127.0.0.1:1/elsewhere")], body: Data())
            default:
                let echo = "\(request.method) host=\(request.headers["host"] ?? "-") x=\(request.headers["x-amz-test"] ?? "-") "
                    + "len=\(request.headers["content-length"] ?? "-") body=\(String(decoding: request.body, as: UTF8.self))"
                return .respond(status: 200, headers: [("X-Multi", "a"), ("X-Multi", "b"), ("Content-Type", "text/plain")],
                                body: Data(echo.utf8))
            }
        }
        defer { server.stop() }
        let transport = CurlTransport(defaultTimeout: 5)
        defer { transport.shutdown() }
        var request = HTTPRequest(method: "PUT", scheme: "http", host: "127.0.0.1", port: server.port, path: "/thing",
                                  headers: ["Host": "127.0.0.1:\(server.port)", "X-Amz-Test": "yes"], body: .data(Data("payload".utf8)))
        let response = try await transport.send(request)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self),
                       "PUT host=127.0.0.1:\(server.port) x=yes len=7 body=payload")
        XCTAssertEqual(response.headers.values("X-Multi"), ["a", "b"])
        XCTAssertEqual(response.headers["content-type"], "text/plain")
        XCTAssertEqual(transport.poolCount, 1)

        request = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: server.port, path: "/moved")
        let moved = try await transport.send(request)
        XCTAssertEqual(moved.status, 307, "redirects come back to the caller")
        XCTAssertEqual(moved.headers["Location"], "http://127.0.0.1:1/elsewhere")
    }

    func testDownloadGoesIntoPlaceOnlyFor2xx() async throws {
        let payload = Data((0..<300_000).map { UInt8($0 % 251) })
        let server = try LocalHTTPServer { request in
            request.path == "/file" ? .respond(status: 200, headers: [], body: payload) : .text(404, "no such key")
        }
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("out.bin")
        let transport = CurlTransport(defaultTimeout: 5)
        let ok = try await transport.send(HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: server.port,
                                                      path: "/file", downloadDestination: destination))
        XCTAssertEqual(ok.status, 200)
        XCTAssertTrue(ok.body.isEmpty)
        XCTAssertEqual(try Data(contentsOf: destination), payload)

        let missing = try await transport.send(HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: server.port,
                                                           path: "/gone", downloadDestination: directory.appendingPathComponent("gone.bin")))
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(String(decoding: missing.body, as: UTF8.self), "no such key")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.bin"], "no partial files left")
    }

    func testSubSecondTimeoutCancellationAndRefusedConnection() async throws {
        let blackHole = try LocalHTTPServer { _ in .stall }
        defer { blackHole.stop() }
        let transport = CurlTransport(defaultTimeout: 30)
        let stalled = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: blackHole.port, path: "/", timeout: 0.3)
        let start = ContinuousClock.now
        do {
            _ = try await transport.send(stalled)
            XCTFail("expected a timeout")
        } catch let error as HTTPTransportError {
            XCTAssertEqual(error.kind, .timedOut)
            XCTAssertEqual(error.message, "GET http://127.0.0.1:\(blackHole.port)/: no answer in time")
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))

        var slow = stalled
        slow.timeout = 30
        let task = Task { try await transport.send(slow) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let cancelStart = ContinuousClock.now
        do {
            _ = try await task.value
            XCTFail("expected cancellation")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        XCTAssertLessThan(ContinuousClock.now - cancelStart, .seconds(3))

        let closed = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: 1, path: "/")
        do {
            _ = try await transport.send(closed)
            XCTFail("expected a refused connection")
        } catch let error as HTTPTransportError {
            XCTAssertEqual(error.kind, .cannotConnect)
            XCTAssertFalse(error.requestMayHaveReached)
        }
    }
}
