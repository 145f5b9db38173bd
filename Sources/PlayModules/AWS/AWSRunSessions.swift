import Foundation
import PlayAWS
import PlayExecutor
import Synchronization

/// The AWS sessions of one run: one per distinct configuration (credentials, region, endpoint,
/// profile, AWS_* environment), made on first use and shared by every AWS task after it, so a deploy
/// signs over warm connections and lookups by name happen once. Lives in `RunResources`.
public final class AWSRunSessions: Sendable {
    /// The `RunResources` key. Tests store an instance with their own transport here before the run.
    public static let resourceKey = "aws.sessions"

    private struct Key: Hashable {
        var settings: AWSSettings
        var environment: [String: String]
    }

    private let transport: (any HTTPTransport)?
    private let options: AWSSession.Options
    private let entries = Mutex<[Key: Task<AWSModuleSession, any Error>]>([:])
    private let made = Mutex<[AWSModuleSession]>([])

    /// `transport` nil gives each session its own `CurlTransport`.
    public init(transport: (any HTTPTransport)? = nil, options: AWSSession.Options = AWSSession.Options()) {
        self.transport = transport
        self.options = options
    }

    /// The run's sessions, created empty on first use.
    public static func shared(in run: RunResources) -> AWSRunSessions {
        run.resource(resourceKey) { AWSRunSessions() }
    }

    /// The session for these settings, resolving the configuration chain the first time only.
    /// A failed resolution is not kept: the next task tries again.
    func session(settings: AWSSettings, environment: AWSEnvironment) async throws -> AWSModuleSession {
        let key = Key(settings: settings, environment: environment.variables.filter { $0.key.hasPrefix("AWS_") })
        let task = entries.withLock { entries in
            if let existing = entries[key] { return existing }
            let created = Task { [self] in try await make(settings: settings, environment: environment) }
            entries[key] = created
            return created
        }
        do {
            return try await task.value
        } catch {
            _ = entries.withLock { $0.removeValue(forKey: key) }
            throw error
        }
    }

    private func make(settings: AWSSettings, environment: AWSEnvironment) async throws -> AWSModuleSession {
        let session = try await AWSSession.make(settings: settings, environment: environment, transport: transport,
                                                options: options)
        let wrapped = AWSModuleSession(session)
        made.withLock { $0.append(wrapped) }
        return wrapped
    }

    /// Every session made so far.
    public var sessions: [AWSSession] { made.withLock { $0.map(\.session) } }

    /// Request counters summed over the run's sessions (the deploy benchmark's "requests").
    public var metrics: AWSMetrics {
        var total = AWSMetrics()
        for session in sessions {
            let m = session.metrics
            total.calls += m.calls
            total.requests += m.requests
            total.retries += m.retries
            total.failures += m.failures
            total.requestTime += m.requestTime
            total.requestsByOperation.merge(m.requestsByOperation, uniquingKeysWith: +)
        }
        return total
    }

    /// Closes every session's connections (end of the run).
    public func shutdown() {
        for session in sessions { session.shutdown() }
    }
}
