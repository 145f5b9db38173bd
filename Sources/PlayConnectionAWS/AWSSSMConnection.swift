import Foundation
import PlayAWS
import PlayBase
import PlayConnection

/// `ansible_connection: aws_ssm`: every command is one SSM Run Command (`SendCommand` with
/// AWS-RunShellScript, then `GetCommandInvocation` until it ends), so the instance needs no
/// SSH and no inbound port. Input larger than a few KiB and every file travel through the S3
/// bucket (`ansible_aws_ssm_bucket_name`): the controller uploads, the instance downloads with a
/// presigned URL and `curl` (and the other way for fetch), as the amazon.aws plugin does.
/// Output past SSM's 24,000 characters is read from the bucket SSM writes it to.
struct AWSSSMConnection: Connection {
    let hostName: String
    let settings: AWSSSMSettings
    let ssm: SSMClient
    let batcher: SSMCommandBatcher
    let s3: S3Client
    let becomeMethod: String
    let commandTimeout: Duration?

    /// Input up to this size travels inside the script (as printf escapes); larger through S3.
    static let inlineInput = 16 * 1024
    static let outputPrefix = "play-ssm-output"
    /// Polling GetCommandInvocation: first wait, growth, cap.
    static let firstPoll = 0.02, pollGrowth = 1.5, pollCap = 0.25

    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        try await run(request, inlineLimit: Self.inlineInput)
    }

    private func run(_ request: CommandRequest, inlineLimit: Int) async throws(ConnectionError) -> CommandResult {
        let started = ContinuousClock.now
        let input = try DetachedCommand.input(for: request, becomeMethod: becomeMethod, host: hostName) ?? Data()
        var uploaded: String?
        var source = DetachedCommand.printfCommand(input)
        // Environment values travel through the bucket whenever there is one: SSM keeps a
        // command's text in its history, readable with ssm:ListCommands.
        let secret = !request.environment.isEmpty || !request.shellVariables.isEmpty
        if input.count > inlineLimit || (secret && settings.bucketName != nil) {
            let key = objectKey("in")
            source = "curl -fsS \(ShellWords.quote(try await upload(input, key: key, path: "stdin")))"
            uploaded = key
        }
        let script = try DetachedCommand.script(for: request, becomeMethod: becomeMethod, host: hostName) { _ in source }
        let timeout = request.timeout ?? commandTimeout
        let commandID: String, invocation: SSMCommandInvocation
        do {
            (commandID, invocation) = try await execute(script, timeout: timeout)
        } catch {
            await remove(uploaded)
            throw error
        }
        await remove(uploaded)
        let stdout = try await fullOutput(invocation.standardOutput, commandID: commandID, stream: "stdout")
        var stderr = try await fullOutput(invocation.standardError, commandID: commandID, stream: "stderr")
        let suffix = "failed to run commands: exit status \(invocation.responseCode)"
        if invocation.status == .failed, stderr.hasSuffix(suffix) { stderr.removeLast(suffix.count) }
        var result = try DetachedCommand.result(status: Int32(truncatingIfNeeded: invocation.responseCode), stdout: Data(stdout.utf8),
                                                stderr: Data(stderr.utf8), become: request.become,
                                                duration: ContinuousClock.now - started, host: hostName)
        if result.stdout.count > request.outputLimit {
            result.stdoutOmitted = result.stdout.count - request.outputLimit
            result.stdout = result.stdout.prefix(request.outputLimit)
        }
        return result
    }

    /// Sends the script and waits for its end (polling with a short, growing interval).
    private func execute(_ script: String, timeout: Duration?) async throws(ConnectionError) -> (String, SSMCommandInvocation) {
        let seconds = timeout.map { max(1, Int(($0 / .seconds(1)).rounded(.up))) }
        let commandID: String
        do {
            let key = SSMCommandBatcher.Key(script: script, executionTimeout: seconds, deliveryTimeout: settings.timeout,
                                            outputBucket: settings.bucketName,
                                            outputPrefix: settings.bucketName == nil ? nil : Self.outputPrefix)
            commandID = try await batcher.send(key, to: settings.instanceID)
        } catch {
            throw unreachable(error)
        }
        let clock = ContinuousClock()
        let deliveryDeadline = clock.now + .seconds(settings.timeout)
        var wait = Self.firstPoll
        while true {
            do {
                try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            } catch {
                try? await ssm.cancelCommand(commandID: commandID)
                throw .cancelled(host: hostName)
            }
            wait = min(Self.pollCap, wait * Self.pollGrowth)
            let current: SSMCommandInvocation?
            do {
                current = try await ssm.getCommandInvocation(commandID: commandID, instanceID: settings.instanceID)
            } catch {
                throw unreachable(error)
            }
            guard let current, let status = current.status else {
                if let current { throw .unreachable(host: hostName, message: "SSM reports status '\(current.statusText)'") }
                continue
            }
            switch status {
            case .success, .failed:
                return (commandID, current)
            case .timedOut where current.statusDetails == "ExecutionTimedOut":
                throw .timedOut(host: hostName, after: timeout ?? .seconds(3600))
            case .pending where clock.now > deliveryDeadline:
                try? await ssm.cancelCommand(commandID: commandID)
                throw .unreachable(host: hostName, message: "instance \(settings.instanceID) did not pick up the SSM command within"
                    + " \(settings.timeout) s (ansible_aws_ssm_timeout): is it running, with the SSM agent online?")
            default:
                if status.isFinal {
                    throw .unreachable(host: hostName, message: "SSM command \(commandID) on \(settings.instanceID): \(current.statusText)"
                        + (current.statusDetails.isEmpty ? "" : " (\(current.statusDetails))"))
                }
            }
        }
    }

    /// The whole of one output stream: SSM's answer, or the bucket's copy when SSM cut it.
    private func fullOutput(_ content: String, commandID: String, stream: String) async throws(ConnectionError) -> String {
        guard content.unicodeScalars.count >= SSMClient.outputContentLimit else { return content }
        guard let bucket = settings.bucketName else {
            throw .transfer(host: hostName, path: stream, message: "the command's \(stream) is longer than the 24,000 characters"
                + " SSM returns; set ansible_aws_ssm_bucket_name so that it is read whole from S3")
        }
        // Where SSM writes an AWS-RunShellScript invocation's output under OutputS3KeyPrefix.
        let key = "\(Self.outputPrefix)/\(commandID)/\(settings.instanceID)/awsrunShellScript/0.awsrunShellScript/\(stream)"
        do {
            let (data, _) = try await s3.getObjectData(bucket: bucket, key: key)
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw .transfer(host: hostName, path: stream, message: "reading s3://\(bucket)/\(key): \(error)")
        }
    }

    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        guard DetachedCommand.validMode(mode) else {
            throw .configuration(host: hostName, message: "file mode \(mode ?? 0) is out of range (0 to 0o7777)")
        }
        _ = try bucket(for: remotePath)
        let request = CommandRequest(command: try DetachedCommand.putScript(path: remotePath, mode: mode), stdin: data,
                                     become: become, becomeUser: becomeUser)
        let result = try await run(request, inlineLimit: -1)
        if result.exitCode != 0 {
            throw .transfer(host: hostName, path: remotePath, message: result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        let bucket = try bucket(for: remotePath)
        let key = objectKey("out")
        let url: String
        do {
            url = try await s3.presignedURL(bucket: bucket, key: key, expiry: urlExpiry, method: "PUT")
        } catch {
            throw .transfer(host: hostName, path: remotePath, message: "presigning s3://\(bucket)/\(key): \(error)")
        }
        let path = ShellQuoting.quotePath(remotePath)
        let command = "if [ -f \(path) ] && [ -r \(path) ]; then curl -fsS -T \(path) \(ShellWords.quote(url)); else cat -- \(path) >/dev/null; exit 1; fi"
        let result = try await run(CommandRequest(command: command, become: become, becomeUser: becomeUser))
        guard result.exitCode == 0 else {
            throw .transfer(host: hostName, path: remotePath, message: result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        do {
            let (data, _) = try await s3.getObjectData(bucket: bucket, key: key)
            try? await s3.deleteObject(bucket: bucket, key: key)
            return data
        } catch {
            throw .transfer(host: hostName, path: remotePath, message: "reading s3://\(bucket)/\(key): \(error)")
        }
    }

    func close() async {}

    // MARK: helpers

    private func bucket(for path: String) throws(ConnectionError) -> String {
        guard let bucket = settings.bucketName else {
            throw .transfer(host: hostName, path: path, message: "aws_ssm moves files through S3: set ansible_aws_ssm_bucket_name")
        }
        return bucket
    }

    /// A fresh key under the instance's prefix, as the plugin names its transfers.
    private func objectKey(_ kind: String) -> String {
        "\(settings.instanceID)/play-\(kind)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    }

    /// Deletes an uploaded input once the command has run (or failed).
    private func remove(_ key: String?) async {
        guard let key, let bucket = settings.bucketName else { return }
        try? await s3.deleteObject(bucket: bucket, key: key)
    }

    /// How long a presigned URL in a command stays valid: the time an instance may take to pick
    /// the command up, and a margin.
    private var urlExpiry: Int { settings.timeout + 300 }

    /// Uploads `data` and returns a presigned GET URL for it.
    private func upload(_ data: Data, key: String, path: String) async throws(ConnectionError) -> String {
        let bucket = try bucket(for: path)
        do {
            try await s3.putObject(bucket: bucket, key: key, data: data)
            return try await s3.presignedURL(bucket: bucket, key: key, expiry: urlExpiry)
        } catch {
            throw .transfer(host: hostName, path: path, message: "uploading to s3://\(bucket)/\(key): \(error)")
        }
    }

    private func unreachable(_ error: any Error) -> ConnectionError {
        .unreachable(host: hostName, message: "SSM: \(error)")
    }
}
