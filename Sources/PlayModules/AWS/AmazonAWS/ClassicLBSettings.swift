import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// One listener of a classic load balancer, as the API and the collection compare them:
/// protocols upper-cased, the instance protocol defaulting to the front one.
struct ClassicListener: Hashable, Sendable {
    var loadBalancerPort: Int
    var instancePort: Int
    var protocolName: String
    var instanceProtocol: String
    var certificate: String?

    init(api listener: XMLTree) {
        loadBalancerPort = listener.int("LoadBalancerPort") ?? 0
        instancePort = listener.int("InstancePort") ?? 0
        protocolName = (listener.string("Protocol") ?? "").uppercased()
        instanceProtocol = (listener.string("InstanceProtocol") ?? protocolName).uppercased()
        certificate = listener.nonEmpty("SSLCertificateId")
    }

    init(loadBalancerPort: Int, instancePort: Int, protocolName: String, instanceProtocol: String?, certificate: String?) {
        self.loadBalancerPort = loadBalancerPort
        self.instancePort = instancePort
        self.protocolName = protocolName.uppercased()
        self.instanceProtocol = (instanceProtocol ?? protocolName).uppercased()
        self.certificate = certificate
    }

    /// The collection's `[lb_port, instance_port, protocol, instance_protocol(, certificate)]`.
    var tupleValue: Value {
        var items: [Value] = [.int(loadBalancerPort), .int(instancePort), .string(protocolName), .string(instanceProtocol)]
        if let certificate { items.append(.string(certificate)) }
        return .list(items)
    }

    /// `Listeners.member.N.*` of CreateLoadBalancer / CreateLoadBalancerListeners.
    func add(to request: inout AWSQueryRequest, index: Int) {
        let prefix = "Listeners.member.\(index)."
        request.set(prefix + "Protocol", protocolName)
        request.set(prefix + "LoadBalancerPort", loadBalancerPort)
        request.set(prefix + "InstancePort", instancePort)
        request.set(prefix + "InstanceProtocol", instanceProtocol)
        request.set(prefix + "SSLCertificateId", certificate)
    }
}

/// `elb_classic_lb`'s arguments, checked as the collection checks them (the nested options of
/// `listeners`, `health_check` and `access_logs` included).
struct ClassicLBSettings: Sendable {
    struct HealthCheck: Equatable, Sendable {
        var target: String
        var interval: Int
        var timeout: Int
        var unhealthyThreshold: Int
        var healthyThreshold: Int
    }

    struct AccessLogs: Equatable, Sendable {
        var enabled: Bool
        var bucket: String?
        var prefix: String
        var interval: Int
    }

    var name: String
    var listeners: [ClassicListener]?
    var healthCheck: HealthCheck?
    var accessLogs: AccessLogs?
    static let protocols = ["HTTP", "HTTPS", "TCP", "SSL"]

    init(_ context: ModuleContext) throws {
        name = context.string("name") ?? ""
        if let given = context.list("listeners") {
            listeners = try given.enumerated().map { try Self.listener($1, index: $0) }
        }
        if let given = context.args["health_check"], !given.isNull {
            healthCheck = try Self.healthCheck(given)
        }
        if let given = context.args["access_logs"], !given.isNull {
            let options = try Self.options(given, "access_logs")
            let interval = try Self.int(options, "interval", "access_logs") ?? 60
            guard [5, 60].contains(interval) else { throw AWSModuleError("access_logs.interval must be 5 or 60, got \(interval)") }
            let enabled = options["enabled"].flatMap(ValueCoercion.bool) ?? true
            let bucket = options["s3_location"]?.stringValue
            if enabled, bucket == nil { throw AWSModuleError("access_logs.s3_location is required when access logs are enabled") }
            accessLogs = AccessLogs(enabled: enabled, bucket: bucket, prefix: options["s3_prefix"]?.stringValue ?? "", interval: interval)
        }
        for unsupported in ["stickiness"] where !(context.args[unsupported]?.isNull ?? true) {
            throw AWSModuleError("\(unsupported) is not supported by play's elb_classic_lb (its cookie policies are not implemented); leave it out")
        }
    }

    private static func listener(_ value: Value, index: Int) throws -> ClassicListener {
        let what = "listeners[\(index)]"
        let options = try options(value, what)
        guard let lbPort = try int(options, "load_balancer_port", what), let instancePort = try int(options, "instance_port", what),
              let proto = options["protocol"]?.stringValue else {
            throw AWSModuleError("\(what) needs load_balancer_port, instance_port and protocol")
        }
        if let proxy = options["proxy_protocol"], ValueCoercion.bool(proxy) == true {
            throw AWSModuleError("\(what).proxy_protocol is not supported by play's elb_classic_lb (backend policies are not implemented)")
        }
        let instanceProtocol = options["instance_protocol"]?.stringValue
        for given in [proto, instanceProtocol ?? proto] where !protocols.contains(given.uppercased()) {
            throw AWSModuleError("Invalid protocol (\(given)) in listener. Valid protocols are \(protocols.joined(separator: ", "))")
        }
        return ClassicListener(loadBalancerPort: lbPort, instancePort: instancePort, protocolName: proto,
                               instanceProtocol: instanceProtocol, certificate: options["ssl_certificate_id"]?.stringValue)
    }

    private static func healthCheck(_ value: Value) throws -> HealthCheck {
        let options = try options(value, "health_check")
        guard let proto = options["ping_protocol"]?.stringValue?.uppercased(), let port = try int(options, "ping_port", "health_check"),
              let interval = try int(options, "interval", "health_check"),
              let timeout = try int(options, "timeout", "health_check") ?? int(options, "response_timeout", "health_check"),
              let unhealthy = try int(options, "unhealthy_threshold", "health_check"),
              let healthy = try int(options, "healthy_threshold", "health_check") else {
            throw AWSModuleError("health_check needs ping_protocol, ping_port, interval, timeout (response_timeout), "
                                 + "unhealthy_threshold and healthy_threshold")
        }
        guard protocols.contains(proto) else {
            throw AWSModuleError("Invalid protocol (\(proto)) in health_check. Valid protocols are \(protocols.joined(separator: ", "))")
        }
        let path = ["HTTP", "HTTPS"].contains(proto) ? options["ping_path"]?.stringValue ?? "" : ""
        return HealthCheck(target: "\(proto):\(port)\(path)", interval: interval, timeout: timeout,
                           unhealthyThreshold: unhealthy, healthyThreshold: healthy)
    }

    private static func options(_ value: Value, _ what: String) throws -> OrderedDictionary<String, Value> {
        guard let options = value.dictValue else { throw AWSModuleError("\(what) must be a dictionary") }
        return options
    }

    private static func int(_ options: OrderedDictionary<String, Value>, _ key: String, _ what: String) throws -> Int? {
        guard let value = options[key], !value.isNull else { return nil }
        guard let number = ValueCoercion.int(value) else { throw AWSModuleError("\(what).\(key) must be an integer") }
        return number
    }
}
