import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request and its response through Foundation's URLSession (libcurl on Linux),
/// with redirects and authentication challenges NOT handled by Foundation: `uri` decides
/// about both itself, as Ansible does. Each exchange has its own short-lived session, so the
/// delegate sees only its own task.
enum HTTPExchange {
    struct Response: Sendable {
        var status: Int
        /// Header fields as received (Foundation merges repeated names with ", ").
        var headers: [(name: String, value: String)]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        var timedOut: Bool
        var description: String
    }

    static func send(method: String, url: URL, headers: [(String, String)], body: Data,
                     timeout: Double) async throws -> Response {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if !body.isEmpty { request.httpBody = body }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = timeout
        let receiver = Receiver()
        let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                receiver.start(continuation)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    /// Collects the response for one task and resumes the waiting caller once.
    private final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Response, Error>?
        private var response: HTTPURLResponse?
        private var body = Data()

        func start(_ continuation: CheckedContinuation<Response, Error>) {
            lock.withLock { self.continuation = continuation }
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            lock.withLock { self.response = response as? HTTPURLResponse }
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            lock.withLock { body.append(data) }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }

        /// A 401 with `WWW-Authenticate` raises a challenge; declining it ends the task and the 401
        /// is handed back as the answer (on Linux, default handling without a credential would
        /// leave the task waiting forever).
        func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                        completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
            completionHandler(.cancelAuthenticationChallenge, nil)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            let (continuation, response, body) = lock.withLock { () -> (CheckedContinuation<Response, Error>?, HTTPURLResponse?, Data) in
                defer { self.continuation = nil }
                return (self.continuation, self.response ?? task.response as? HTTPURLResponse, self.body)
            }
            guard let continuation else { return }
            if let response, error == nil || (error as? URLError)?.code == .cancelled || (error as? URLError)?.code == .userCancelledAuthentication {
                var headers: [(name: String, value: String)] = []
                for (name, value) in response.allHeaderFields {
                    headers.append((String(describing: name), String(describing: value)))
                }
                headers.sort { $0.name.lowercased() < $1.name.lowercased() }
                continuation.resume(returning: Response(status: response.statusCode, headers: headers, body: body))
                return
            }
            let urlError = error as? URLError
            if urlError?.code == .cancelled {
                continuation.resume(throwing: CancellationError())
                return
            }
            continuation.resume(throwing: Failure(
                timedOut: urlError?.code == .timedOut,
                description: error?.localizedDescription ?? "no HTTP response"))
        }
    }
}
