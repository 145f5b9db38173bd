import Foundation
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `aws_caller_info`: the account, ARN and user id the credentials belong to (STS
/// GetCallerIdentity) and the account's alias (IAM ListAccountAliases; empty when the caller may
/// not list them, as the collection does).
public struct AWSCallerInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "aws_caller_info", arguments: AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let sts = try await context.awsSession().session.sts()
            let identity = try await AWSModuleError.wrapping("STS GetCallerIdentity") { try await sts.callerIdentity() }
            let alias = (try? await sts.accountAliases())?.first ?? ""
            return .ok(changed: false, [
                "account": .string(identity.account), "account_alias": .string(alias),
                "arn": .string(identity.arn), "user_id": .string(identity.userID),
            ])
        }
    }
}
