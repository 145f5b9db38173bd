import Foundation
import PlayAWS
import PlayConnection

/// The `aws_ssm` connection for the pool: one AWS session per distinct credentials, region and
/// endpoint, shared by every host that uses them, closed with the pool.
public actor AWSSSMPlugin: ConnectionPlugin {
    public nonisolated let name = "aws_ssm"
    private let environment: [String: String]
    private var sessions: [AWSSettings: AWSSession] = [:]
    /// One batcher per session and region, so hosts that share them share SendCommand calls.
    private var batchers: [AWSSettings: SSMCommandBatcher] = [:]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func connection(for hostName: String, settings: ConnectionSettings) async throws(ConnectionError) -> any Connection {
        let ssm = try AWSSSMSettings(host: settings.host, variables: settings.pluginVariables, environment: environment)
        let session = try await session(ssm.sessionSettings, host: hostName)
        let bucketSession = ssm.bucketEndpointURL == nil ? session : try await self.session(ssm.bucketSessionSettings, host: hostName)
        let client = session.ssm(region: ssm.region)
        let batcher = batchers[ssm.sessionSettings] ?? SSMCommandBatcher(ssm: client)
        batchers[ssm.sessionSettings] = batcher
        return AWSSSMConnection(hostName: hostName, settings: ssm, ssm: client, batcher: batcher,
                                s3: bucketSession.s3(region: ssm.region), becomeMethod: settings.becomeMethod,
                                commandTimeout: settings.commandTimeout)
    }

    private func session(_ settings: AWSSettings, host: String) async throws(ConnectionError) -> AWSSession {
        if let existing = sessions[settings] { return existing }
        do {
            let made = try await AWSSession.make(settings: settings, environment: AWSEnvironment(variables: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory()))
            if let raced = sessions[settings] {
                made.shutdown()
                return raced
            }
            sessions[settings] = made
            return made
        } catch {
            throw .configuration(host: host, message: "aws_ssm: \(error)")
        }
    }

    public func close() async {
        for session in sessions.values { session.shutdown() }
        sessions.removeAll()
        batchers.removeAll()
    }
}
