import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP through Foundation's URLSession (libcurl on Linux), one URLSession per connection pool
/// (per service and region) so connections stay warm for the whole run.
public final class URLSessionTransport: HTTPTransport {
    private let sessions = Locked<[String: URLSession]>([:])
    private let defaultTimeout: TimeInterval
    private let maxConnectionsPerHost: Int

    /// `defaultTimeout`: seconds without progress for requests that do not set their own
    /// (whole seconds, at least 1: that is what libcurl-backed URLSession honours).
    public init(defaultTimeout: TimeInterval = 30, maxConnectionsPerHost: Int = 16) {
        self.defaultTimeout = defaultTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }

    deinit { shutdown() }

    public func shutdown() {
        let all = sessions.withLock { state -> [URLSession] in
            defer { state.removeAll() }
            return Array(state.values)
        }
        for session in all { session.finishTasksAndInvalidate() }
    }

    /// How many pools are open (tests check that a run reuses them).
    public var poolCount: Int { sessions.withLock { $0.count } }

    private func session(for pool: String) -> URLSession {
        sessions.withLock { state in
            if let existing = state[pool] { return existing }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
            configuration.timeoutIntervalForRequest = defaultTimeout
            configuration.httpShouldSetCookies = false
            configuration.urlCache = nil
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            let session = URLSession(configuration: configuration, delegate: RedirectRefuser(), delegateQueue: nil)
            state[pool] = session
            return session
        }
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let url = request.url else {
            throw HTTPTransportError(.local, "cannot form a URL from \(request.summary)")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        // swift-corelibs-foundation truncates the timeout to whole seconds (0.5 would time out at
        // once), so round up to at least one second.
        urlRequest.timeoutInterval = max(1, (request.timeout > 0 ? request.timeout : defaultTimeout).rounded(.up))
        for field in request.headers where field.name.lowercased() != "host" {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        let session = session(for: request.connectionPool)
        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                let task = Self.makeTask(session: session, request: request, urlRequest: urlRequest, continuation: continuation)
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }

    private static func makeTask(session: URLSession, request: HTTPRequest, urlRequest: URLRequest,
                                 continuation: CheckedContinuation<HTTPResponse, Error>) -> URLSessionTask {
        if let destination = request.downloadDestination {
            return session.downloadTask(with: urlRequest) { tempURL, response, error in
                // The temporary file disappears when this handler returns: move or read it now.
                continuation.resume(with: Result {
                    let http = try httpResponse(response, error, summary: request.summary)
                    guard let tempURL else { throw HTTPTransportError(.connectionLost, "no body for \(request.summary)") }
                    if (200..<300).contains(http.statusCode) {
                        do {
                            try? FileManager.default.removeItem(at: destination)
                            try FileManager.default.moveItem(at: tempURL, to: destination)
                        } catch {
                            throw HTTPTransportError(.local, "cannot write \(destination.path): \(error.localizedDescription)")
                        }
                        return HTTPResponse(status: http.statusCode, headers: headers(http))
                    }
                    let body = (try? Data(contentsOf: tempURL)) ?? Data()
                    return HTTPResponse(status: http.statusCode, headers: headers(http), body: body)
                })
            }
        }
        let handler: @Sendable (Data?, URLResponse?, Error?) -> Void = { data, response, error in
            continuation.resume(with: Result {
                let http = try httpResponse(response, error, summary: request.summary)
                return HTTPResponse(status: http.statusCode, headers: headers(http), body: data ?? Data())
            })
        }
        switch request.body {
        case .file(let file):
            return session.uploadTask(with: urlRequest, fromFile: file, completionHandler: handler)
        case .data(let data) where !data.isEmpty:
            return session.uploadTask(with: urlRequest, from: data, completionHandler: handler)
        case .data:
            return session.dataTask(with: urlRequest, completionHandler: handler)
        }
    }

    private static func httpResponse(_ response: URLResponse?, _ error: Error?, summary: String) throws -> HTTPURLResponse {
        if let error { throw transportError(error, summary: summary) }
        guard let http = response as? HTTPURLResponse else {
            throw HTTPTransportError(.connectionLost, "no HTTP response for \(summary)")
        }
        return http
    }

    private static func headers(_ response: HTTPURLResponse) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in response.allHeaderFields {
            headers.add(String(describing: name), String(describing: value))
        }
        return headers
    }

    static func transportError(_ error: Error, summary: String) -> Error {
        guard let urlError = error as? URLError else {
            return HTTPTransportError(.connectionLost, "\(summary): \(error.localizedDescription)")
        }
        switch urlError.code {
        case .cancelled:
            return CancellationError()
        case .timedOut:
            return HTTPTransportError(.timedOut, "\(summary): no answer in time")
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return HTTPTransportError(.cannotConnect, "\(summary): cannot connect (\(urlError.localizedDescription))")
        case .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .secureConnectionFailed:
            return HTTPTransportError(.local, "\(summary): TLS failed (\(urlError.localizedDescription))")
        case .fileDoesNotExist, .noPermissionsToReadFile, .cannotOpenFile, .cannotCreateFile, .cannotWriteToFile:
            return HTTPTransportError(.local, "\(summary): \(urlError.localizedDescription)")
        default:
            return HTTPTransportError(.connectionLost, "\(summary): \(urlError.localizedDescription)")
        }
    }
}

/// Holds the running task so cancellation of the Swift task cancels the HTTP request.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionTask?
    private var cancelled = false

    func set(_ task: URLSessionTask) {
        lock.lock()
        self.task = task
        let cancelNow = cancelled
        lock.unlock()
        if cancelNow { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}

/// Signed requests must not follow redirects to other hosts: S3 answers 301/307 when a bucket is
/// in another region, and the caller should see that answer (and its region header) instead.
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
