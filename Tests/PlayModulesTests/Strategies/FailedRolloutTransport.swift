import Foundation
import PlayAWS
import PlayBase

/// A transport in front of moto that plays ECS's deployment circuit breaker, which moto lacks (its
/// rollouts never fail). Every request still goes to moto, signed and checked; once `armed`, the
/// DescribeServices answers show the PRIMARY deployment's rollout FAILED, with a reason, as ECS
/// reports a deployment whose tasks keep failing to start.
final class FailedRolloutTransport: HTTPTransport, @unchecked Sendable {
    let base: any HTTPTransport
    private let lock = NSLock()
    private var isArmed = false
    static let reason = "ECS deployment circuit breaker: tasks failed to start."

    init(_ base: any HTTPTransport) { self.base = base }

    func arm() { lock.withLock { isArmed = true } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await base.send(request)
        let armed = lock.withLock { isArmed }
        guard armed, response.isSuccess, request.headers["X-Amz-Target"]?.hasSuffix(".DescribeServices") == true,
              case .dict(var answer) = try Value.parseJSON(String(decoding: response.body, as: UTF8.self)),
              let services = answer["services"]?.listValue else { return response }
        answer["services"] = .list(services.map { service in
            guard case .dict(var fields) = service, let deployments = fields["deployments"]?.listValue else { return service }
            fields["deployments"] = .list(deployments.map { deployment in
                guard case .dict(var entry) = deployment, entry["status"] == "PRIMARY" else { return deployment }
                entry["rolloutState"] = "FAILED"
                entry["rolloutStateReason"] = .string(Self.reason)
                return .dict(entry)
            })
            return .dict(fields)
        })
        var rewritten = response
        rewritten.body = Data(Value.dict(answer).jsonString().utf8)
        return rewritten
    }
}
