import Foundation

/// Hands out the session's credentials, refreshing temporary ones (instance roles,
/// credential_process) five minutes before they expire or when AWS says they have.
actor CredentialsProvider {
    private var current: AWSCredentials
    private let refresh: (@Sendable () async throws -> AWSCredentials)?
    private var refreshing: Task<AWSCredentials, Error>?

    init(_ credentials: AWSCredentials, refresh: (@Sendable () async throws -> AWSCredentials)?) {
        current = credentials
        self.refresh = refresh
    }

    var canRefresh: Bool { refresh != nil }

    func credentials(now: Date = Date()) async throws -> AWSCredentials {
        guard refresh != nil, current.expires(within: 300, of: now) else { return current }
        return try await refreshNow(now: now)
    }

    /// Forces a refresh (after an ExpiredToken answer); returns false when these credentials cannot refresh.
    func invalidate() async -> Bool {
        guard refresh != nil else { return false }
        return (try? await refreshNow(now: Date())) != nil
    }

    private func refreshNow(now: Date) async throws -> AWSCredentials {
        if let refreshing { return try await refreshing.value }
        guard let refresh else { return current }
        let task = Task { try await refresh() }
        refreshing = task
        defer { refreshing = nil }
        do {
            current = try await task.value
        } catch {
            // Keep using the old credentials while they still work.
            if current.expires(within: 0, of: now) { throw error }
        }
        return current
    }
}
