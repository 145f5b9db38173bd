import Foundation
import Synchronization

/// One per run: the resolved credentials, region and endpoints, the HTTP transport with one
/// connection pool per service and region, the retry policy and the request counters.
/// Clients are cheap views on it: `session.ec2()`, `session.elbv2(region: "eu-west-1")`.
public final class AWSSession: Sendable {
    /// The default region (clients may ask for another).
    public let region: String
    /// Where the region came from, for messages.
    public let regionSource: String
    public let retryPolicy: RetryPolicy
    /// Seconds without progress before an attempt fails.
    public let timeout: TimeInterval
    public let transport: any HTTPTransport

    private let credentialsProvider: CredentialsProvider
    private let endpointResolver: @Sendable (AWSService, String) throws -> AWSEndpoint
    private let metricsStore = Mutex(AWSMetrics())
    /// Seconds to add to the local clock, learned from AWS when it says the clock is skewed.
    private let clockOffset = Mutex<TimeInterval>(0)
    private let options: Options

    /// Knobs that are not AWS configuration: hooks for tests and progress output.
    public struct Options: Sendable {
        /// Replaces the attempt limit and delays; nil builds one from the configured max attempts.
        public var retryPolicy: RetryPolicy?
        public var timeout: TimeInterval
        /// Called after every HTTP attempt (from any task; must be thread-safe).
        public var onEvent: (@Sendable (AWSRequestEvent) -> Void)?
        public var clock: @Sendable () -> Date
        public var random: @Sendable () -> Double
        public var sleep: @Sendable (TimeInterval) async throws -> Void

        public init(retryPolicy: RetryPolicy? = nil, timeout: TimeInterval = 30,
                    onEvent: (@Sendable (AWSRequestEvent) -> Void)? = nil,
                    clock: @escaping @Sendable () -> Date = { Date() },
                    random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                    sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { seconds in
                        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
                    }) {
            self.retryPolicy = retryPolicy
            self.timeout = timeout
            self.onEvent = onEvent
            self.clock = clock
            self.random = random
            self.sleep = sleep
        }
    }

    /// A session with everything given: no lookups. `endpoint` nil means AWS's own endpoints.
    public init(credentials: AWSCredentials, region: String, endpoint: AWSEndpoint? = nil,
                transport: any HTTPTransport = CurlTransport(), options: Options = Options()) {
        self.region = region
        self.regionSource = "explicit"
        self.retryPolicy = options.retryPolicy ?? RetryPolicy()
        self.timeout = options.timeout
        self.transport = transport
        self.options = options
        self.credentialsProvider = CredentialsProvider(credentials, refresh: nil)
        self.endpointResolver = { service, region in endpoint ?? .standard(for: service, region: region) }
    }

    private init(resolver: AWSConfigurationResolver, credentials: AWSCredentials,
                 refresh: (@Sendable () async throws -> AWSCredentials)?, region: String, regionSource: String,
                 transport: any HTTPTransport, options: Options) {
        self.region = region
        self.regionSource = regionSource
        self.retryPolicy = options.retryPolicy ?? RetryPolicy(maxAttempts: resolver.maxAttempts)
        self.timeout = resolver.settings.timeout ?? options.timeout
        self.transport = transport
        self.options = options
        self.credentialsProvider = CredentialsProvider(credentials, refresh: refresh)
        self.endpointResolver = { service, region in try resolver.endpoint(for: service, region: region) }
    }

    /// Resolves credentials, region and endpoints through the chains (see `AWSConfigurationResolver`).
    /// Throws an `AWSError` of kind `.configuration` that lists where it looked.
    public static func make(settings: AWSSettings = AWSSettings(), environment: AWSEnvironment = .process,
                            transport: (any HTTPTransport)? = nil, options: Options = Options()) async throws -> AWSSession {
        let transport = transport ?? CurlTransport(defaultTimeout: settings.timeout ?? options.timeout)
        let resolver = try AWSConfigurationResolver(settings: settings, environment: environment, transport: transport)
        let (region, regionSource) = try await resolver.resolveRegion()
        // Check endpoint settings now so a typo fails before any work starts.
        for service in [AWSService.ec2, .elbv2, .s3, .ecs] { _ = try resolver.endpoint(for: service, region: region) }
        let (credentials, refresh) = try await resolver.resolveCredentials()
        return AWSSession(resolver: resolver, credentials: credentials, refresh: refresh, region: region,
                          regionSource: regionSource, transport: transport, options: options)
    }

    /// A session for the duration of `body`, its connections closed however `body` ends.
    public static func withSession<R: Sendable>(settings: AWSSettings = AWSSettings(),
                                                environment: AWSEnvironment = .process,
                                                transport: (any HTTPTransport)? = nil, options: Options = Options(),
                                                _ body: (AWSSession) async throws -> R) async throws -> R {
        let session = try await make(settings: settings, environment: environment, transport: transport, options: options)
        defer { session.shutdown() }
        return try await body(session)
    }

    /// Closes the connection pools.
    public func shutdown() { transport.shutdown() }

