import Foundation
import OrderedCollections
import PlayBase

/// AWS Systems Manager Run Command (JSON 1.1, `AmazonSSM.*`): shell scripts sent to managed
/// instances with AWS-RunShellScript and their invocations read back, for the aws_ssm connection.
public struct SSMClient: Sendable {
    public let session: AWSSession
    public let region: String
    static let targetPrefix = "AmazonSSM"
    /// What `GetCommandInvocation` keeps of each stream: the rest is only in the output bucket.
    public static let outputContentLimit = 24_000

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    func call(_ operation: String, _ body: OrderedDictionary<String, Value>, idempotent: Bool) async throws -> Value {
        try await session.json(.ssm, region: region, targetPrefix: Self.targetPrefix, operation: operation,
                               .dict(body), idempotent: idempotent)
    }

    /// Sends `commands` (lines of one `sh` script) to every instance in `instanceIDs` with
    /// AWS-RunShellScript; returns the command id. `executionTimeout` kills the script on the
    /// instance; `deliveryTimeout` (TimeoutSeconds, at least 30) gives up on an instance that does not
    /// pick it up. With `outputBucket`, SSM writes each invocation's whole stdout and stderr under
    /// `outputPrefix` there. Never retried after an ambiguous failure: it would run twice.
    public func sendCommand(instanceIDs: [String], commands: [String], executionTimeout: Int? = nil,
                            deliveryTimeout: Int? = nil, workingDirectory: String? = nil,
                            outputBucket: String? = nil, outputPrefix: String? = nil,
                            comment: String? = nil) async throws -> String {
        var parameters: OrderedDictionary<String, Value> = ["commands": .list(commands.map { .string($0) })]
        if let executionTimeout { parameters["executionTimeout"] = .list([.string(String(executionTimeout))]) }
        if let workingDirectory { parameters["workingDirectory"] = .list([.string(workingDirectory)]) }
        var body: OrderedDictionary<String, Value> = [
            "InstanceIds": .list(instanceIDs.map { .string($0) }),
            "DocumentName": .string("AWS-RunShellScript"),
            "Parameters": .dict(parameters),
        ]
        if let deliveryTimeout { body["TimeoutSeconds"] = .int(max(30, deliveryTimeout)) }
        if let outputBucket { body["OutputS3BucketName"] = .string(outputBucket) }
        if let outputPrefix { body["OutputS3KeyPrefix"] = .string(outputPrefix) }
        if let comment { body["Comment"] = .string(String(comment.prefix(100))) }
        let result = try await call("SendCommand", body, idempotent: false)
        guard let id = result["Command"]?["CommandId"]?.stringValue else { throw missing("Command.CommandId", "SendCommand") }
        return id
    }

    /// One instance's invocation of a command; nil while SSM does not know it yet
    /// (`InvocationDoesNotExist`, which it answers for a moment after SendCommand).
    public func getCommandInvocation(commandID: String, instanceID: String) async throws -> SSMCommandInvocation? {
        do {
            let result = try await call("GetCommandInvocation", ["CommandId": .string(commandID),
                                                                 "InstanceId": .string(instanceID)], idempotent: true)
            return SSMCommandInvocation(json: result)
        } catch let error as AWSError where error.code == "InvocationDoesNotExist" {
            return nil
        }
    }

    /// Stops a command on `instanceIDs` (all of its instances when empty).
    public func cancelCommand(commandID: String, instanceIDs: [String] = []) async throws {
        var body: OrderedDictionary<String, Value> = ["CommandId": .string(commandID)]
        if !instanceIDs.isEmpty { body["InstanceIds"] = .list(instanceIDs.map { .string($0) }) }
        _ = try await call("CancelCommand", body, idempotent: true)
    }

    func missing(_ field: String, _ operation: String) -> AWSError {
        AWSError(kind: .decoding, service: "SSM", operation: operation, code: "InvalidResponse",
                 message: "the answer has no \"\(field)\"", region: region)
    }
}

extension AWSSession {
    public func ssm(region: String? = nil) -> SSMClient { SSMClient(session: self, region: region ?? self.region) }
}
