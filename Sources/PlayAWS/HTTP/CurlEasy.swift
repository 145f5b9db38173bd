import CCurl
import Foundation

/// One libcurl easy handle. libcurl keeps the connections a handle opened alive after a transfer,
/// so reusing a handle reuses its connections; `curl_easy_reset` between transfers keeps them.
/// A handle is used by one transfer (one thread) at a time.
public final class CurlEasy: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    /// Loads libcurl on first use; throws `.local` when it is not installed.
    public init() throws(HTTPTransportError) {
        try Self.requireLibcurl()
        guard let raw = ccurl_easy_init() else {
            throw HTTPTransportError(.local, "libcurl could not create a transfer handle (out of memory?)")
        }
        self.raw = raw
    }

    deinit { ccurl_easy_cleanup(raw) }

    /// Throws when libcurl.so.4 cannot be loaded, saying what to install.
    public static func requireLibcurl() throws(HTTPTransportError) {
        guard ccurl_load() == 0 else { return }
        let reason = ccurl_load_error().map { String(cString: $0) } ?? "unknown error"
        throw HTTPTransportError(.local, "HTTP needs libcurl, which could not be loaded (\(reason)):"
            + " install libcurl4 (apt-get install libcurl4, or your distribution's libcurl package)")
    }

    /// Runs one transfer on a plain thread of its own (curl_easy_perform blocks, and Swift's
    /// cooperative threads must not) and returns the response. Cancelling the Swift task aborts
    /// the transfer and throws `CancellationError`.
    public func perform(_ exchange: CurlExchange) async throws -> HTTPResponse {
        let transfer = try CurlTransfer(exchange)
        let result: Result<HTTPResponse, any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread { [self] in
                    continuation.resume(returning: transfer.run(on: self))
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            transfer.cancel()
        }
        return try result.get()
    }
}

/// What one libcurl transfer sends; independent of AWS so `uri` uses it too.
public struct CurlExchange: Sendable {
    public var method: String
    /// The full URL as it goes on the wire (already percent-encoded).
    public var url: String
    /// Sent as given; a "Host" field is left out (libcurl writes Host from the URL).
    public var headers: [HTTPHeaders.Field]
    public var body: HTTPRequest.Body
    /// Seconds without progress before the transfer fails with `.timedOut`.
    public var timeout: TimeInterval
    /// false turns off certificate and host name checks (`uri`'s validate_certs: false).
    public var verifyTLS: Bool
    /// 2xx bodies go to this file (written beside it, renamed into place); others come back as data.
    public var downloadDestination: URL?
    /// "GET https://host/path" for error messages: never the query or credentials.
    public var summary: String
    /// A body kept in memory larger than this fails the transfer (`HTTPRequest.maxResponseBytes`).
    public var maxBodyBytes: Int

    public init(method: String, url: String, headers: [HTTPHeaders.Field], body: HTTPRequest.Body = .empty,
                timeout: TimeInterval, verifyTLS: Bool = true, downloadDestination: URL? = nil, summary: String,
                maxBodyBytes: Int = HTTPRequest.defaultMaxResponseBytes) {
        self.maxBodyBytes = maxBodyBytes
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.verifyTLS = verifyTLS
        self.downloadDestination = downloadDestination
        self.summary = summary
    }
}
