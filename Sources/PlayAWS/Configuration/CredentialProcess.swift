import Foundation
import PlayBase

/// A profile's `credential_process`: a command that prints credentials as JSON
/// (`{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken": …, "Expiration": …}`).
struct CredentialProcess: Sendable {
    let command: String
    let profile: String

    func run() throws -> AWSCredentials {
        func failure(_ message: String) -> AWSError {
            AWSError.configuration("CredentialProcessFailed", "credential_process of profile '\(profile)' \(message)",
                                   about: "credentials", hint: "run the command by hand to see what it says")
        }
        let result: SubprocessOutput
        do {
            result = try Subprocess.capture(["/bin/sh", "-c", command], stdin: .null, stderr: .inherited)
        } catch {
            throw failure("could not start: \(error.reason)")
        }
        let data = result.stdout
        switch result.termination {
        case .exited(0): break
        case .exited(let status), .signaled(let status): throw failure("exited with status \(status)")
        }
        // Never echo the output: it holds the secret.
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let id = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String
        else { throw failure("printed something that is not a credentials JSON document") }
        let expiration = (object["Expiration"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: object["SessionToken"] as? String,
                              expiration: expiration, source: "credential_process of profile '\(profile)'")
    }
}
