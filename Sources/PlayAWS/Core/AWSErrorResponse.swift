import Foundation

/// The code, message and request id read from an AWS error answer, whichever envelope it came in:
/// `Response/Errors/Error` (EC2), `ErrorResponse/Error` (ELBv2, IAM), `ErrorResponse/Errors/Error`
/// (moto's auth errors), a bare `<Error>` (S3), JSON `__type` (ECS), or no body at all (S3 HEAD).
struct AWSErrorResponse: Sendable, Hashable {
    var code: String
    var message: String
    var requestID: String?
    /// False when the body was not an AWS error document (an HTML page from a proxy or a crash).
    var recognised: Bool

    static func parse(_ response: HTTPResponse, wire: AWSOperation.WireFormat) -> AWSErrorResponse {
        let headerID = response.requestIDHeader
        switch wire {
        case .json:
            if let parsed = parseJSON(response) { return parsed }
        case .query, .restXML:
            // moto labels some XML errors text/html, so try XML whatever the Content-Type says.
            if let tree = XMLTree.parse(response.body), let error = tree.first(named: "Error"),
               let code = error.nonEmpty("Code") {
                let requestID = tree.first(named: "RequestID")?.text ?? tree.first(named: "RequestId")?.text
                    ?? tree.first(named: "requestId")?.text ?? headerID
                return AWSErrorResponse(code: code, message: error.string("Message") ?? "",
                                        requestID: requestID.flatMap { $0.isEmpty ? nil : $0 }, recognised: true)
            }
        }
        return AWSErrorResponse(code: statusCode(response.status), message: describeBody(response),
                                requestID: headerID, recognised: false)
    }

    /// True for S3's bodiless refusal of a HEAD (403 without an error document), whose cause only a
    /// second request with a body can tell.
    static func needsDiagnosis(_ request: HTTPRequest, _ response: HTTPResponse, _ parsed: AWSErrorResponse) -> Bool {
        request.method == "HEAD" && (response.status == 403 || response.status == 400) && !parsed.recognised
    }

    private static func parseJSON(_ response: HTTPResponse) -> AWSErrorResponse? {
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let rawType = (object?["__type"] as? String) ?? (object?["code"] as? String) ?? (object?["Code"] as? String)
            ?? response.headers["x-amzn-ErrorType"]
        guard let rawType, !rawType.isEmpty else { return nil }
        // "com.amazonaws.ecs#ClientException" or "ClientException:http://internal.amazon.com/…"
        var code = rawType
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        let message = (object?["message"] as? String) ?? (object?["Message"] as? String) ?? ""
        return AWSErrorResponse(code: code, message: message, requestID: response.requestIDHeader, recognised: true)
    }

    /// A readable code for answers without an AWS error document.
    static func statusCode(_ status: Int) -> String {
        switch status {
        case 301: return "PermanentRedirect"
        case 304: return "NotModified"
        case 307: return "TemporaryRedirect"
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 412: return "PreconditionFailed"
        case 500: return "InternalServerError"
        case 502: return "BadGateway"
        case 503: return "ServiceUnavailable"
        case 504: return "GatewayTimeout"
        default: return "HTTP\(status)"
        }
    }

    /// "HTTP 500 with a non-AWS answer: <the page's first words>", tags stripped and cut short.
    private static func describeBody(_ response: HTTPResponse) -> String {
        guard !response.body.isEmpty else { return "HTTP \(response.status) with an empty body" }
        var text = String(decoding: response.body.prefix(4096), as: UTF8.self)
        text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.count > 200 { text = String(text.prefix(200)) + "…" }
        return "HTTP \(response.status) with a non-AWS answer: \(text)"
    }
}
