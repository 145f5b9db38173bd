import Foundation
@testable import PlayAWS

/// A throwaway home directory with optional `~/.aws/credentials` and `~/.aws/config`, and an
/// environment that never reaches the real instance metadata address unless a test points it
/// at a local server.
struct TemporaryHome {
    let url: URL

    init(credentials: String? = nil, config: String? = nil) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("play-home-\(UUID().uuidString)")
        let aws = url.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        if let credentials { try Data(credentials.utf8).write(to: aws.appendingPathComponent("credentials")) }
        if let config { try Data(config.utf8).write(to: aws.appendingPathComponent("config")) }
    }

    func environment(_ variables: [String: String] = [:], metadata: String? = nil) -> AWSEnvironment {
        var env = variables
        if let metadata {
            env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = metadata
        } else if env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] == nil {
            env["AWS_EC2_METADATA_DISABLED"] = env["AWS_EC2_METADATA_DISABLED"] ?? "true"
        }
        return AWSEnvironment(variables: env, homeDirectory: url.path)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
