import Foundation
import PlayAWS
import PlayExecutor

extension ModuleContext {
    /// The run's session for this task's AWS settings (arguments, then variables, then the chain).
    func awsSession() async throws -> AWSModuleSession {
        let settings = try AWSArguments.settings(self)
        do {
            return try await AWSRunSessions.shared(in: run).session(settings: settings,
                                                                    environment: AWSArguments.environment(self))
        } catch let error as AWSError {
            throw AWSModuleError(error.description)
        }
    }
}
