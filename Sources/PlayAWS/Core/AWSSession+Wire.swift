import Foundation
import PlayBase

/// The three wire formats the clients use, on top of `perform`.
extension AWSSession {
    /// A Query-protocol call (EC2, ELBv2, IAM). Returns the `<…Result>` element when the answer has
    /// one (ELBv2, IAM), else the root (EC2).
    func query(_ service: AWSService, region: String, _ parameters: QueryParameters, idempotent: Bool,
               context: [String: String] = [:], continuation: Bool = false) async throws -> XMLTree {
        var operation = AWSOperation(service: service, name: parameters.action, region: region, wire: .query,
                                     idempotent: idempotent, context: context)
        operation.isContinuation = continuation
        let body = Data(parameters.body.utf8)
        let response = try await perform(operation) { endpoint in
            HTTPRequest(method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                        path: endpoint.basePath + "/",
                        headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
                        body: .data(body))
        }
        let root: XMLTree
        do { root = try XMLTree.read(response.body) } catch {
            throw decodingError(operation, response, error.description)
        }
        return root.child("\(parameters.action)Result") ?? root
    }

    /// A JSON 1.1 call (ECS): `X-Amz-Target: <prefix>.<operation>`, JSON in and out.
    func json(_ service: AWSService, region: String, targetPrefix: String, operation name: String, _ body: Value,
              idempotent: Bool, context: [String: String] = [:], continuation: Bool = false) async throws -> Value {
        var operation = AWSOperation(service: service, name: name, region: region, wire: .json,
                                     idempotent: idempotent, context: context)
        operation.isContinuation = continuation
        let data = Data(body.jsonString().utf8)
        let response = try await perform(operation) { endpoint in
            HTTPRequest(method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                        path: endpoint.basePath + "/",
                        headers: ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "\(targetPrefix).\(name)"],
                        body: .data(data))
        }
        if response.body.isEmpty { return .dict([:]) }
        do {
            return try Value.parseJSON(String(decoding: response.body, as: UTF8.self))
        } catch {
            throw decodingError(operation, response, "the answer is not JSON (\(error))")
        }
    }

    func decodingError(_ operation: AWSOperation, _ response: HTTPResponse, _ message: String) -> AWSError {
        AWSError(kind: .decoding, service: operation.service.name, operation: operation.name, code: "InvalidResponse",
                 message: message, requestID: response.requestIDHeader, httpStatus: response.status,
                 hint: "the endpoint may not be an AWS API (check endpoint_url)", region: operation.region)
    }
}
