import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `sts_assume_role`: temporary credentials for `role_arn` (STS AssumeRole). Returns
/// `sts_creds` (`access_key`, `secret_key`, `session_token`, `expiration`) and `sts_user`
/// (`arn`, `assumed_role_id`). Like the collection's, it does not run in check mode.
public struct STSAssumeRoleModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "sts_assume_role", arguments: [
        ArgumentSpec("role_arn", .string, required: true),
        ArgumentSpec("role_session_name", .string, required: true),
        ArgumentSpec("duration_seconds", .int),
        ArgumentSpec("external_id", .string),
        ArgumentSpec("policy", .string),
        ArgumentSpec("mfa_serial_number", .string),
        ArgumentSpec("mfa_token", .string),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if context.checkMode { return .skipped("remote module (amazon.aws.sts_assume_role) does not support check mode") }
        return try await runAWSModule {
            let sts = try await context.awsSession().session.sts()
            let answer = try await AWSModuleError.wrapping("STS AssumeRole") {
                try await sts.assumeRole(STSClient.AssumeRoleRequest(
                    roleARN: context.string("role_arn") ?? "", sessionName: context.string("role_session_name") ?? "",
                    durationSeconds: context.int("duration_seconds"), externalID: context.string("external_id"),
                    policy: context.string("policy"), serialNumber: context.string("mfa_serial_number"),
                    tokenCode: context.string("mfa_token")))
            }
            func text(_ path: String...) -> Value { answer[path.first ?? ""].flatMap { $0.string(path[1]) }.map(Value.string) ?? .null }
            let expiration = answer.string("Credentials", "Expiration").map { Value.string(EC2ResultShape.isoTime($0)) } ?? .null
            return .ok(changed: true, [
                "sts_creds": .dict(["access_key": text("Credentials", "AccessKeyId"), "secret_key": text("Credentials", "SecretAccessKey"),
                                    "session_token": text("Credentials", "SessionToken"), "expiration": expiration]),
                "sts_user": .dict(["arn": text("AssumedRoleUser", "Arn"), "assumed_role_id": text("AssumedRoleUser", "AssumedRoleId")]),
            ])
        }
    }
}
