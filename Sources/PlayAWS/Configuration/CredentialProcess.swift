import Foundation
import PlayBase

/// A profile's `credential_process`: a command that prints credentials as JSON
/// (`{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken": …, "Expiration": …}`).
/// It runs through `Subprocess.run` (a thread of its own waits for it, never one of Swift's
/// cooperative threads) with a time limit, its stderr on ours so it can talk to the user.
struct CredentialProcess: Sendable {
    /// Seconds the command may take unless `PLAY_CREDENTIAL_PROCESS_TIMEOUT` says otherwise.
    static let defaultTimeout = 60
    /// A credentials document is a few KiB; anything larger is not one.
    static let outputLimit = 1 << 20

    let command: String
    let profile: String
    let timeout: Duration

    init(command: String, profile: String, environment: AWSEnvironment) throws {
        self.command = command
        self.profile = profile
        let variable = "PLAY_CREDENTIAL_PROCESS_TIMEOUT"
        if let text = environment[variable] {
            guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                throw AWSError.configuration("InvalidSetting", "\(variable) is '\(text)', not a number of seconds above 0",
                                             about: "credentials", hint: "export \(variable)=60, or unset it")
            }
            timeout = .milliseconds(Int64((seconds * 1000).rounded(.up)))
        } else {
            timeout = .seconds(Self.defaultTimeout)
        }
    }

    func run() async throws -> AWSCredentials {
        func failure(_ message: String, hint: String = "run the command by hand to see what it says") -> AWSError {
            AWSError.configuration("CredentialProcessFailed", "credential_process of profile '\(profile)' \(message)",
                                   about: "credentials", hint: hint)
        }
        let result: SubprocessOutput
        do {
            result = try await Subprocess.run(["/bin/sh", "-c", command], stderr: .inherited, timeout: timeout,
                                              outputLimit: Self.outputLimit)
        } catch {
            throw failure("could not start: \(error.reason)")
        }
        if result.cancelled { throw CancellationError() }
        if result.timedOut {
            throw failure("did not finish within \(Self.seconds(timeout)) and was killed",
                          hint: "run the command by hand to see where it waits (a login prompt?), or raise PLAY_CREDENTIAL_PROCESS_TIMEOUT")
        }
        switch result.termination {
        case .exited(0): break
        case .exited(let status), .signaled(let status): throw failure("exited with status \(status)")
        }
        // Never echo the output: it holds the secret.
        guard result.stdoutOmitted == 0,
              let object = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
              let id = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String
        else { throw failure("printed something that is not a credentials JSON document") }
        let expiration = (object["Expiration"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: object["SessionToken"] as? String,
                              expiration: expiration, source: "credential_process of profile '\(profile)'")
    }

    private static func seconds(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        return atto == 0 ? "\(whole) s" : String(format: "%.3g s", Double(whole) + Double(atto) / 1e18)
    }
}