    public func ec2(region: String? = nil) -> EC2Client { EC2Client(session: self, region: region ?? self.region) }
    public func elbv2(region: String? = nil) -> ELBv2Client { ELBv2Client(session: self, region: region ?? self.region) }
    public func s3(region: String? = nil) -> S3Client { S3Client(session: self, region: region ?? self.region) }
    public func ecs(region: String? = nil) -> ECSClient { ECSClient(session: self, region: region ?? self.region) }
    public func kms(region: String? = nil) -> KMSClient { KMSClient(session: self, region: region ?? self.region) }
    public func ecr(region: String? = nil) -> ECRClient { ECRClient(session: self, region: region ?? self.region) }
    public func sts(region: String? = nil) -> STSClient { STSClient(session: self, region: region ?? self.region) }

    /// The credentials requests are signed with now (refreshed when temporary ones near expiry).
    public func credentials() async throws -> AWSCredentials { try await credentialsProvider.credentials() }

    public func endpoint(for service: AWSService, region: String? = nil) throws -> AWSEndpoint {
        try endpointResolver(service, region ?? self.region)
    }

    public var metrics: AWSMetrics { metricsStore.withLock { $0 } }

    public func resetMetrics() { metricsStore.withLock { $0 = AWSMetrics() } }

    // MARK: running calls

    /// Signs and sends a call built by `build` (called again for every attempt), retrying as the
    /// policy allows; returns the first successful answer or throws an `AWSError`.
    func perform(_ operation: AWSOperation,
                 build: (AWSEndpoint) throws -> HTTPRequest) async throws -> HTTPResponse {
        if !operation.isContinuation { metricsStore.withLock { $0.calls += 1 } }
        let endpoint = try endpointResolver(operation.service, operation.region)
        let signingRegion = operation.service.isGlobal ? "us-east-1" : operation.region
        var attempt = 0
        var refreshedCredentials = false
        var correctedClock = false
        while true {
            attempt += 1
            try Task.checkCancellation()
            var request = try build(endpoint)
            if request.timeout <= 0 { request.timeout = timeout }
            request.connectionPool = "\(operation.service.signingName)/\(operation.region)"
            let credentials = try await credentialsProvider.credentials()
            let now = options.clock().addingTimeInterval(clockOffset.withLock { $0 })
            SigV4Signer(credentials: credentials, region: signingRegion, service: operation.service.signingName)
                .sign(&request, at: now)

            metricsStore.withLock {
                $0.requests += 1
                if attempt > 1 { $0.retries += 1 }
                $0.requestsByOperation[operation.metricName, default: 0] += 1
            }
            let started = Date()
            var secrets = [credentials.secretAccessKey]
            if let token = credentials.sessionToken { secrets.append(token) }
            do {
                var response = try await transport.send(request)
                let elapsed = Date().timeIntervalSince(started)
                metricsStore.withLock { $0.requestTime += elapsed }
                if response.isSuccess || operation.acceptedStatuses.contains(response.status) {
                    report(operation, attempt: attempt, status: response.status, code: nil, elapsed: elapsed, retryDelay: nil)
                    return response
                }
                var parsed = AWSErrorResponse.parse(response, wire: operation.wire)
                // S3 answers a HEAD it refuses with 403 and no body: a wrong secret, an expired
                // token, a skewed clock and a missing permission all look alike. The same request
                // as a one-byte GET carries the error document that tells them apart.
                if AWSErrorResponse.needsDiagnosis(request, response, parsed) {
                    var probe = try build(endpoint)
                    probe.method = "GET"
                    probe.headers.set("Range", "bytes=0-0")
                    probe.downloadDestination = nil
                    probe.timeout = request.timeout
                    probe.connectionPool = request.connectionPool
                    SigV4Signer(credentials: credentials, region: signingRegion, service: operation.service.signingName)
                        .sign(&probe, at: now)
                    metricsStore.withLock { $0.requests += 1 }
                    if let answer = try? await transport.send(probe), !answer.isSuccess {
                        let real = AWSErrorResponse.parse(answer, wire: operation.wire)
                        if real.recognised {
                            parsed = real
                            response = answer
                        }
                    }
                }
                let outcome = RetryPolicy.Outcome.serviceError(code: parsed.code, status: response.status)
                let failure = serviceError(operation, parsed, response: response, credentials: credentials,
                                       endpoint: endpoint, attempts: attempt)

                // Temporary credentials AWS calls expired: refresh once and try again at once.
                if AWSErrorHints.expiredCodes.contains(parsed.code), !refreshedCredentials,
                   attempt < retryPolicy.maxAttempts, await credentialsProvider.invalidate() {
                    refreshedCredentials = true
                    report(operation, attempt: attempt, status: response.status, code: parsed.code, elapsed: elapsed, retryDelay: 0)
                    continue
                }
                // A skewed clock: adopt the server's time from its Date header, as the SDKs do.
                if ["RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException"].contains(parsed.code),
                   !correctedClock, attempt < retryPolicy.maxAttempts,
                   let serverDate = response.headers["Date"].flatMap(Self.parseHTTPDate),
                   abs(serverDate.timeIntervalSince(now)) > 240 {
                    correctedClock = true
                    clockOffset.withLock { $0 = serverDate.timeIntervalSince(options.clock()) }
                    report(operation, attempt: attempt, status: response.status, code: parsed.code, elapsed: elapsed, retryDelay: 0)
                    continue
                }
                if retryPolicy.shouldRetry(outcome, idempotent: operation.idempotent, attempt: attempt) {
                    let delay = retryPolicy.delay(afterAttempt: attempt, random: options.random())
                    report(operation, attempt: attempt, status: response.status, code: parsed.code, elapsed: elapsed, retryDelay: delay)
                    try await options.sleep(delay)
                    continue
                }
                report(operation, attempt: attempt, status: response.status, code: parsed.code, elapsed: elapsed, retryDelay: nil)
                throw giveUp(failure, secrets)
            } catch let error as HTTPTransportError {
                let elapsed = Date().timeIntervalSince(started)
                metricsStore.withLock { $0.requestTime += elapsed }
                let outcome = RetryPolicy.Outcome.transportError(error.kind)
                let failure = transportError(operation, error, endpoint: endpoint, attempts: attempt)
                if retryPolicy.shouldRetry(outcome, idempotent: operation.idempotent, attempt: attempt) {
                    let delay = retryPolicy.delay(afterAttempt: attempt, random: options.random())
                    report(operation, attempt: attempt, status: nil, code: failure.code, elapsed: elapsed, retryDelay: delay)
                    try await options.sleep(delay)
                    continue
                }
                report(operation, attempt: attempt, status: nil, code: failure.code, elapsed: elapsed, retryDelay: nil)
                throw giveUp(failure, secrets)
            }
        }
    }

