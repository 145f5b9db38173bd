import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// The arguments every AWS module takes (amazon.aws names and aliases), and how they become
/// `AWSSettings`: the task's arguments first, then the play/host variables the vault file defines
/// (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`, `aws_region`,
/// `aws_endpoint_url`), then PlayAWS's own chain (environment, profiles, instance metadata).
enum AWSArguments {
    static let specs: [ArgumentSpec] = [
        ArgumentSpec("region", .string, aliases: ["aws_region", "ec2_region"]),
        ArgumentSpec("aws_access_key", .string, aliases: ["aws_access_key_id", "access_key", "ec2_access_key"]),
        ArgumentSpec("aws_secret_key", .string, aliases: ["aws_secret_access_key", "secret_key", "ec2_secret_key"]),
        ArgumentSpec("session_token", .string, aliases: ["aws_session_token", "security_token", "aws_security_token"]),
        ArgumentSpec("endpoint_url", .string, aliases: ["aws_endpoint_url"]),
        ArgumentSpec("profile", .string, aliases: ["aws_profile"]),
    ]

    /// Variable names read when the argument is absent (the names `vault/aws.yml` uses).
    static let variableNames = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region",
                                "aws_endpoint_url"]

    /// Settings from the arguments, completed from the variables. A variable holding a template is
    /// rendered first; a template error names the variable but never its value.
    static func settings(_ context: ModuleContext) throws(AWSModuleError) -> AWSSettings {
        var given: [String: Value] = [:]
        for spec in specs { if let value = context.args[spec.name], !value.isNull { given[spec.name] = value } }
        var fromVariables: [String: Value] = [:]
        for name in variableNames {
            guard let raw = context.variables.lookup(name), !raw.isNull else { continue }
            do {
                fromVariables[name] = context.variables.isTemplated(name)
                    ? try context.templar.render(raw, context.variables) : raw
            } catch {
                throw AWSModuleError("the variable '\(name)' could not be rendered: \(safeSummary(error))")
            }
        }
        return AWSSettings(arguments: given).merging(AWSSettings(arguments: fromVariables))
    }

    /// The process environment with the task's `environment:` on top, as an Ansible module sees it.
    static func environment(_ context: ModuleContext) -> AWSEnvironment {
        var environment = AWSEnvironment.process
        for (name, value) in context.environment { environment.variables[name] = value }
        return environment
    }
}

/// A template error's message when it can only hold names (undefined or recursive variables);
/// other messages may quote values, and these variables hold secrets.
private func safeSummary(_ error: TemplateError) -> String {
    switch error {
    case .undefinedVariable, .recursion: return error.message
    default: return "a template error (\(error.hint ?? "check the variable's definition"))"
    }
}
