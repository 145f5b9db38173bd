import Foundation
import PlayAWS

/// A transport in front of moto that plays the ALB's health checker, which moto lacks (it calls
/// every registered target healthy at once and removes deregistered ones at once). Every request
/// still goes to moto, signed and checked; only DescribeTargetHealth answers are rewritten:
/// after a RegisterTargets naming a target, its next answers take the states queued in
/// `afterRegister[id]` (one per DescribeTargetHealth), after a DeregisterTargets those in
/// `afterDeregister[id]`; when a queue runs out, moto's own answer shows again.
final class ScriptedTargetHealthTransport: HTTPTransport, @unchecked Sendable {
    let base: any HTTPTransport
    private let lock = NSLock()
    private var afterRegister: [String: [String]]
    private var afterDeregister: [String: [String]]
    private var queues: [String: [String]] = [:]

    init(_ base: any HTTPTransport, afterRegister: [String: [String]] = [:], afterDeregister: [String: [String]] = [:]) {
        self.base = base
        self.afterRegister = afterRegister
        self.afterDeregister = afterDeregister
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let form = Self.form(request)
        let response = try await base.send(request)
        switch form["Action"] {
        case "RegisterTargets"?, "DeregisterTargets"?:
            guard response.isSuccess else { return response }
            let registering = form["Action"] == "RegisterTargets"
            lock.withLock {
                for id in Self.targetIDs(form) {
                    if let script = (registering ? afterRegister : afterDeregister)[id] { queues[id] = script }
                }
            }
            return response
        case "DescribeTargetHealth"?:
            guard response.isSuccess else { return response }
            return rewrite(response)
        default:
            return response
        }
    }

    func shutdown() { base.shutdown() }

    private func rewrite(_ response: HTTPResponse) -> HTTPResponse {
        let body = String(decoding: response.body, as: UTF8.self)
        var members: [String] = []
        var rest = Substring(body)
        while let open = rest.range(of: "<member>"), let close = rest.range(of: "</member>", range: open.upperBound..<rest.endIndex) {
            // Target health members hold no nested <member>, so the first close ends this one.
            members.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        let rewritten = lock.withLock { () -> [String] in
            members.map { member in
                guard let id = Self.element("Id", member), var queue = queues[id], !queue.isEmpty else { return member }
                let state = queue.removeFirst()
                queues[id] = queue
                let port = Self.element("Port", member).map { "<Port>\($0)</Port>" } ?? ""
                let reason: String
                switch state {
                case "initial": reason = "<Reason>Elb.InitialHealthChecking</Reason><Description>Initial health checks in progress</Description>"
                case "unhealthy": reason = "<Reason>Target.ResponseCodeMismatch</Reason><Description>Health checks failed with these codes: [500]</Description>"
                case "draining": reason = "<Reason>Target.DeregistrationInProgress</Reason><Description>Target deregistration is in progress</Description>"
                default: reason = ""
                }
                return "<Target><Id>\(id)</Id>\(port)</Target><HealthCheckPort>traffic-port</HealthCheckPort><TargetHealth><State>\(state)</State>\(reason)</TargetHealth>"
            }
        }
        let xml = "<DescribeTargetHealthResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><DescribeTargetHealthResult><TargetHealthDescriptions>"
            + rewritten.map { "<member>\($0)</member>" }.joined()
            + "</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>scripted</RequestId></ResponseMetadata></DescribeTargetHealthResponse>"
        return HTTPResponse(status: response.status, headers: response.headers, body: Data(xml.utf8))
    }

    static func form(_ request: HTTPRequest) -> [String: String] {
        guard case .data(let data) = request.body else { return [:] }
        var out: [String: String] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if parts.count == 2 { out[parts[0]] = parts[1] }
        }
        return out
    }

    static func targetIDs(_ form: [String: String]) -> [String] {
        form.filter { $0.key.hasPrefix("Targets.member.") && $0.key.hasSuffix(".Id") }.map(\.value)
    }

    static func element(_ name: String, _ xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }
}