    private func giveUp(_ failure: AWSError, _ secrets: [String]) -> AWSError {
        metricsStore.withLock { $0.failures += 1 }
        return failure.redacting(secrets)
    }

    private func report(_ operation: AWSOperation, attempt: Int, status: Int?, code: String?, elapsed: TimeInterval,
                        retryDelay: TimeInterval?) {
        options.onEvent?(AWSRequestEvent(service: operation.service.name, operation: operation.name,
                                         region: operation.region, attempt: attempt, status: status,
                                         errorCode: code, duration: elapsed, retryDelay: retryDelay))
    }

    private func serviceError(_ operation: AWSOperation, _ parsed: AWSErrorResponse, response: HTTPResponse,
                              credentials: AWSCredentials, endpoint: AWSEndpoint, attempts: Int) -> AWSError {
        let situation = AWSErrorHints.Situation(operation: operation, code: parsed.code, message: parsed.message,
                                                status: response.status, credentials: credentials, endpoint: endpoint,
                                                responseHeaders: response.headers, attempts: attempts)
        return AWSError(kind: .service, service: operation.service.name, operation: operation.name, code: parsed.code,
                        message: parsed.message.isEmpty ? "HTTP \(response.status)" : parsed.message,
                        requestID: parsed.requestID, httpStatus: response.status,
                        hint: AWSErrorHints.hint(situation), attempts: attempts, region: operation.region)
    }

    private func transportError(_ operation: AWSOperation, _ error: HTTPTransportError, endpoint: AWSEndpoint,
                                attempts: Int) -> AWSError {
        let tries = "\(attempts) attempt\(attempts == 1 ? "" : "s")"
        switch error.kind {
        case .timedOut:
            return AWSError(kind: .timeout, service: operation.service.name, operation: operation.name, code: "Timeout",
                            message: "no answer from \(endpoint.url) within \(Self.seconds(timeout)) s",
                            hint: "gave up after \(tries)"
                                + (operation.idempotent ? "" : " (\(operation.name) is not repeated without a client token)")
                                + "; check the network and the endpoint (\(endpoint.source)), or raise the timeout",
                            attempts: attempts, region: operation.region)
        case .cannotConnect:
            return AWSError(kind: .transport, service: operation.service.name, operation: operation.name,
                            code: "ConnectionFailed", message: error.message,
                            hint: "cannot reach \(endpoint.url) (endpoint from \(endpoint.source)) after \(tries): "
                                + "check endpoint_url / AWS_ENDPOINT_URL* and the network",
                            attempts: attempts, region: operation.region)
        case .connectionLost:
            return AWSError(kind: .transport, service: operation.service.name, operation: operation.name,
                            code: "ConnectionLost", message: error.message,
                            hint: operation.idempotent ? "the connection broke \(tries) in a row; check the network"
                                : "the connection broke after the request went out; \(operation.name) may or may not have happened, so look before retrying",
                            attempts: attempts, region: operation.region)
        case .local:
            return AWSError(kind: .transport, service: operation.service.name, operation: operation.name,
                            code: "LocalError", message: error.message, attempts: attempts, region: operation.region)
        }
    }

    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// RFC 1123 dates as in HTTP `Date` headers.
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
